import type { OtherCategory } from '../classify/categories';
import type { FixStep } from '../types';
import { AUTHENTICATOR_QUERY_CREATOR, platformVersion } from './commands';
import type { FixBuilder, FixRequest } from './fix-request';
import { mention } from './mention';
import { identityCheckSteps, reconnectSteps } from './steps';
import { awsAuthBrokenFix } from './sub-cause-fixes';

/**
 * Lines that are not denials (grants, STS responses, configuration errors, noise) and denials the
 * tool did not recognise. Most need no action; the fix says so in one line.
 */
type OtherFixCategory = OtherCategory | 'UNKNOWN';

const NO_ACTION = 'No action needed.';

/** `kubernetes-admin` is how CONFIG_MAP clusters log the implicitly mapped creator; elsewhere it is just a name. */
function isCreatorGrant(request: FixRequest): boolean {
  const username = request.finding.details.username ?? request.finding.record.fields.username;
  return username === 'kubernetes-admin' && request.mode === 'CONFIG_MAP';
}

export const OTHER_FIXES: Record<OtherFixCategory, FixBuilder> = {
  ACCESS_GRANTED: (request) => {
    const creator: FixStep[] = isCreatorGrant(request)
      ? [
          {
            text: `This is the cluster creator${request.principal.known ? ` (${request.principal.arn})` : ''}, mapped implicitly as \`kubernetes-admin\` with full cluster-admin rights in CONFIG_MAP mode. Note it down as the break-glass identity; all the creator's logins show up with this query.`,
            command: AUTHENTICATOR_QUERY_CREATOR,
          },
        ]
      : [];
    return {
      title: 'Access granted',
      summary:
        'The principal authenticated and was mapped to a Kubernetes identity, so there is nothing to fix.',
      steps: [{ text: NO_ACTION }, ...creator],
      warnings: [],
    };
  },

  STS_RESPONSE: () => ({
    title: 'STS confirmed the caller',
    summary:
      'STS told the authenticator which IAM identity signed the token; the next line of the same request says whether access was granted.',
    steps: [{ text: `${NO_ACTION} Its access key ID and session help find the request in CloudTrail.` }],
    warnings: [],
  }),

  AWS_AUTH_PARSE_ERROR: awsAuthBrokenFix,

  INFO: () => ({
    title: 'Authenticator information',
    summary: 'This is an informational authenticator line, not an authentication failure.',
    steps: [{ text: NO_ACTION }],
    warnings: [],
  }),

  UNKNOWN: (request) => {
    const raw = request.finding.error ?? request.finding.record.msg;
    return {
      title: 'Unrecognised authenticator message',
      summary:
        'eks-auth-doctor did not recognise this authenticator line, so it cannot name the cause; the raw message is quoted below and the general checks follow.',
      steps: [
        { text: `Raw message: "${mention(raw, 500)}".` },
        ...identityCheckSteps(request),
        ...reconnectSteps(request),
        {
          text: 'Report it to the eks-auth-doctor maintainers with the raw line (redact account IDs and ARNs), its time and the cluster platform version, so a rule can be added.',
          command: platformVersion(request.cluster),
        },
      ],
      warnings: [
        'The message was not recognised, so it may contain text chosen by whoever sent the request; read it, do not run it.',
      ],
    };
  },
};
