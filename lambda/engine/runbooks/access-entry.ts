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
