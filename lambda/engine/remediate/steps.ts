import type { FixStep } from '../types';
import {
  type AccessPolicy,
  AUDIT_QUERY_UNAUTHENTICATED,
  associateAccessPolicy,
  awsAuthSnippet,
  BACKUP_AWS_AUTH,
  bindGroup,
  callerIdentity,
  createAccessEntry,
  DEFAULT_GROUP,
  DESCRIBE_AWS_AUTH,
  deleteAccessEntry,
  describeAccessConfig,
  describeAccessEntry,
  EDIT_AWS_AUTH,
  eksctlCreateMapping,
  eksctlGetMappings,
  getRoleArn,
  KUBECONFIG_VIEW,
  KUBECTL_GET_SVC,
  listAccessEntries,
  listAssociatedAccessPolicies,
  restrictPublicEndpoint,
  updateKubeconfig,
} from './commands';
import type { FixRequest } from './fix-request';
import { atTime } from './mention';
import { PLACEHOLDER, type PrincipalNames } from './names';

/**
 * The runbook's reusable sequences: check the identity, regenerate the kubeconfig, grant access the
 * way the cluster's authentication mode wants it. Fix builders compose these with their own steps.
 */

/** How a principal is named in prose: its checked ARN, or a neutral phrase. */
export function principalLabel(principal: PrincipalNames): string {
  return principal.known ? principal.arn : 'the denied principal';
}

/** The principal's kind in words: "IAM role", "IAM user" or "IAM principal". */
export function principalKind(principal: PrincipalNames): string {
  switch (principal.kind) {
    case 'role':
      return 'IAM role';
    case 'user':
      return 'IAM user';
    default:
      return 'IAM principal';
  }
}
/** The principal as the subject of a sentence: "IAM role arn:…", or "The denied IAM role". */
export function subject(request: FixRequest): string {
  return request.principal.known
    ? `${principalKind(request.principal)} ${request.principal.arn}`
    : `The denied ${principalKind(request.principal)}`;
}
/** Runbook: which identity does the client really use, and is it the denied one? */
export function identityCheckSteps(request: FixRequest): FixStep[] {
  return [
    callerIdentityStep(request),
    {
      text: 'If kubectl uses a named AWS profile (`AWS_PROFILE` in the kubeconfig user’s exec env, or `--profile` in its args), check that profile instead.',
      command: callerIdentity(PLACEHOLDER.profile),
    },
  ];
}

/** Which IAM identity the AWS CLI on the affected machine uses, compared with the denied one. */
export function callerIdentityStep(request: FixRequest): FixStep {
  const compare = request.principal.known
    ? `compare its Arn with the denied ${request.principal.arn}`
    : 'check that it is the identity you expect (it is the one that signed the token)';
  const creator = request.creatorArn
    ? ` If you meant to act as the cluster creator (${request.creatorArn}), switch to that identity.`
    : '';
  return {
    text: `On the affected machine, check which IAM identity the AWS CLI uses and ${compare}.${creator}`,
    command: callerIdentity(),
  };
}

/** Runbook: regenerate the kubeconfig, look at it, and prove the fix with one request. */
export function reconnectSteps(request: FixRequest): FixStep[] {
  return [...kubeconfigSteps(request), verifyStep()];
}

/** Regenerate the kubeconfig entry (with a named profile if one is used), then look at the context. */
export function kubeconfigSteps(request: FixRequest): FixStep[] {
  return [
    regenerateKubeconfigStep(request),
    profileKubeconfigStep(request),
    {
      text: 'Check that the current context points at this cluster and that its exec command is `aws eks get-token` with the right `--cluster-name`.',
      command: KUBECONFIG_VIEW,
    },
  ];
}

export function regenerateKubeconfigStep(request: FixRequest): FixStep {
  return {
    text: 'Regenerate the kubeconfig entry so kubectl gets fresh tokens signed for this exact cluster name.',
    command: updateKubeconfig(request.cluster),
  };
}

export function profileKubeconfigStep(request: FixRequest): FixStep {
  return {
    text: 'If you use a named AWS profile, put it into the kubeconfig entry instead.',
    command: updateKubeconfig(request.cluster, PLACEHOLDER.profile),
  };
}

export function backupAwsAuthStep(): FixStep {
  return { text: 'Back up aws-auth before changing it.', command: BACKUP_AWS_AUTH };
}

export function verifyStep(): FixStep {
  return {
    text: 'Verify: this request should now succeed instead of returning Unauthorized.',
    command: KUBECTL_GET_SVC,
  };
}

interface GrantOptions {
  /** The access policy to associate; read-only unless the fix restores admin. */
  readonly policy?: AccessPolicy;
}

/**
 * Grants the principal access the way the cluster's authentication mode wants it: access entries in
 * `API`, access entries first in `API_AND_CONFIG_MAP`, aws-auth in `CONFIG_MAP`, and both (after
 * checking the mode) when the mode is unknown.
 */
export function grantSteps(request: FixRequest, options: GrantOptions = {}): FixStep[] {
  switch (request.mode) {
    case 'API':
      return accessEntrySteps(request, options);
    case 'API_AND_CONFIG_MAP':
      return [
        ...accessEntrySteps(request, options),
        {
          text: 'aws-auth still works in API_AND_CONFIG_MAP mode (access entries win when both exist); if your team manages access there instead, add the mapping with eksctl.',
          command: eksctlCreateMapping(
            request.cluster,
            request.principal.mappingArn,
            usernameFor(request.principal),
            [DEFAULT_GROUP],
          ),
        },
      ];
    case 'CONFIG_MAP':
      return awsAuthSteps(request);
    default:
      return [
        {
          text: 'Find out how this cluster authenticates: `authenticationMode` is CONFIG_MAP (aws-auth only), API_AND_CONFIG_MAP (access entries and aws-auth) or API (access entries only).',
          command: describeAccessConfig(request.cluster),
        },
        ...prefixed('If the mode is API or API_AND_CONFIG_MAP: ', accessEntrySteps(request, options)),
        ...prefixed('If the mode is CONFIG_MAP: ', awsAuthSteps(request)),
      ];
  }
}

/**
 * Runbook: `create-access-entry` then `associate-access-policy`. A role's entry needs the IAM role
 * ARN (never the assumed-role ARN), with its path: EKS rejects a path-less ARN for a role that has one.
 */
export function accessEntrySteps(request: FixRequest, options: GrantOptions = {}): FixStep[] {
  const policy = options.policy ?? 'AmazonEKSViewPolicy';
  const { arn, lookup } = accessEntryPrincipal(request);
  const widen =
    policy === 'AmazonEKSViewPolicy'
      ? ' This grants read-only access; use AmazonEKSEditPolicy or AmazonEKSAdminPolicy for more, and `--access-scope type=namespace,namespaces=<namespace>` to limit it to namespaces.'
      : '';
  return [
    ...lookup,
    {
      text: 'Create an access entry for the principal (needs `eks:CreateAccessEntry`).',
      command: createAccessEntry(request.cluster, arn),
    },
    {
      text: `Give the entry permissions by associating an access policy.${widen}`,
      command: associateAccessPolicy(request.cluster, arn, policy),
    },
  ];
}

/** The ARN an access entry should name, and the lookup step when the log cannot tell the role's path. */
export function accessEntryPrincipal(request: FixRequest): { arn: string; lookup: FixStep[] } {
  const principal = request.principal;
  if (principal.kind !== 'role' || !principal.known) return { arn: principal.mappingArn, lookup: [] };
  const withPath = knownPathArn(request);
  const lookup: FixStep = {
    text: withPath
      ? `Access entries need the role's full IAM ARN including its path (this role has one); confirm it and use it below.`
      : `Access entries need the role's full IAM ARN including any path, which the log never shows; if this prints a path (IAM Identity Center roles always have one), use that ARN in the next commands.`,
    command: getRoleArn(principal.name),
  };
  return { arn: withPath ?? principal.mappingArn, lookup: [lookup] };
}

/**
 * A role's path-ful ARN when something says it has a path: aws-auth lists it with one (checked), or it
 * is an IAM Identity Center role whose path holds a region the log does not show.
 */
function knownPathArn(request: FixRequest): string | undefined {
  const { principal, finding, context } = request;
  const listed = (context.cluster?.awsAuthArns ?? []).find((entry) => samePathfulRole(entry, principal));
  if (listed) return listed;
  const pathful =
    finding.subCause === 'SSO_ROLE' ||
    finding.subCause === 'ROLE_PATH_IN_AWS_AUTH' ||
    principal.name.startsWith('AWSReservedSSO_');
  return pathful ? PLACEHOLDER.roleArnWithPath : undefined;
}

const PATHFUL_ROLE = /^arn:aws[\w-]*:iam::(\d{12}):role\/[\w+=,.@/-]+\/([\w+=,.@-]+)$/;

function samePathfulRole(entry: string, principal: PrincipalNames): boolean {
  const match = PATHFUL_ROLE.exec(entry);
  return (
    match !== null &&
    match[1] === principal.accountId &&
    match[2]?.toLowerCase() === principal.name.toLowerCase()
  );
}

/**
 * An access entry is bound to the principal's unique ID when it is created; after the principal was
 * deleted and recreated (or renamed) the only fix is a new entry. Note what the old one granted first.
 */
export function recreateAccessEntrySteps(request: FixRequest): FixStep[] {
  const { arn } = accessEntryPrincipal(request);
  const names = request.cluster;
  return [
    {
      text: 'Find the entry and its exact principal ARN (a role is listed with its path, if it has one).',
      command: listAccessEntries(names),
    },
    {
      text: 'Note the entry’s type, username and Kubernetes groups, to set them again.',
      command: describeAccessEntry(names, arn),
    },
    {
      text: 'Note the access policies and their scopes, to associate them again.',
      command: listAssociatedAccessPolicies(names, arn),
    },
    {
      text: 'Delete the stale entry. The principal has no access until the next two steps are done, so run them back to back.',
      command: deleteAccessEntry(names, arn),
    },
    {
      text: 'Create the entry again; add the `--kubernetes-groups`, `--username` or `--type` (EC2_LINUX for a node role) you noted.',
      command: createAccessEntry(names, arn),
    },
    {
      text: 'Associate each access policy you noted, with its scope (`--access-scope type=namespace,namespaces=<namespace>` for namespaced ones).',
      command: associateAccessPolicy(names, arn, PLACEHOLDER.policy),
    },
  ];
}

/** Runbook: look at aws-auth, back it up, add the mapping with eksctl or by hand, bind the group. */
function awsAuthSteps(request: FixRequest): FixStep[] {
  const principal = request.principal;
  const kind = principal.kind === 'user' || principal.kind === 'root' ? 'user' : 'role';
  const username = usernameFor(principal);
  return [
    {
      text: `See what aws-auth maps today (without eksctl: \`${DESCRIBE_AWS_AUTH}\`).`,
      command: eksctlGetMappings(request.cluster),
    },
    backupAwsAuthStep(),
    {
      text: `Map the principal to the read-only group \`${DEFAULT_GROUP}\` (only a cluster admin can change aws-auth). Do not use system:masters unless this principal must be full admin.`,
      command: eksctlCreateMapping(request.cluster, principal.mappingArn, username, [DEFAULT_GROUP]),
    },
    {
      text: `Alternatively, edit aws-auth by hand and add this entry under \`data.${kind === 'role' ? 'mapRoles' : 'mapUsers'}\`, keeping every existing entry (node roles especially). A role is mapped by its ARN without any path.`,
      command: EDIT_AWS_AUTH,
    },
    {
      text: `The ${kind === 'role' ? 'mapRoles' : 'mapUsers'} entry:`,
      command: awsAuthSnippet(kind, principal.mappingArn, username, [DEFAULT_GROUP]),
    },
    {
      text: `Bind \`${DEFAULT_GROUP}\` to the built-in \`view\` ClusterRole (use \`edit\`, or a RoleBinding in one namespace, for write access).`,
      command: bindGroup(DEFAULT_GROUP, 'view'),
    },
  ];
}

/**
 * Runbook for tokens anyone can forge: find the client in the audit log, fix it if it is yours
 * (`ifOwned`), and close the door if nobody owns it.
 */
export function findClientSteps(request: FixRequest, ...ifOwned: FixStep[]): FixStep[] {
  return [
    {
      text: `Find the client: in CloudWatch Logs Insights, choose the log group ${request.cluster.logGroup}, set the time range around the denial${atTime(request.finding.time)}, and run this query over the kube-apiserver audit log (the authenticator only ever sees 127.0.0.1).`,
      command: AUDIT_QUERY_UNAUTHENTICATED,
    },
    ...ifOwned,
    {
      text: 'If nobody owns that source IP and user agent, someone on the internet is probing the API endpoint; limit the public endpoint to your own networks (or make it private).',
      command: restrictPublicEndpoint(request.cluster),
    },
  ];
}

export function usernameFor(principal: PrincipalNames): string {
  return principal.known ? principal.name : PLACEHOLDER.username;
}

/** Puts a condition in front of each step ("If the mode is CONFIG_MAP: back up aws-auth …"). */
export function prefixed(prefix: string, steps: readonly FixStep[]): FixStep[] {
  return steps.map((step) => ({ ...step, text: `${prefix}${lowerFirst(step.text)}` }));
}

function lowerFirst(text: string): string {
  // Keep acronyms and names (`AWS`, `IAM`, `Access entries`) readable: only lower a capitalised plain word.
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
