import {
  type Cluster,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  type EKSClient,
  UpdateClusterConfigCommand,
} from '@aws-sdk/client-eks';
import { hasErrorName } from '../common/error-names';
import { ClusterNotFoundError, ClusterNotUsableError, ClusterUpdateFailedError } from './errors';

/** The outcome of asking EKS to switch `authenticator` on or off. */
export type LoggingChange =
  | { readonly kind: 'started'; readonly updateId: string }
  /** EKS said the setting already is what we asked for. */
  | { readonly kind: 'unchanged' }
  /** Another update of the cluster is running; ask again later. */
  | { readonly kind: 'busy' };

/** Reads the cluster; a missing cluster is the operator's configuration error, reported as such. */
export async function describeCluster(eks: EKSClient, clusterName: string, region: string): Promise<Cluster> {
  const cluster = await findCluster(eks, clusterName);
  if (!cluster) throw new ClusterNotFoundError(clusterName, region);
  return cluster;
}

/** Like {@link describeCluster}, but a missing cluster is `undefined` (delete: nothing left to restore). */
export async function findCluster(eks: EKSClient, clusterName: string): Promise<Cluster | undefined> {
  try {
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: clusterName }));
    return cluster;
  } catch (error) {
    if (hasErrorName(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/**
 * EKS cluster states (DescribeCluster `cluster.status`): ACTIVE can be changed; CREATING and UPDATING
 * reject UpdateClusterConfig until they end (so they are waited for); FAILED and DELETING never will.
 * A missing status (older API answers, tests) is treated as ACTIVE.
 */
export type ClusterReadiness = 'active' | 'wait' | 'unusable';

export function readinessOf(cluster: Cluster): ClusterReadiness {
  switch (cluster.status) {
    case undefined:
    case 'ACTIVE':
      return 'active';
    case 'CREATING':
    case 'UPDATING':
    case 'PENDING':
      return 'wait';
    default:
      return 'unusable';
  }
}

export function assertUsable(cluster: Cluster, clusterName: string): void {
  if (readinessOf(cluster) === 'unusable')
    throw new ClusterNotUsableError(clusterName, cluster.status ?? 'unknown');
}

export function isAuthenticatorLogged(cluster: Cluster): boolean {
  return (cluster.logging?.clusterLogging ?? []).some(
    (setup) => setup.enabled === true && (setup.types ?? []).includes('authenticator'),
  );
}

/**
 * Switches only the `authenticator` log type; EKS leaves every type not named in the request as it is,
 * so the cluster's other logging choices stay the owner's.
 */
export async function setAuthenticatorLogging(
  eks: EKSClient,
  clusterName: string,
  enabled: boolean,
): Promise<LoggingChange> {
  try {
    const { update } = await eks.send(
      new UpdateClusterConfigCommand({
        name: clusterName,
        logging: { clusterLogging: [{ types: ['authenticator'], enabled }] },
      }),
    );
    if (!update?.id)
      throw new Error(`EKS accepted the logging update of "${clusterName}" without an update ID`);
    return { kind: 'started', updateId: update.id };
  } catch (error) {
    // The same code also means real input errors, so only this message counts as "nothing to do".
    if (hasErrorName(error, 'InvalidParameterException') && /no changes needed/i.test(messageOf(error))) {
      return { kind: 'unchanged' };
    }
    if (hasErrorName(error, 'ResourceInUseException')) return { kind: 'busy' };
    throw error;
  }
}

/** True once the update succeeded, false while it runs; a failed or cancelled update is an error. */
export async function isUpdateDone(eks: EKSClient, clusterName: string, updateId: string): Promise<boolean> {
  const { update } = await eks.send(new DescribeUpdateCommand({ name: clusterName, updateId }));
  const status = update?.status;
  if (status === 'Successful') return true;
  if (status === 'Failed' || status === 'Cancelled') {
    const detail = (update?.errors ?? [])
      .map((e) => [e.errorCode, e.errorMessage].filter(Boolean).join(': '))
      .join('; ');
    throw new ClusterUpdateFailedError(clusterName, updateId, status, detail);
  }
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
