import {
  accessEntryGrantSteps,
  accessEntryPrincipal,
  recreateAccessEntrySteps,
} from '../runbooks/access-entry';
import { backupAwsAuthStep } from '../runbooks/aws-auth';
import { optional, prefixed } from '../runbooks/conditional';
import { findClientSteps } from '../runbooks/find-client';
import { afterGrantSteps, grantSteps } from '../runbooks/grant';
import { identityCheckSteps, namedProfileStep } from '../runbooks/identity-check';
import { regainAccessSteps } from '../runbooks/regain-access';
import type { FixStep } from '../types';
import {
  AUDIT_QUERY_AWS_AUTH_CHANGES,
  associateAccessPolicy,
  awsAuthSnippet,
  callerIdentity,
  cloudTrailEvents,
  cloudTrailResource,
  createAccessEntry,
  DEFAULT_GROUP,
  describeAccessConfig,
  EDIT_AWS_AUTH,
  eksctlCreateMapping,
  eksctlDeleteMapping,
  eksctlGetMappings,
  GET_AWS_AUTH,
  getRoleArn,
  getUser,
  KUBECTL_GET_NODES,
  LIST_SSO_ROLES,
  NODE_GROUPS,
  NODE_USERNAME,
  switchToAccessEntries,
} from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { atTime } from '../wording/mention';
import { checkedArn, PLACEHOLDER } from '../wording/names';
import { principalKind, principalLabel, subject, usernameFor } from '../wording/principal';
import type { EveryIdHasAnEntry } from './entry';
import type { FixTemplate } from './fix-template';
import { ACCESS_ENTRIES_BROKEN_FIX, AWS_AUTH_REPAIR, AWS_AUTH_RESTORE } from './lifecycle';
import { awsAuthMisspelling, looksLikeNode, type NotMappedFacts, sameArn } from './not-mapped-facts';
import type { Severity } from './severity';

/** Why an IAM principal that passed STS was still not mapped to a Kubernetes identity (IDENTITY_NOT_MAPPED). */
export const SUB_CAUSES = [
  /** CONFIG_MAP-era: the principal is simply not in mapRoles/mapUsers. */
  'NOT_IN_AWS_AUTH',
  /** A node's instance role (session `i-…`) has no mapping or EC2 access entry. */
  'NODE_ROLE_NOT_MAPPED',
  /** aws-auth lists the role with its IAM path; the authenticator compares without it. */
  'ROLE_PATH_IN_AWS_AUTH',
  /** An IAM Identity Center (SSO) role: aws-auth needs it without the `aws-reserved/sso…` path. */
  'SSO_ROLE',
  /** aws-auth lists an `sts::…:assumed-role/…` ARN instead of the IAM role ARN. */
  'ASSUMED_ROLE_ARN_IN_AWS_AUTH',
  /** aws-auth failed to parse recently, so every mapping in the broken block was dropped. */
  'AWS_AUTH_BROKEN',
  /** aws-auth was deleted recently, so every aws-auth mapping is gone. */
  'AWS_AUTH_DELETED',
  /** The access-entry file failed to parse recently, so access entries map nobody. */
  'ACCESS_ENTRIES_BROKEN',
  /** The cluster is in `API` mode: aws-auth is ignored, only access entries count. */
  'MODE_API_IGNORES_AWS_AUTH',
  /** An access entry exists but the principal still fails: it was deleted and recreated. */
  'ACCESS_ENTRY_STALE_PRINCIPAL',
  /** The principal belongs to another AWS account than the cluster. */
  'FOREIGN_ACCOUNT',
  /** The cluster creator (implicitly mapped) is the one denied. */
  'CREATOR_LOST',
  /** The same principal was granted access recently: a mapping or access entry was just removed. */
  'ACCESS_REMOVED_RECENTLY',
] as const;
export type SubCause = (typeof SUB_CAUSES)[number];

/**
 * One explanation of IDENTITY_NOT_MAPPED: when it applies, how loud it is, and its fix. Each fix is
 * written for the cluster's authentication mode (aws-auth, access entries, or both when unknown).
 */
export interface NotMappedCause extends FixTemplate {
  readonly subCause: SubCause;
  /** Whether this explains the denial, from what is known. */
  readonly when: (facts: NotMappedFacts) => boolean;
  readonly severity: Severity;
}

/**
 * The last row: the principal is simply not mapped. It explains whatever no row before it does, and
 * gives the fix of a not-mapped finding that has no sub-cause.
 */
export const PLAINLY_NOT_MAPPED: NotMappedCause = {
  subCause: 'NOT_IN_AWS_AUTH',
  when: () => true,
  severity: 'high',
  title: (request) => `${principalKind(request.principal)} is not mapped to a Kubernetes identity`,
  summary: (request) =>
    `${subject(request)} authenticated with AWS but ${whereNotMapped(request)}, so the cluster does not know who it is.`,
  steps: (request) => [...identityCheckSteps(request), ...grantSteps(request), ...afterGrantSteps(request)],
  warnings: [],
};

/**
 * From the most specific explanation to the most generic: the first row whose `when` holds is the
 * sub-cause. Without a principal only the cluster-wide explanations can hold.
 */
const CAUSES = [
  {
    subCause: 'AWS_AUTH_DELETED',
    when: (facts) =>
      facts.mode !== 'API' &&
      facts.context?.cluster?.awsAuthBrokenBy === 'deleted' &&
      facts.recent(facts.context?.cluster?.awsAuthBrokenSince),
    severity: 'critical',
    ...AWS_AUTH_RESTORE,
  },
  {
    subCause: 'ACCESS_ENTRIES_BROKEN',
    when: (facts) =>
      facts.mode !== 'CONFIG_MAP' && facts.recent(facts.context?.cluster?.accessEntriesBrokenSince),
    severity: 'critical',
    ...ACCESS_ENTRIES_BROKEN_FIX,
  },
  {
    subCause: 'AWS_AUTH_BROKEN',
    // Before everything: a parse error drops nodes and the creator's neighbours alike.
    when: (facts) => facts.mode !== 'API' && facts.recent(facts.context?.cluster?.awsAuthBrokenSince),
    severity: 'critical',
    ...AWS_AUTH_REPAIR,
  },
  {
    subCause: 'ACCESS_ENTRY_STALE_PRINCIPAL',
    when: (facts) =>
      facts.principal !== undefined &&
      facts.mode !== 'CONFIG_MAP' &&
      facts.context?.principal?.hasAccessEntry === true,
    severity: 'high',
    title: 'Access entry points at a deleted and recreated principal',
    summary: (request) =>
      `${subject(request)} has an access entry, but the IAM principal was deleted and recreated under the same name, and an access entry stays bound to the old principal's unique ID, so it no longer matches.`,
    steps: (request) => [
      ...recreateAccessEntrySteps(request),
      {
        text: 'Optionally, find who deleted and recreated the principal (IAM events are recorded in us-east-1).',
        command: cloudTrailResource('us-east-1', request.principal.name),
      },
      ...afterGrantSteps(request),
    ],
    warnings: [],
  },
  {
    subCause: 'FOREIGN_ACCOUNT',
    when: ({ principal, context }) =>
      principal !== undefined &&
      Boolean(context?.cluster?.accountId && principal.accountId) &&
      principal.accountId !== context?.cluster?.accountId,
    // Anyone with an AWS account can reach this on a public endpoint; worth a look, not a page.
    severity: 'medium',
    title: 'Principal from an external AWS account was denied',
    summary: (request) => {
      const ours = request.cluster.accountId;
      return `A principal from the external account ${request.principal.accountId}${ours === PLACEHOLDER.accountId ? '' : ` (the cluster is in ${ours})`} passed STS but is not mapped; anyone with an AWS account can get this far, and its role or user name is whatever that account's owner chose, so the name proves nothing.`;
    },
    steps: (request) => [
      {
        // Who owns the account, and the likeliest harmless cause (a profile of the wrong account), at once.
        text: `Find out who owns account ${request.principal.accountId} and whether it should reach this cluster: a partner or CI account, or someone's profile pointing at the wrong account (on their machine, compare the Arn this prints with the denied ${request.principal.arn}).`,
        command: callerIdentity(),
      },
      namedProfileStep(),
      ...prefixed('Only if this access is intended: ', grantSteps(request)),
      ...findClientSteps(request),
    ],
    // The summary says why the name proves nothing; no step needs more.
    warnings: [],
  },
  {
    subCause: 'CREATOR_LOST',
    when: ({ principal, context }) => {
      const creatorArn = context?.cluster?.creatorArn;
      return principal !== undefined && (creatorArn ? sameArn(creatorArn, principal.arn) : false);
    },
    severity: 'critical',
    title: 'Cluster creator is locked out',
    summary: (request) => {
      const creator = request.creatorArn ?? principalLabel(request.principal);
      return accessEntriesCount(request)
        ? `The cluster creator ${creator} is denied, because its IAM principal was deleted or recreated, or its bootstrap access entry was removed.`
        : `The cluster creator ${creator} is denied although it is mapped implicitly without aws-auth, which means its IAM ${request.principal.kind === 'role' ? 'role' : 'principal'} was deleted or recreated.`;
    },
    steps: (request) => [
      {
        text: `Check whether the creator still exists${request.principal.known ? '' : ' (use its name)'}.`,
        command:
          request.principal.kind === 'role'
            ? getRoleArn(request.principal.name)
            : getUser(request.principal.name),
      },
      {
        text: 'If it was deleted, create an IAM principal with exactly the same name and path, so it has the same ARN, and sign in as it. An IAM Identity Center role created for a since-deleted user cannot be recreated: contact AWS Support.',
      },
      ...(accessEntriesCount(request)
        ? [
            {
              text: 'If the creator was recreated, its bootstrap access entry is bound to the old principal: recreate the entry from another admin identity.',
            },
            ...recreateAccessEntrySteps(request),
          ]
        : [
            {
              text: 'Or, from any principal allowed `eks:UpdateClusterConfig`, let the cluster use access entries (one-way; aws-auth keeps working).',
              command: switchToAccessEntries(request.cluster),
            },
          ]),
      {
        text: 'Then, from a principal allowed `eks:CreateAccessEntry`, give an admin principal you control an access entry.',
        command: createAccessEntry(request.cluster, PLACEHOLDER.adminPrincipalArn),
      },
      {
        text: 'Make it cluster admin, so it can repair access for everyone else.',
        command: associateAccessPolicy(
          request.cluster,
          PLACEHOLDER.adminPrincipalArn,
          'AmazonEKSClusterAdminPolicy',
        ),
      },
      ...afterGrantSteps(request),
    ],
    warnings: [],
  },
  {
    subCause: 'ACCESS_REMOVED_RECENTLY',
    when: (facts) => facts.principal !== undefined && facts.recent(facts.context?.principal?.lastGrantedAt),
    severity: 'critical',
    title: 'Access was removed recently',
    summary: (request) => {
      const since = atTime(request.context.principal?.lastGrantedAt);
      return `${subject(request)} was granted access${since ? since : ' recently'} and is denied now, so its aws-auth mapping or access entry was removed or changed in between.`;
    },
    steps: (request) => [
      // Only where the mode can have removed it: aws-auth is ignored in API mode, access entries do
      // not exist in CONFIG_MAP mode.
      ...(request.mode === 'API'
        ? []
        : [
            {
              text: `Find who changed aws-auth: run this in CloudWatch Logs Insights on ${request.cluster.logGroup}.`,
              command: AUDIT_QUERY_AWS_AUTH_CHANGES,
            },
          ]),
      ...(request.mode === 'CONFIG_MAP'
        ? []
        : [
            {
              text: 'Find who deleted an access entry (look for DisassociateAccessPolicy and UpdateAccessEntry too).',
              command: cloudTrailEvents(request.cluster.region, 'DeleteAccessEntry'),
            },
          ]),
      ...regainAccessSteps(request),
      {
        text: 'Confirm with whoever made the change that the removal was not intended; then restore what was removed (from the audit event or your aws-auth backup), or grant it again as in the next step.',
      },
      ...grantSteps(request),
      ...afterGrantSteps(request),
    ],
    warnings: [],
  },
  {
    subCause: 'NODE_ROLE_NOT_MAPPED',
    when: ({ principal }) => principal !== undefined && looksLikeNode(principal),
    severity: 'critical',
    title: 'Node role is not mapped: its nodes cannot join',
    summary: (request) =>
      `The node instance role ${request.principal.known ? `${request.principal.name} ` : ''}${whereNotMapped(request)}, so nodes using it cannot register with the cluster.`,
    steps: (request) => [
      ...nodeGrantSteps(request),
      {
        text: 'Check that the nodes register and become Ready within a few minutes.',
        command: KUBECTL_GET_NODES,
      },
    ],
    warnings: [
      'A node role needs an access entry of type EC2_LINUX or EC2_WINDOWS, never STANDARD: EKS rejects a STANDARD entry with `system:` groups.',
      'Managed node groups and Fargate profiles get their entries automatically; a missing one usually belongs to a self-managed node group or a Karpenter node role.',
    ],
  },
  {
    subCause: 'MODE_API_IGNORES_AWS_AUTH',
    when: (facts) => facts.mode === 'API',
    severity: 'high',
    title: 'Cluster ignores aws-auth: an access entry is needed',
    summary: (request) =>
      `The cluster's authentication mode is API, so the aws-auth ConfigMap is ignored and ${principalLabel(request.principal)} needs an access entry.`,
    steps: (request) => [
      {
        text: 'Confirm the mode (`authenticationMode: API`).',
        command: describeAccessConfig(request.cluster),
      },
      ...accessEntryGrantSteps(request),
      {
        text: 'If access used to be managed in aws-auth, list the old mappings and give each principal an access entry.',
        command: eksctlGetMappings(request.cluster),
      },
      ...afterGrantSteps(request),
    ],
    warnings: [
      'The mode only moves forward (CONFIG_MAP, then API_AND_CONFIG_MAP, then API); a cluster in API mode cannot use aws-auth again.',
    ],
  },
  {
    subCause: 'ASSUMED_ROLE_ARN_IN_AWS_AUTH',
    when: ({ principal, context }) =>
      principal !== undefined &&
      awsAuthMisspelling(principal, context?.cluster?.awsAuthArns) === 'assumed-role-arn',
    severity: 'high',
    title: 'aws-auth lists an assumed-role ARN instead of the role',
    summary: (request) =>
      `aws-auth maps the session ARN ${assumedRoleArnListed(request)} instead of the role ARN ${request.principal.mappingArn}, and the authenticator only ever matches role ARNs.`,
    steps: (request) => {
      const listed = listedArn(request, (entry) => entry.service === 'sts');
      const wrong = assumedRoleArnListed(request);
      const role = request.principal.mappingArn;
      return [
        { text: `Find the entry whose \`rolearn\` is ${wrong}.`, command: GET_AWS_AUTH },
        backupAwsAuthStep(),
        {
          text: `Edit aws-auth and replace that \`rolearn\` with ${role}, keeping its username and groups.`,
          command: EDIT_AWS_AUTH,
        },
        {
          text: 'The corrected entry looks like this (keep the groups it had).',
          command: awsAuthSnippet('role', role, usernameFor(request.principal), [DEFAULT_GROUP]),
        },
        ...(listed
          ? [
              {
                text: 'With eksctl instead: remove the wrong entry, then map the role.',
                command: eksctlDeleteMapping(request.cluster, listed),
              },
            ]
          : []),
        {
          text: 'Map the role ARN (skip if you edited aws-auth by hand).',
          command: eksctlCreateMapping(request.cluster, role, usernameFor(request.principal), [
            DEFAULT_GROUP,
          ]),
        },
        ...afterGrantSteps(request),
      ];
    },
    warnings: ['Access entries refuse assumed-role ARNs too: always name the IAM role.'],
  },
  {
    subCause: 'ROLE_PATH_IN_AWS_AUTH',
    when: ({ principal, context }) =>
      principal !== undefined && awsAuthMisspelling(principal, context?.cluster?.awsAuthArns) === 'path',
    severity: 'high',
    title: 'aws-auth lists the role with its IAM path',
    summary: (request) => {
      const listed = listedArn(request, (entry) => entry.service === 'iam' && entry.path !== '/');
      return `aws-auth names the role ${request.principal.name} by an ARN that includes its IAM path${listed ? ` (${listed})` : ''}, but the authenticator matches ${request.principal.mappingArn} without the path, so the entry never applies.`;
    },
    steps: (request) => [
      {
        text: `Find the \`rolearn\` that includes a path for the role ${request.principal.name}.`,
        command: GET_AWS_AUTH,
      },
      backupAwsAuthStep(),
      {
        text: `Edit aws-auth and change that \`rolearn\` to ${request.principal.mappingArn} (no path), keeping its username and groups.`,
        command: EDIT_AWS_AUTH,
      },
      {
        text: 'The corrected entry looks like this (keep the groups it had; do not use system:masters unless it already was full admin).',
        command: awsAuthSnippet('role', request.principal.mappingArn, usernameFor(request.principal), [
          DEFAULT_GROUP,
        ]),
      },
      ...accessEntryAlternative(request),
      ...afterGrantSteps(request),
    ],
    warnings: [],
  },
  {
    subCause: 'SSO_ROLE',
    when: ({ principal }) =>
      principal?.type === 'role' && principal.name?.startsWith('AWSReservedSSO_') === true,
    severity: 'high',
    title: 'IAM Identity Center role is not mapped (map it without its path)',
    summary: (request) =>
      `${subject(request)} is an IAM Identity Center (SSO) role, which aws-auth only matches as \`arn:aws:iam::<account-id>:role/<name>\` without the \`/aws-reserved/sso.amazonaws.com/<region>/\` path, and no such entry exists.`,
    steps: (request) => [
      // A look: the denied name is the current one (it just signed a token); the list shows the others.
      optional({
        text: 'List the SSO roles to confirm the current name: the suffix changes when a permission set is deleted and provisioned again.',
        command: LIST_SSO_ROLES,
      }),
      ...grantSteps(request),
      ...afterGrantSteps(request),
    ],
    warnings: [
      'In aws-auth, remove the `/aws-reserved/sso.amazonaws.com/<region>/` path from the role ARN; in an access entry, keep the full ARN with the path.',
    ],
  },
  PLAINLY_NOT_MAPPED,
] satisfies readonly NotMappedCause[];

/** The sub-causes in precedence order, each once. */
export const NOT_MAPPED_CAUSES: readonly NotMappedCause[] = CAUSES satisfies EveryIdHasAnEntry<
  SubCause,
  typeof CAUSES,
  'subCause'
>;

const BY_SUB_CAUSE: ReadonlyMap<string, NotMappedCause> = new Map(
  NOT_MAPPED_CAUSES.map((cause) => [cause.subCause, cause]),
);

/** The row of a sub-cause; a finding without one (or with one this version does not know) is plainly not mapped. */
export function notMappedCause(subCause: string | undefined): NotMappedCause {
  return (subCause === undefined ? undefined : BY_SUB_CAUSE.get(subCause)) ?? PLAINLY_NOT_MAPPED;
}

function whereNotMapped(request: FixRequest): string {
  switch (request.mode) {
    case 'CONFIG_MAP':
      return 'has no entry in the aws-auth ConfigMap';
    case 'API_AND_CONFIG_MAP':
      return 'has neither an access entry nor an aws-auth mapping';
    case 'API':
      return 'has no access entry';
    default:
      return 'is mapped neither in aws-auth nor by an access entry';
  }
}

function accessEntriesCount(request: FixRequest): boolean {
  return request.mode === 'API' || request.mode === 'API_AND_CONFIG_MAP';
}

/** Node roles: aws-auth with the node username and groups, or an EC2 access entry (never STANDARD). */
function nodeGrantSteps(request: FixRequest): FixStep[] {
  const names = request.cluster;
  const role = request.principal.mappingArn;
  const { arn, lookup } = accessEntryPrincipal(request);
  const accessEntry: FixStep[] = [
    ...lookup,
    {
      text: 'Create an EC2_LINUX access entry for the node role (EC2_WINDOWS for Windows nodes). EKS sets the node username and groups itself; no access policy is needed.',
      command: createAccessEntry(names, arn, { type: 'EC2_LINUX' }),
    },
  ];
  const awsAuth: FixStep[] = [
    backupAwsAuthStep(),
    {
      text: 'Map the node role with the node username and groups.',
      command: eksctlCreateMapping(names, role, NODE_USERNAME, NODE_GROUPS),
    },
    optional({
      text: 'Or edit aws-auth and add this entry under `data.mapRoles`, keeping every existing entry.',
      command: EDIT_AWS_AUTH,
    }),
    optional({
      text: 'The mapRoles entry:',
      command: awsAuthSnippet('role', role, NODE_USERNAME, NODE_GROUPS),
    }),
  ];
  switch (request.mode) {
    case 'API':
      return accessEntry;
    case 'API_AND_CONFIG_MAP':
      return [
        ...accessEntry,
        {
          text: 'aws-auth still works in this mode; if your node roles are managed there, map it with eksctl instead.',
          command: eksctlCreateMapping(names, role, NODE_USERNAME, NODE_GROUPS),
        },
      ];
    case 'CONFIG_MAP':
      return awsAuth;
    default:
      return [
        {
          text: 'Find out how this cluster authenticates (`authenticationMode`).',
          command: describeAccessConfig(names),
        },
        ...prefixed('If the mode is API or API_AND_CONFIG_MAP: ', accessEntry),
        ...prefixed('If the mode is CONFIG_MAP: ', awsAuth),
      ];
  }
}

/** In modes with access entries, the path-ful role ARN works there too: offer it. */
function accessEntryAlternative(request: FixRequest): FixStep[] {
  if (request.mode === 'CONFIG_MAP') return [];
  const prefix = request.mode === undefined ? 'If the cluster uses access entries: ' : 'Alternatively: ';
  return prefixed(prefix, accessEntryGrantSteps(request));
}

/** The assumed-role ARN aws-auth lists for this role, or its likely shape. */
function assumedRoleArnListed(request: FixRequest): string {
  return (
    listedArn(request, (entry) => entry.service === 'sts') ??
    `arn:aws:sts::${request.principal.accountId}:assumed-role/${request.principal.name}/<session>`
  );
}

/** An aws-auth ARN from the context that names this principal's role in the wrong form, checked. */
function listedArn(
  request: FixRequest,
  wrongForm: (entry: NonNullable<ReturnType<typeof checkedArn>>) => boolean,
): string | undefined {
  const name = request.principal.name.toLowerCase();
  return (request.context.cluster?.awsAuthArns ?? []).find((entry) => {
    const parsed = checkedArn(entry);
    return (
      parsed !== undefined &&
      parsed.accountId === request.principal.accountId &&
      parsed.name?.toLowerCase() === name &&
      wrongForm(parsed)
    );
  });
}
