import type { FixStep } from '../types';
import { AUTHENTICATOR_QUERY_CREATOR } from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import type { CategoryEntry, EveryIdHasAnEntry, RecordFamily, RecordMatch } from './entry';

/**
 * Authenticator records that are not denials and need no action: grants, STS responses and every
 * other line. The fix says so in one line; a grant of the cluster creator is worth noting down.
 */
export const OTHER_CATEGORIES = ['ACCESS_GRANTED', 'STS_RESPONSE', 'INFO'] as const;
export type OtherCategory = (typeof OTHER_CATEGORIES)[number];

const NO_ACTION = 'No action needed.';

const ENTRIES = [
  {
    id: 'ACCESS_GRANTED',
    match: { msg: 'access granted' },
    severity: 'info',
    trust: 'none',
    title: 'Access granted',
    summary:
      'The principal authenticated and was mapped to a Kubernetes identity, so there is nothing to fix.',
    steps: (request) => [{ text: NO_ACTION }, ...creatorSteps(request)],
    warnings: [],
  },
  {
    id: 'STS_RESPONSE',
    match: { msg: 'STS response' },
    severity: 'info',
    trust: 'none',
    title: 'STS confirmed the caller',
    summary:
      'STS told the authenticator which IAM identity signed the token; the next line of the same request says whether access was granted.',
    steps: () => [
      { text: `${NO_ACTION} Its access key ID and session help find the request in CloudTrail.` },
    ],
    warnings: [],
  },
  {
    id: 'INFO',
    match: { otherwise: true },
    severity: 'info',
    trust: 'none',
    title: 'Authenticator information',
    summary: 'This is an informational authenticator line, not an authentication failure.',
    steps: () => [{ text: NO_ACTION }],
    warnings: [],
  },
] satisfies readonly CategoryEntry<OtherCategory, RecordMatch>[];

export const OTHER: RecordFamily<OtherCategory> = {
  name: 'other',
  alerts: false,
  ids: OTHER_CATEGORIES,
  entries: ENTRIES satisfies EveryIdHasAnEntry<OtherCategory, typeof ENTRIES>,
};

/** `kubernetes-admin` is how CONFIG_MAP clusters log the implicitly mapped creator; elsewhere it is just a name. */
function creatorSteps(request: FixRequest): FixStep[] {
  const username = request.finding.details.username ?? request.finding.record.fields.username;
  if (username !== 'kubernetes-admin' || request.mode !== 'CONFIG_MAP') return [];
  return [
    {
      text: `This is the cluster creator${request.principal.known ? ` (${request.principal.arn})` : ''}, mapped implicitly as \`kubernetes-admin\` with full cluster-admin rights in CONFIG_MAP mode. Note it down as the break-glass identity; all the creator's logins show up with this query.`,
      command: AUTHENTICATOR_QUERY_CREATOR,
    },
  ];
}
