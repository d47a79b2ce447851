import type { SubCause } from '../classify/categories';
import type { Fix, FixStep } from '../types';
import {
  AUDIT_QUERY_AWS_AUTH_CHANGES,
  AUTHENTICATOR_QUERY_CREATOR,
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
  updateKubeconfig,
} from './commands';
import type { FixBuilder, FixRequest } from './fix-request';
import { atTime, mention } from './mention';
import { checkedArn, PLACEHOLDER } from './names';
import {
  accessEntryPrincipal,
  accessEntrySteps,
  backupAwsAuthStep,
  findClientSteps,
  grantSteps,
  identityCheckSteps,
  prefixed,
  principalKind,
  principalLabel,
  recreateAccessEntrySteps,
  subject,
  usernameFor,
  verifyStep,
} from './steps';

/**
 * Why a principal that passed STS still has no Kubernetes identity, one fix per sub-cause. The
 * classifier picks the sub-cause from the line and the context; each fix is written for the cluster's
 * authentication mode (aws-auth, access entries, or both when the mode is unknown).
 */

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

/** The runbook for "not mapped": right identity? then grant it the cluster's way, then verify. */
function notMapped(request: FixRequest): Fix {
  return {
    title: `${principalKind(request.principal)} is not mapped to a Kubernetes identity`,
    summary: `${subject(request)} authenticated with AWS but ${whereNotMapped(request)}, so the cluster does not know who it is.`,
    steps: [...identityCheckSteps(request), ...grantSteps(request), ...afterGrantSteps(request)],
    warnings: [],
  };
}

/** What the affected user runs once access is granted. */
function afterGrantSteps(request: FixRequest): FixStep[] {
  return [
    {
      text: 'On the affected machine, regenerate the kubeconfig (add `--profile <profile>` for a named profile).',
      command: updateKubeconfig(request.cluster),
    },
    verifyStep(),
  ];
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
    {
      text: 'Or edit aws-auth and add this entry under `data.mapRoles`, keeping every existing entry.',
      command: EDIT_AWS_AUTH,
    },
    { text: 'The mapRoles entry:', command: awsAuthSnippet('role', role, NODE_USERNAME, NODE_GROUPS) },
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
        ...accessEntry.map((step) => ({
          ...step,
          text: `If the mode is API or API_AND_CONFIG_MAP: ${step.text}`,
        })),
        ...awsAuth.map((step) => ({ ...step, text: `If the mode is CONFIG_MAP: ${step.text}` })),
      ];
  }
}

/** Steps to act as someone who can still change access: the creator, or a principal with an access entry. */
function regainAccessSteps(request: FixRequest): FixStep[] {
  const creator = request.creatorArn
    ? `the cluster creator (${request.creatorArn})`
    : 'the cluster creator (find it with the query in the next step)';
  const steps: FixStep[] = [
    {
      text: `If you are locked out too, act as ${creator}: it is mapped implicitly and needs no aws-auth entry. Check which identity you are using.`,
      command: callerIdentity(),
    },
  ];
  if (!request.creatorArn) {
    steps.push({
      text: `To find the creator, run this in CloudWatch Logs Insights on ${request.cluster.logGroup} (CONFIG_MAP clusters log it as \`kubernetes-admin\`).`,
      command: AUTHENTICATOR_QUERY_CREATOR,
    });
  }
  if (request.mode !== 'CONFIG_MAP') {
    steps.push(
      {
        text: 'With access entries (API_AND_CONFIG_MAP), any principal allowed `eks:CreateAccessEntry` can give an admin principal you control an entry.',
        command: createAccessEntry(request.cluster, PLACEHOLDER.adminPrincipalArn),
      },
      {
        text: 'Make it cluster admin until access is repaired.',
        command: associateAccessPolicy(
          request.cluster,
          PLACEHOLDER.adminPrincipalArn,
          'AmazonEKSClusterAdminPolicy',
        ),
      },
    );
  }
  return steps;
}

/** The shared fix for an aws-auth that did not parse: quote the error, fix the YAML, get back in. */
export function awsAuthBrokenFix(request: FixRequest): Fix {
  const yamlError = request.finding.details.yamlError ?? request.finding.error;
  const line = request.finding.details.yamlLine;
  const reported: FixStep[] = yamlError
    ? [
        {
          text: `The authenticator reported${line ? ` (line ${mention(line, 10)})` : ''}: "${mention(yamlError, 400)}".`,
        },
      ]
    : [];
  return {
    title: 'aws-auth failed to parse: its mappings were dropped',
    summary:
      'The aws-auth ConfigMap failed to parse, so the authenticator dropped every mapping in the broken block, and everyone mapped there, nodes included, is denied until the YAML is fixed.',
    steps: [
      ...reported,
      ...regainAccessSteps(request),
      { text: 'Look at the YAML around the reported line.', command: GET_AWS_AUTH },
      backupAwsAuthStep(),
      {
        text: 'Fix the YAML. The usual culprit is an unquoted value starting with `{{`, such as `username: {{SessionName}}`; quote it (`username: "{{SessionName}}"`). Check indentation and that every entry has `rolearn`/`userarn`, `username` and `groups`.',
        command: EDIT_AWS_AUTH,
      },
      {
        text: 'Check that the mappings are back (and that the authenticator logs no new "Errors parsing configmap" lines).',
        command: eksctlGetMappings(request.cluster),
      },
      { text: 'Check that the nodes are Ready again.', command: KUBECTL_GET_NODES },
    ],
    warnings: [
      'Until aws-auth parses again, every principal mapped in the broken block is denied; nodes go NotReady as their credentials refresh.',
    ],
  };
}

export const SUB_CAUSE_FIXES: Record<SubCause, FixBuilder> = {
  NOT_IN_AWS_AUTH: notMapped,

  NODE_ROLE_NOT_MAPPED: (request) => ({
    title: 'Node role is not mapped: its nodes cannot join',
    summary: `The node instance role ${request.principal.known ? `${request.principal.name} ` : ''}${whereNotMapped(request)}, so nodes using it cannot register with the cluster.`,
    steps: [
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
  }),

  ROLE_PATH_IN_AWS_AUTH: (request) => {
    const listed = listedArn(request, (entry) => entry.service === 'iam' && entry.path !== '/');
    return {
      title: 'aws-auth lists the role with its IAM path',
      summary: `aws-auth names the role ${request.principal.name} by an ARN that includes its IAM path${listed ? ` (${listed})` : ''}, but the authenticator matches ${request.principal.mappingArn} without the path, so the entry never applies.`,
      steps: [
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
    };
  },

  SSO_ROLE: (request) => ({
    title: 'IAM Identity Center role is not mapped (map it without its path)',
    summary: `${subject(request)} is an IAM Identity Center (SSO) role, which aws-auth only matches as \`arn:aws:iam::<account-id>:role/<name>\` without the \`/aws-reserved/sso.amazonaws.com/<region>/\` path, and no such entry exists.`,
    steps: [
      {
        text: 'List the SSO roles to confirm the current name: the suffix changes when a permission set is deleted and provisioned again.',
        command: LIST_SSO_ROLES,
      },
      ...grantSteps(request),
      ...afterGrantSteps(request),
    ],
    warnings: [
      'In aws-auth, remove the `/aws-reserved/sso.amazonaws.com/<region>/` path from the role ARN; in an access entry, keep the full ARN with the path.',
    ],
  }),

  ASSUMED_ROLE_ARN_IN_AWS_AUTH: (request) => {
    const listed = listedArn(request, (entry) => entry.service === 'sts');
    const wrong =
      listed ??
      `arn:aws:sts::${request.principal.accountId}:assumed-role/${request.principal.name}/<session>`;
    const role = request.principal.mappingArn;
    return {
      title: 'aws-auth lists an assumed-role ARN instead of the role',
      summary: `aws-auth maps the session ARN ${wrong} instead of the role ARN ${role}, and the authenticator only ever matches role ARNs.`,
      steps: [
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
      ],
      warnings: ['Access entries refuse assumed-role ARNs too: always name the IAM role.'],
    };
  },

  AWS_AUTH_BROKEN: awsAuthBrokenFix,

  MODE_API_IGNORES_AWS_AUTH: (request) => ({
    title: 'Cluster ignores aws-auth: an access entry is needed',
    summary: `The cluster's authentication mode is API, so the aws-auth ConfigMap is ignored and ${principalLabel(request.principal)} needs an access entry.`,
    steps: [
      {
        text: 'Confirm the mode (`authenticationMode: API`).',
        command: describeAccessConfig(request.cluster),
      },
      ...accessEntrySteps(request),
      {
        text: 'If access used to be managed in aws-auth, list the old mappings and give each principal an access entry.',
        command: eksctlGetMappings(request.cluster),
      },
      ...afterGrantSteps(request),
    ],
    warnings: [
      'The mode only moves forward (CONFIG_MAP → API_AND_CONFIG_MAP → API); a cluster in API mode cannot use aws-auth again.',
    ],
  }),

  ACCESS_ENTRY_STALE_PRINCIPAL: (request) => ({
    title: 'Access entry points at a deleted and recreated principal',
    summary: `${subject(request)} has an access entry, but the IAM principal was deleted and recreated under the same name, and an access entry stays bound to the old principal's unique ID, so it no longer matches.`,
    steps: [
      ...recreateAccessEntrySteps(request),
      {
        text: 'Optionally, find who deleted and recreated the principal (IAM events are recorded in us-east-1).',
        command: cloudTrailResource('us-east-1', request.principal.name),
      },
      ...afterGrantSteps(request),
    ],
    warnings: [],
  }),

  FOREIGN_ACCOUNT: (request) => {
    const theirs = request.principal.accountId;
    const ours = request.cluster.accountId;
    return {
      title: 'Principal from an external AWS account was denied',
      summary: `A principal from the external account ${theirs}${ours === PLACEHOLDER.accountId ? '' : ` (the cluster is in ${ours})`} passed STS but is not mapped; anyone with an AWS account can get this far, so its name proves nothing.`,
      steps: [
        {
          text: `Find out who owns account ${theirs} and whether it should reach this cluster (a partner or CI account, or someone's profile pointing at the wrong account).`,
        },
        ...identityCheckSteps(request),
        ...grantSteps(request).map((step) => ({
          ...step,
          text: `Only if this access is intended: ${step.text}`,
        })),
        ...findClientSteps(request),
      ],
      warnings: [
        'The role or user name in an external account is chosen by that account’s owner; treat it as a claim, not an identity.',
      ],
    };
  },

  CREATOR_LOST: (request) => {
    const creator = request.creatorArn ?? principalLabel(request.principal);
    const apiModes = request.mode === 'API' || request.mode === 'API_AND_CONFIG_MAP';
    const isRole = request.principal.kind === 'role';
    return {
      title: 'Cluster creator is locked out',
      summary: apiModes
        ? `The cluster creator ${creator} is denied, because its IAM principal was deleted or recreated, or its bootstrap access entry was removed.`
        : `The cluster creator ${creator} is denied although it is mapped implicitly without aws-auth, which means its IAM ${isRole ? 'role' : 'principal'} was deleted or recreated.`,
      steps: [
        {
          text: `Check whether the creator still exists${request.principal.known ? '' : ' (use its name)'}.`,
          command: isRole ? getRoleArn(request.principal.name) : getUser(request.principal.name),
        },
        {
          text: 'If it was deleted, create an IAM principal with exactly the same name and path, so it has the same ARN, and sign in as it. An IAM Identity Center role created for a since-deleted user cannot be recreated: contact AWS Support.',
        },
        ...(apiModes
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
    };
  },

  ACCESS_REMOVED_RECENTLY: (request) => {
    const since = atTime(request.context.principal?.lastGrantedAt);
    return {
      title: 'Access was removed recently',
      summary: `${subject(request)} was granted access${since ? since : ' recently'} and is denied now, so its aws-auth mapping or access entry was removed or changed in between.`,
      steps: [
        {
          text: `Find who changed aws-auth: run this in CloudWatch Logs Insights on ${request.cluster.logGroup}.`,
          command: AUDIT_QUERY_AWS_AUTH_CHANGES,
        },
        {
          text: 'Find who deleted an access entry (look for DisassociateAccessPolicy and UpdateAccessEntry too).',
          command: cloudTrailEvents(request.cluster.region, 'DeleteAccessEntry'),
        },
        ...regainAccessSteps(request),
        {
          text: 'Restore what was removed (from the audit event or your aws-auth backup), or grant it again:',
        },
        ...grantSteps(request),
        ...afterGrantSteps(request),
      ],
      warnings: ['Before restoring, confirm with whoever made the change that the removal was not intended.'],
    };
  },
};

/** In modes with access entries, the path-ful role ARN works there too: offer it. */
function accessEntryAlternative(request: FixRequest): FixStep[] {
  if (request.mode === 'CONFIG_MAP') return [];
  const prefix = request.mode === undefined ? 'If the cluster uses access entries: ' : 'Alternatively: ';
  return prefixed(prefix, accessEntrySteps(request));
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
