import type { CustomResource } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import { Construct, type IDependable } from 'constructs';
import type { AuthenticatorLogging } from './authenticator-logging';
import { authenticatorFilterPattern } from './filter-pattern';
import type { WatchedCluster } from './watched-cluster';

export interface ClusterSubscriptionProps {
  /** The cluster whose `/aws/eks/<cluster>/cluster` log group is subscribed. */
  readonly cluster: WatchedCluster;
  /** The logging set-up: it prepares the cluster (logging on, log group there, a free filter slot) first. */
  readonly logging: AuthenticatorLogging;
  /** The diagnosis function the filter sends the matching lines to. */
  readonly destination: IFunction;
  /** The one Lambda permission for `logs.amazonaws.com`; the filter is created only after it exists. */
  readonly invokePermission: IDependable;
  /** Our filter's name on every cluster log group; stable, so an update overwrites it in place. */
  readonly filterName: string;
}

/**
 * One watched cluster: its logging set-up, then a subscription filter that sends denials and aws-auth
 * parse errors — nothing else — from `/aws/eks/<cluster>/cluster` to the diagnosis function.
 */
export class ClusterSubscription extends Construct {
  readonly loggingSetup: CustomResource;
  readonly subscriptionFilter: logs.SubscriptionFilter;
  /** `/aws/eks/<cluster>/cluster`, referenced by name (the stack never owns it). */
  readonly clusterLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: ClusterSubscriptionProps) {
    super(scope, id);
    const { cluster } = props;

    this.loggingSetup = props.logging.forCluster(this, cluster, props.filterName);
    if (cluster.construct) this.loggingSetup.node.addDependency(cluster.construct);

    this.clusterLogGroup = logs.LogGroup.fromLogGroupName(this, 'ClusterLogGroup', cluster.logGroupName);
    this.subscriptionFilter = new logs.SubscriptionFilter(this, 'SubscriptionFilter', {
      logGroup: this.clusterLogGroup,
      // One account-wide permission instead of one per log group (the function policy is capped at ~20 KB).
      destination: new destinations.LambdaDestination(props.destination, { addPermissions: false }),
      filterPattern: authenticatorFilterPattern(),
      filterName: props.filterName,
    });
    // The group must exist and the quota must have been checked; the invoke permission must be in place.
    this.subscriptionFilter.node.addDependency(this.loggingSetup, props.invokePermission);
  }
}
