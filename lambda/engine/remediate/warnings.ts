import type { Fix, FixStep } from '../types';
import type { FixRequest } from '../wording/fix-request';
import { mention } from '../wording/mention';
import { PLACEHOLDER } from '../wording/names';

/** Shown whenever `system:masters` appears anywhere in a fix, so nobody copies it without knowing what it grants. */
export const SYSTEM_MASTERS_WARNING =
  '`system:masters` is full, unrestricted cluster admin that no RBAC rule can narrow. Give it only to break-glass admins; for everyone else map a narrower group (such as `eks-viewers` bound to the `view` ClusterRole, or a group bound to a Role in one namespace), or associate an access policy such as AmazonEKSViewPolicy or AmazonEKSEditPolicy scoped with `--access-scope type=namespace,namespaces=<namespace>`.';

const CLUSTER_ADMIN_POLICY_WARNING =
  'AmazonEKSClusterAdminPolicy is full cluster admin, the access-entry equivalent of `system:masters`. Use it to regain control, then narrow it to AmazonEKSAdminPolicy, AmazonEKSEditPolicy or AmazonEKSViewPolicy where full admin is not needed.';

const AWS_AUTH_EDIT_WARNING =
  'A YAML mistake in aws-auth makes the authenticator drop every mapping in that block, nodes included. Keep the backup, edit one entry at a time, and prefer `eksctl` or access entries over hand edits.';

const UNTRUSTED_PRINCIPAL_WARNING =
  'The denied ARN in this log line did not look like an IAM ARN, so the commands show placeholders; take the real ARN from `aws sts get-caller-identity` on the affected client.';

const ROOT_USER_WARNING =
  'This is an AWS account root user. Do not grant the root user cluster access; have the person use an IAM role instead.';

function contextUnavailableWarning(reason: string): string {
  return `The live cluster configuration could not be read (${mention(reason, 200)}), so this fix is generic: it covers both the aws-auth ConfigMap and access entries. Check the cluster's authentication mode first.`;
}

/** A caveat that belongs to any fix whose text or commands contain a phrase, whichever builder wrote it. */
interface Caveat {
  readonly phrase: string;
  readonly warning: string;
}

/** In the order they are shown. */
const CAVEATS: readonly Caveat[] = [
  { phrase: 'AmazonEKSClusterAdminPolicy', warning: CLUSTER_ADMIN_POLICY_WARNING },
  { phrase: 'kubectl edit configmap aws-auth', warning: AWS_AUTH_EDIT_WARNING },
  { phrase: 'system:masters', warning: SYSTEM_MASTERS_WARNING },
];

/**
 * Adds the warnings that depend on what a fix says or on what is known rather than on its category:
 * an unreadable ARN, a root user, the context caveat, and the caveats of `system:masters`, cluster-admin policies and hand edits of aws-auth. Doing it
 * here, after the builder ran, keeps each rule in one place and lets no fix forget one.
 */
export function withCommonWarnings(fix: Fix, request: FixRequest): Fix {
  const { context, finding, principal } = request;
  const warnings = [...fix.warnings];
  if (finding.principal !== undefined && !principal.known && usesPrincipalPlaceholder(fix)) {
    warnings.push(UNTRUSTED_PRINCIPAL_WARNING);
  }
  if (principal.kind === 'root') warnings.push(ROOT_USER_WARNING);
  if (context.contextUnavailable !== undefined)
    warnings.push(contextUnavailableWarning(context.contextUnavailable));
  const said = (steps: readonly FixStep[]) => steps.flatMap((step) => [step.text, step.command ?? '']);
  const body = [fix.title, fix.summary, ...said(fix.steps.filter((step) => !step.optional))];
  const optionalBody = said(fix.steps.filter((step) => step.optional));
  const optionalWarnings: string[] = [];
  for (const caveat of CAVEATS) {
    // Only what the fix tells the reader to do makes a caveat relevant: a caveat that names another
    // (the admin-policy one names `system:masters`) does not bring that one along.
    if (body.some((text) => text.includes(caveat.phrase))) warnings.push(caveat.warning);
    else if (optionalBody.some((text) => text.includes(caveat.phrase))) {
      // Needed only by a step a compact sink may leave out: it goes, or stays, with that step.
      warnings.push(caveat.warning);
      optionalWarnings.push(caveat.warning);
    }
  }
  // A caveat the category states itself is never optional.
  const optional = optionalWarnings.filter((warning) => !fix.warnings.includes(warning));
  const all = [...new Set(warnings)];
  return optional.length > 0
    ? { ...fix, warnings: all, optionalWarnings: optional }
    : { ...fix, warnings: all };
}

const PRINCIPAL_PLACEHOLDERS: readonly string[] = [
  PLACEHOLDER.principalArn,
  PLACEHOLDER.roleArn,
  PLACEHOLDER.userArn,
  PLACEHOLDER.roleName,
  PLACEHOLDER.userName,
];

function usesPrincipalPlaceholder(fix: Fix): boolean {
  return fix.steps.some((step) =>
    PRINCIPAL_PLACEHOLDERS.some((placeholder) => step.command?.includes(placeholder)),
  );
}
