import type { FixStep } from '../types';
import {
  associateAccessPolicy,
  createAccessEntry,
  deleteAccessEntry,
  describeAccessEntry,
  getRoleArn,
  listAccessEntries,
  listAssociatedAccessPolicies,
} from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { PLACEHOLDER, type PrincipalNames } from '../wording/names';

/** Runbooks for EKS access entries: grant one, name the principal right, recreate a stale one. */

/**
 * Runbook: `create-access-entry` then `associate-access-policy` with the read-only policy. A role's
 * entry needs the IAM role ARN (never the assumed-role ARN), with its path: EKS rejects a path-less
 * ARN for a role that has one.
 */
export function accessEntryGrantSteps(request: FixRequest): FixStep[] {
  const { arn, lookup } = accessEntryPrincipal(request);
  return [
    ...lookup,
    {
      text: 'Create an access entry for the principal (needs `eks:CreateAccessEntry`).',
      command: createAccessEntry(request.cluster, arn),
    },
    {
      text: 'Give the entry permissions by associating an access policy. This grants read-only access; use AmazonEKSEditPolicy or AmazonEKSAdminPolicy for more, and `--access-scope type=namespace,namespaces=<namespace>` to limit it to namespaces.',
      command: associateAccessPolicy(request.cluster, arn, 'AmazonEKSViewPolicy'),
    },
  ];
}

/**
 * In a few words, what `accessEntryGrantSteps` does, for the line a compact sink prints above their
 * commands: which ARN the entry names, where it needs a look first.
 */
export function accessEntryGrantSummary(request: FixRequest): string {
  const { principal } = request;
  if (principal.kind !== 'role' || !principal.known) return 'an access entry with read-only access';
  if (knownPathArn(request) === undefined && inAnotherAccount(request))
    return "an access entry with read-only access (ask the account's owner for the role's ARN with its path, if any)";
  return 'an access entry with read-only access, for the ARN get-role prints (with its path, if any)';
}

/** The ARN an access entry should name, and the lookup step when the log cannot tell the role's path. */
export function accessEntryPrincipal(request: FixRequest): { arn: string; lookup: FixStep[] } {
  const principal = request.principal;
  if (principal.kind !== 'role' || !principal.known) return { arn: principal.mappingArn, lookup: [] };
  const withPath = knownPathArn(request);
  if (withPath === undefined && inAnotherAccount(request)) {
    // `aws iam get-role` only reads the caller's own account: nothing here can look the path up.
    const ask: FixStep = {
      text: "Access entries need the role's full IAM ARN including any path, which the log never shows and only the role's own account can look up; ask its owner, and use that ARN in the next commands.",
      optional: true,
    };
    return { arn: principal.mappingArn, lookup: [ask] };
  }
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

/** The principal is of another account than the cluster's (both known). */
function inAnotherAccount(request: FixRequest): boolean {
  const ours = request.cluster.accountId;
  return ours !== PLACEHOLDER.accountId && request.principal.accountId !== ours;
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
      text: "Note the entry's type, username and Kubernetes groups, to set them again.",
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
