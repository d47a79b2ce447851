import {
  type CloudWatchLogsClient,
  DescribeSubscriptionFiltersCommand,
  type SubscriptionFilter,
} from '@aws-sdk/client-cloudwatch-logs';
import { type Cluster, DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import { errorName, hasErrorName } from '../common/error-names';
import { clusterLogGroupName } from '../contract';

/** Why the pipeline cannot see a cluster's denials any more. */
export type BlindReason =
  /** The cluster's `authenticator` control-plane log type is off: EKS writes no authenticator stream. */
  | 'logging-off'
  /** Our subscription filter is gone from the cluster log group: lines are written but never sent to us. */
  | 'filter-missing'
  /** Our filter name is there but sends elsewhere (someone re-pointed it). */
  | 'filter-elsewhere'
  /** DescribeCluster says the cluster does not exist (deleted, or renamed by re-creation). */
  | 'cluster-missing';

/** What one check of one cluster found. */
export type Sight =
  | { readonly kind: 'seeing' }
  | {
      readonly kind: 'blind';
      readonly reason: BlindReason;
      /** Who may own the setting, from the cluster's tags (CloudFormation, eksctl, Terraform). */
      readonly owner?: string;
    }
  /** A read failed (throttled, denied, network): nothing is concluded, the next check asks again. */
  | { readonly kind: 'unknown'; readonly error: string };

export interface SightDeps {
  readonly eks: EKSClient;
  readonly logs: CloudWatchLogsClient;
}

/**
 * Looks at one cluster the way the pipeline depends on it: DescribeCluster must show `authenticator`
 * enabled, and DescribeSubscriptionFilters must list our filter on `/aws/eks/<cluster>/cluster`,
 * sending to this function. Two reads, no writes.
 *
 * @example
 * await checkSight(deps, 'prod-eu', 'eks-auth-doctor-EksAuthDoctor', 'EksAuthDoctor-Diagnosis…');
 */
export async function checkSight(
  deps: SightDeps,
  clusterName: string,
  filterName: string,
  functionName: string | undefined,
): Promise<Sight> {
  let cluster: Cluster | undefined;
  try {
    ({ cluster } = await deps.eks.send(new DescribeClusterCommand({ name: clusterName })));
  } catch (error) {
    if (hasErrorName(error, 'ResourceNotFoundException')) return { kind: 'blind', reason: 'cluster-missing' };
    return { kind: 'unknown', error: `EKS DescribeCluster failed (${errorName(error)})` };
  }
  if (!cluster) return { kind: 'unknown', error: 'EKS DescribeCluster returned no cluster' };
  const owner = ownerOf(cluster.tags ?? {});
  if (!isAuthenticatorLogged(cluster)) {
    return { kind: 'blind', reason: 'logging-off', ...(owner ? { owner } : {}) };
  }

  let filters: SubscriptionFilter[];
  try {
    const page = await deps.logs.send(
      new DescribeSubscriptionFiltersCommand({
        logGroupName: clusterLogGroupName(clusterName),
        filterNamePrefix: filterName,
      }),
    );
    filters = page.subscriptionFilters ?? [];
  } catch (error) {
    if (hasErrorName(error, 'ResourceNotFoundException')) return { kind: 'blind', reason: 'filter-missing' };
    return {
      kind: 'unknown',
      error: `CloudWatch Logs DescribeSubscriptionFilters failed (${errorName(error)})`,
    };
  }
  const ours = filters.find((f) => f.filterName === filterName);
  if (!ours) return { kind: 'blind', reason: 'filter-missing' };
  if (functionName && !(ours.destinationArn ?? '').endsWith(`:function:${functionName}`)) {
    return { kind: 'blind', reason: 'filter-elsewhere' };
  }
  return { kind: 'seeing' };
}

/** `authenticator` is among the enabled log types (EKS lists enabled and disabled types separately). */
export function isAuthenticatorLogged(cluster: Cluster): boolean {
  return (cluster.logging?.clusterLogging ?? []).some(
    (setup) => setup.enabled === true && (setup.types ?? []).includes('authenticator'),
  );
}

/**
 * The tool that most likely writes the cluster's logging setting, from the tags each one leaves:
 * CloudFormation (and so CDK) tags every resource with its stack, eksctl tags its clusters, and
 * Terraform users conventionally tag `ManagedBy`/`managed-by`. Tags are set by the cluster's owner,
 * not by clients of the cluster, but they are still only shown as a hint.
 */
export function ownerOf(tags: Readonly<Record<string, string>>): string | undefined {
  const stack = tags['aws:cloudformation:stack-name'];
  if (stack) return `CloudFormation stack "${stack}" (a CDK app or template: its clusterLogging / Logging)`;
  if (tags['alpha.eksctl.io/cluster-name'] || tags['eksctl.cluster.k8s.io/v1alpha1/cluster-name']) {
    return 'eksctl (cloudWatch.clusterLogging.enableTypes in its cluster config)';
  }
  const managedBy = Object.entries(tags).find(([key]) => /^managed[-_]?by$/i.test(key))?.[1];
  if (managedBy && /terraform/i.test(managedBy)) {
    return 'Terraform (enabled_cluster_log_types of its aws_eks_cluster)';
  }
  return undefined;
}
