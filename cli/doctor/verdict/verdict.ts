import type { Category, SubCause } from '../../../lambda/engine/categories';
import type { Fix } from '../../../lambda/engine/types';
import type { CheckResult } from '../check';
import type { DoctorFacts } from '../facts';

/** The doctor's verdict IDs: stable, for scripts and support tickets (the engine's category rides along). */
export const VERDICT_IDS = [
  'KUBECONFIG_MISSING',
  'STATIC_TOKEN',
  'EXEC_API_VERSION_REMOVED',
  'KUBECONFIG_USER_NOT_EKS',
  'EXEC_COMMAND_NOT_FOUND',
  'PROFILE_NOT_FOUND',
  'SSO_SESSION_EXPIRED',
  'NO_CREDENTIALS',
  'CREDENTIALS_EXPIRED',
  'CREDENTIALS_INVALID',
  'ASSUME_ROLE_DENIED',
  'CLUSTER_NOT_FOUND',
  'CLUSTER_NOT_ACTIVE',
  'WRONG_REGION',
  'ENDPOINT_MISMATCH',
  'WRONG_CLUSTER_NAME',
  'AUTHENTICATOR_DENIED',
  'ACCESS_ENTRY_WRONG_ARN',
  'NOT_MAPPED',
  'ACCESS_ENTRY_NO_PERMISSIONS',
  'PRIVATE_ENDPOINT',
  'ENDPOINT_UNREACHABLE',
  'FORBIDDEN',
  'MAPPING_UNKNOWN',
  'UNAUTHORIZED_UNEXPLAINED',
  'CHECKS_INCOMPLETE',
  'NO_PROBLEM_FOUND',
] as const;

export type VerdictId = (typeof VERDICT_IDS)[number];

/** The one conclusion of a run, and the fix. */
export interface Verdict {
  readonly id: VerdictId;
  /** False only for NO_PROBLEM_FOUND. */
  readonly problem: boolean;
  /** The engine category whose fix this is, when the failure is one the authenticator logs. */
  readonly category?: Category;
  readonly subCause?: SubCause;
  readonly fix: Fix;
  /** The checks the verdict rests on. */
  readonly basis: readonly string[];
}

/** A fix with the engine category it came from, if any. */
export interface VerdictFix {
  readonly fix: Fix;
  readonly category?: Category;
  readonly subCause?: SubCause;
}

/**
 * One verdict of the ordered list: it applies when `applies` says so (the first that applies wins),
 * and writes its fix from the facts. Rules are data, testable one by one.
 */
export interface VerdictRule {
  readonly id: VerdictId;
  readonly basis: readonly string[];
  applies(facts: DoctorFacts, results: readonly CheckResult[]): boolean;
  fix(facts: DoctorFacts, results: readonly CheckResult[]): VerdictFix;
}
