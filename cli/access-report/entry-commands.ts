import {
  type AccessPolicy,
  associateAccessPolicy,
  createAccessEntry,
  getRoleArn,
} from '../../lambda/engine/wording/commands';
import { type ClusterNames, checkedArn, principalNames } from '../../lambda/engine/wording/names';
import type { AwsAuthMapping } from './aws-auth-mappings';
import { type Coverage, nodeEntryTypeOf } from './coverage';
import type { PrincipalLogins } from './logins';

/** What to run for one principal that would be locked out, and what to read first. */
export interface EntryCommands {
  readonly commands: readonly string[];
  /** Grants to look at before running: `system:masters` becomes cluster admin. */
  readonly review: readonly string[];
  /** What could not be carried over from aws-auth, and why. */
  readonly notes: readonly string[];
}

/** A principal the commands are for: its logins, how it is let in today and its aws-auth mapping. */
export interface LockedOutPrincipal {
  readonly logins: PrincipalLogins;
  readonly coverage: Coverage;
  readonly mapping?: AwsAuthMapping;
  /** The role's real ARN, IAM path included, when it was looked up (`iam:GetRole`). */
  readonly resolvedArn?: string;
}

/** What a group of today becomes in an access entry. */
interface GroupRule {
  readonly matches: (group: string) => boolean;
  /** An access policy instead of the group, flagged for review. */
  readonly policy?: { readonly name: AccessPolicy; readonly review: string };
  /** The group cannot be carried over; why. */
  readonly dropped?: string;
}

/**
 * The groups a principal uses today, turned into the access entry's: `system:masters` becomes the
 * cluster-admin access policy (flagged: it is full admin); other `system:` groups cannot be set on an
 * entry; every other group is carried over as a Kubernetes group, so the RoleBindings that name it
 * keep applying unchanged. First match wins.
 */
const GROUP_RULES: readonly GroupRule[] = [
  {
    matches: (group) => group === 'system:masters',
    policy: {
      name: 'AmazonEKSClusterAdminPolicy',
      review:
        'was in system:masters, so it gets AmazonEKSClusterAdminPolicy (full cluster admin). Narrow it to ' +
        'AmazonEKSAdminPolicy, AmazonEKSEditPolicy or --access-scope type=namespace unless it needs all of it',
    },
  },
  {
    matches: (group) => group.startsWith('system:'),
    dropped: 'access entries cannot hold system: groups',
  },
  {
    matches: (group) => !SHELL_SAFE.test(group),
    dropped: 'its characters are not safe to put in a command',
  },
  { matches: () => true },
];

/** Kubernetes names and usernames that can stand in a command unquoted (templates get quotes). */
const SHELL_SAFE = /^[A-Za-z0-9._@:/+=-]{1,256}$/;
const USERNAME_SHAPE = /^(?:[A-Za-z0-9._@:/+=-]|\{\{[A-Za-z0-9]+\}\}){1,256}$/;
/** Access-entry usernames cannot start with these (EKS reserves them). */
const RESERVED_PREFIXES = ['system:', 'eks:', 'aws:', 'amazon:', 'iam:'] as const;

/**
 * The exact `aws eks create-access-entry` (and `associate-access-policy`) commands that keep a
 * principal in once aws-auth is ignored: nodes get an entry of their node type and nothing else;
 * others a STANDARD entry with the username and groups they have today. Every name went through a
 * shape check; a role's ARN is looked up with `iam get-role` when its path is not known, because an
 * entry needs the role's real ARN and the log never shows the path.
 *
 * @example
 * entryCommandsFor({ logins, coverage: 'aws-auth only', mapping }, clusterNames({ clusterName: 'prod', region: 'eu-west-1' }))
 * // { commands: ['aws eks create-access-entry --cluster-name prod … --kubernetes-groups deployers --username ci'], … }
 */
export function entryCommandsFor(principal: LockedOutPrincipal, names: ClusterNames): EntryCommands {
  const { logins } = principal;
  const notes: string[] = [];
  const arn = principalArnFor(principal, notes);
  const nodeType = nodeEntryTypeOf(logins);
  if (nodeType !== undefined) {
    if (logins.principal.accountId !== names.accountId && /^\d{12}$/.test(names.accountId)) {
      notes.push("a node entry must be in the cluster's account; this role is not");
    }
    const command =
      nodeType === 'FARGATE_LINUX'
        ? `${createAccessEntry(names, arn)} --type FARGATE_LINUX`
        : createAccessEntry(names, arn, { type: nodeType });
    return { commands: [command], review: [], notes };
  }
  const review: string[] = [];
  const groups: string[] = [];
  const policies: AccessPolicy[] = [];
  for (const group of principal.mapping?.groups ?? logins.groups) {
    const rule = GROUP_RULES.find((candidate) => candidate.matches(group));
    if (rule?.policy) {
      if (!policies.includes(rule.policy.name)) policies.push(rule.policy.name);
      review.push(rule.policy.review);
    } else if (rule?.dropped) notes.push(`group ${group} is not carried over: ${rule.dropped}`);
    else groups.push(group);
  }
  const username = usernameFor(principal, notes);
  const create = createAccessEntry(names, arn, { kubernetesGroups: groups });
  const commands = [
    username === undefined ? create : `${create} --username ${quoted(username)}`,
    ...policies.map((policy) => associateAccessPolicy(names, arn, policy)),
  ];
  if (groups.length === 0 && policies.length === 0) {
    notes.push('no groups to carry over: its permissions come only from RBAC bindings on its username');
  }
  return { commands, review, notes };
}

function principalArnFor(principal: LockedOutPrincipal, notes: string[]): string {
  const names = principalNames(principal.logins.principal);
  if (!names.known) {
    notes.push('the logged ARN does not look like one IAM writes: fill in the principal ARN');
    return names.arn;
  }
  if (names.kind !== 'role') return names.mappingArn;
  if (principal.resolvedArn !== undefined && checkedArn(principal.resolvedArn)?.type === 'role') {
    return principal.resolvedArn;
  }
  // Inside double quotes: one word for the shell, whatever path IAM returns.
  return `"$(${getRoleArn(names.name)})"`;
}

/**
 * The username to keep: the aws-auth template when the ConfigMap was given; otherwise the logged
 * username if every login got the same one (a template with `{{SessionName}}` gives many, and its
 * text is not in the log). The creator's `kubernetes-admin` is EKS's, not a mapping's: not kept.
 */
function usernameFor(principal: LockedOutPrincipal, notes: string[]): string | undefined {
  const { logins, mapping } = principal;
  let username = mapping?.username;
  if (username === undefined && mapping === undefined && principal.coverage === 'aws-auth only') {
    if (logins.distinctUsernames === 1) username = logins.username;
    else {
      notes.push(
        `its username differs per session (latest: ${logins.username}): pass --aws-auth to carry the template over`,
      );
    }
  }
  if (username === undefined || username.length === 0) return undefined;
  const reserved = RESERVED_PREFIXES.find((prefix) => username.startsWith(prefix));
  if (reserved !== undefined) {
    notes.push(
      `username ${username} is not carried over: access-entry usernames cannot start with ${reserved}`,
    );
    return undefined;
  }
  if (!USERNAME_SHAPE.test(username)) {
    notes.push(`username ${username} is not carried over: its characters are not safe to put in a command`);
    return undefined;
  }
  if (/[^:]\{\{SessionName(Raw)?\}\}/.test(username) || username.startsWith('{{Session')) {
    notes.push(
      `username ${username}: EKS wants a colon right before {{SessionName}}; adjust it before running`,
    );
  }
  return username;
}

/** Template braces in single quotes, so no shell expands them; the shape check leaves no quote to escape. */
function quoted(value: string): string {
  return value.includes('{') ? `'${value}'` : value;
}
