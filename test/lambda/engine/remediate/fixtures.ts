import type { AuthenticationMode, Category, SubCause } from '../../../../lambda/engine/categories';
import type {
  ClusterContext,
  DiagnosisContext,
  Finding,
  Fix,
  Principal,
} from '../../../../lambda/engine/types';

/**
 * Hand-built findings and contexts for the remediation tests: the classifier is not involved, so each
 * test states exactly what the fix is given.
 */

export const CLUSTER_ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';

export function aFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    category: 'IDENTITY_NOT_MAPPED',
    severity: 'high',
    time: '2024-05-01T10:00:00Z',
    details: {},
    record: { time: '2024-05-01T10:00:00Z', level: 'warning', msg: 'access denied', fields: {} },
    ...overrides,
  };
}

/** A finding of `category` with the denied principal filled in when the category has one. */
export function aFindingOf(category: Category, overrides: Partial<Finding> = {}): Finding {
  return aFinding({ category, principal: aRole('dev-team'), ...overrides });
}

export function notMapped(subCause: SubCause, principal: Principal = aRole('dev-team')): Finding {
  return aFinding({ category: 'IDENTITY_NOT_MAPPED', subCause, principal });
}

/** A role principal as the classifier reports it: canonical ARN (no path), optional STS session. */
export function aRole(name: string, options: { account?: string; session?: string } = {}): Principal {
  const account = options.account ?? CLUSTER_ACCOUNT;
  return {
    arn: `arn:aws:iam::${account}:role/${name}`,
    accountId: account,
    partition: 'aws',
    type: 'role',
    name,
    session: options.session,
  };
}

export function aUser(name: string, account = CLUSTER_ACCOUNT): Principal {
  return {
    arn: `arn:aws:iam::${account}:user/${name}`,
    accountId: account,
    partition: 'aws',
    type: 'user',
    name,
  };
}

/** A principal whose `arn=` was not an IAM ARN (forged or mangled); other fields claim otherwise. */
export function aForgedPrincipal(arn: string): Principal {
  return {
    arn,
    accountId: CLUSTER_ACCOUNT,
    partition: 'aws',
    type: 'role',
    name: 'dev-team',
    session: 'alice',
  };
}

export function aCluster(overrides: Partial<ClusterContext> = {}): ClusterContext {
  return { clusterName: 'prod-eu', region: 'eu-west-1', accountId: CLUSTER_ACCOUNT, ...overrides };
}

export function inMode(
  mode: AuthenticationMode | undefined,
  cluster: Partial<ClusterContext> = {},
): DiagnosisContext {
  return { cluster: aCluster({ authenticationMode: mode, ...cluster }) };
}

export const MODES: readonly (AuthenticationMode | undefined)[] = [
  'CONFIG_MAP',
  'API_AND_CONFIG_MAP',
  'API',
  undefined,
];

export function commandsOf(fix: Fix): string[] {
  return fix.steps.flatMap((step) => (step.command === undefined ? [] : [step.command]));
}

export function commandText(fix: Fix): string {
  return commandsOf(fix).join('\n');
}

/** Everything a reader sees, for "does the fix mention X anywhere" checks. */
export function allText(fix: Fix): string {
  return [
    fix.title,
    fix.summary,
    ...fix.steps.flatMap((step) => [step.text, step.command ?? '']),
    ...fix.warnings,
  ].join('\n');
}
