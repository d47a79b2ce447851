import type { CheckStep } from '../check';
import { accessEntryCheck } from './access-entry-check';
import { accessPoliciesCheck } from './access-policies-check';
import { authenticatorLogCheck } from './authenticator-log-check';
import { awsAuthCheck } from './aws-auth-check';
import { clusterCheck } from './cluster-check';
import { commandOnPathCheck } from './command-on-path-check';
import { endpointAccessCheck } from './endpoint-access-check';
import { endpointCheck } from './endpoint-check';
import { identityCheck } from './identity-check';
import { kubeconfigCheck } from './kubeconfig-check';
import { principalCheck } from './principal-check';
import { probeCheck } from './probe-check';
import { tokenCommandCheck } from './token-command-check';

/**
 * The AWS Knowledge Center runbook for "You must be logged in to the server (Unauthorized)", in its
 * order: which kubeconfig, which token command, which identity, which cluster, which mapping, what
 * the authenticator said, and what the cluster answers now.
 */
export const CHECKS: readonly CheckStep[] = [
  kubeconfigCheck,
  tokenCommandCheck,
  commandOnPathCheck,
  identityCheck,
  principalCheck,
  clusterCheck,
  endpointCheck,
  endpointAccessCheck,
  accessEntryCheck,
  accessPoliciesCheck,
  awsAuthCheck,
  authenticatorLogCheck,
  probeCheck,
];
