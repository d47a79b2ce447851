import { isInstanceId, parseArn } from '../parse/arn';
import type { DiagnosisContext, Principal } from '../types';
import type { AuthenticationMode } from './authentication-modes';

/**
 * What is known when a principal that passed STS is not mapped: the line (and its joined `STS
 * response`), and the context (live from EKS in the Lambda; learned from earlier lines and flags in the
 * CLI). Each sub-cause's `when` reads only this.
 */
export interface NotMappedFacts {
  /** The denied principal, when the line names one. */
  readonly principal: Principal | undefined;
  readonly context: DiagnosisContext | undefined;
  readonly mode: AuthenticationMode | undefined;
  /** Whether `earlier` (an ISO time) is at most a day before the denial; taken at face value without a denial time. */
  recent(earlier: string | undefined): boolean;
}

// Node roles seen in the wild: eksctl `…-NodeInstanceRole-…`, managed node groups, Karpenter.
const NODE_ROLE_NAME = /NodeInstanceRole|NodeRole|node-?group|KarpenterNode|eks-node|-nodes?-role/i;

/** A node authenticates with its instance role and a session named after the instance ID. */
export function looksLikeNode(principal: Principal): boolean {
  if (principal.type !== 'role') return false;
  if (principal.session !== undefined) return isInstanceId(principal.session);
  return NODE_ROLE_NAME.test(principal.name ?? '');
}

/** ARNs compare case-insensitively, as the authenticator compares them. */
export function sameArn(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * With the aws-auth ARNs known, how aws-auth names this role when it names it in a form the
 * authenticator never matches: its assumed-role ARN, or its ARN with the IAM path.
 */
export function awsAuthMisspelling(
  principal: Principal,
  awsAuthArns: readonly string[] | undefined,
): 'assumed-role-arn' | 'path' | undefined {
  if (!awsAuthArns || principal.type !== 'role') return undefined;
  for (const entry of awsAuthArns) {
    const parsed = parseArn(entry);
    if (!parsed || parsed.accountId !== principal.accountId || parsed.type !== 'role') continue;
    if (parsed.name?.toLowerCase() !== principal.name?.toLowerCase()) continue;
    if (parsed.service === 'sts') return 'assumed-role-arn';
    if (parsed.path !== '/') return 'path';
  }
  return undefined;
}
