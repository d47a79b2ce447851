import type { ClusterContext, DiagnosisContext, Finding, Fix } from '../types';
import { type ClusterNames, checkedArn, clusterNames, type PrincipalNames, principalNames } from './names';

/**
 * Everything a fix builder may use, with every name already checked: builders put `cluster`,
 * `principal` and `creator` into commands as they are, and read `finding` only for prose.
 */
export interface FixRequest {
  readonly finding: Finding;
  readonly context: DiagnosisContext;
  readonly cluster: ClusterNames;
  readonly principal: PrincipalNames;
  /** The cluster creator's canonical ARN, when the context knows it and it looks like an ARN. */
  readonly creatorArn?: string;
  /**
   * The authentication mode the fix is written for. `undefined` when unknown, and also when the live
   * lookup failed: a fix for an unknown mode covers both aws-auth and access entries.
   */
  readonly mode?: ClusterContext['authenticationMode'];
}

/** Writes the fix for one category. Pure: the same request always gives the same fix. */
export type FixBuilder = (request: FixRequest) => Fix;

/** The request for `finding`: its names checked, the mode the fix is written for. */
export function fixRequest(finding: Finding, context: DiagnosisContext): FixRequest {
  const principal = principalNames(finding.principal);
  return {
    finding,
    context,
    cluster: clusterNames(context.cluster, principal.partition),
    principal,
    creatorArn: checkedArn(context.cluster?.creatorArn)?.canonical,
    mode: context.contextUnavailable ? undefined : context.cluster?.authenticationMode,
  };
}
