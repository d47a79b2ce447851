import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { bundledFunctionProps } from './lambda-bundling';
import { acknowledgeWildcardResources } from './nag-findings';
import type { WatchedCluster } from './watched-cluster';

export interface AuthenticatorLoggingProps {
  /** Every watched cluster; the handler's role is scoped to exactly these. */
  readonly clusters: readonly WatchedCluster[];
  /** Retention of cluster log groups this stack has to create, and of its own handler logs. */
  readonly logRetention: logs.RetentionDays;
  /** Turn authenticator logging off on delete where this stack turned it on. */
  readonly restoreLoggingOnDelete: boolean;
  /**
   * A Chatbot channel is configured: the set-up refuses to deploy where AWS Chatbot does not exist.
   * @default false
   */
  readonly chatbotConfigured?: boolean;
}

/** How long the Provider polls; CloudFormation's own custom-resource timeout is an hour. */
const TOTAL_TIMEOUT = Duration.minutes(45);
/** How long a CREATING/UPDATING cluster is waited for: the handler fails with the reason before the Provider times out. */
const WAIT_LIMIT = Duration.minutes(40);

/** The custom resource type name; it shows in stack events next to the cluster it is about. */
export const AUTHENTICATOR_LOGGING_RESOURCE_TYPE = 'Custom::AuthenticatorLogging';

/**
 * Prepares existing clusters for the subscription: turns on their `authenticator` control-plane log
 * (only that type, only if off, waiting for EKS to finish), creates the log group EKS has not created yet,
 * and checks the subscription-filter quota before anything is changed. One Provider; one resource per
 * cluster, so a failure names its cluster and removing a cluster from the config removes only its resource.
 */
export class AuthenticatorLogging extends Construct {
  readonly provider: Provider;
  readonly onEventHandler: lambda.Function;
  readonly isCompleteHandler: lambda.Function;
  readonly logGroup: logs.LogGroup;
  private readonly props: AuthenticatorLoggingProps;

  constructor(scope: Construct, id: string, props: AuthenticatorLoggingProps) {
    super(scope, id);
    this.props = props;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'eks-auth-doctor logging set-up: authenticator logging and log groups of the configured clusters',
    });
    this.logGroup.grantWrite(role);
    this.grantClusterAccess(role);

    const handler = (handlerName: 'onEvent' | 'isComplete', timeout: Duration) =>
      new lambda.Function(this, handlerName === 'onEvent' ? 'OnEventHandler' : 'IsCompleteHandler', {
        ...bundledFunctionProps('authenticator-logging', handlerName),
        description: `eks-auth-doctor: authenticator logging set-up (${handlerName})`,
        timeout,
        role,
        logGroup: this.logGroup,
      });
    this.onEventHandler = handler('onEvent', Duration.minutes(2));
    this.isCompleteHandler = handler('isComplete', Duration.minutes(1));

    // The framework's own functions get roles without AWS managed policies: they only write this log group.
    const frameworkRole = (roleId: string) => {
      const created = new iam.Role(this, roleId, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'eks-auth-doctor logging set-up: CDK Provider framework',
      });
      this.logGroup.grantWrite(created);
      return created;
    };
    const frameworkOnEventRole = frameworkRole('FrameworkOnEventRole');
    const frameworkCompleteAndTimeoutRole = frameworkRole('FrameworkCompleteAndTimeoutRole');

    this.provider = new Provider(this, 'Provider', {
      onEventHandler: this.onEventHandler,
      isCompleteHandler: this.isCompleteHandler,
      frameworkOnEventRole,
      frameworkCompleteAndTimeoutRole,
      // EKS logging updates take minutes; a cluster busy with a version upgrade can take much longer.
      queryInterval: Duration.seconds(30),
      totalTimeout: TOTAL_TIMEOUT,
      logGroup: this.logGroup,
    });
    this.acknowledgeProviderFindings(role, [frameworkOnEventRole, frameworkCompleteAndTimeoutRole]);
  }

  /** The resource that prepares one cluster; our subscription filter must depend on it. */
  forCluster(scope: Construct, cluster: WatchedCluster, subscriptionFilterName: string): CustomResource {
    return new CustomResource(scope, 'AuthenticatorLogging', {
      serviceToken: this.provider.serviceToken,
      resourceType: AUTHENTICATOR_LOGGING_RESOURCE_TYPE,
      properties: {
        ClusterName: cluster.clusterName,
        LogGroupName: cluster.logGroupName,
        LogRetentionDays: String(this.props.logRetention),
        SubscriptionFilterName: subscriptionFilterName,
        ManageLogging: String(cluster.loggingOwner === 'custom-resource'),
        RestoreLoggingOnDelete: String(this.props.restoreLoggingOnDelete),
        ChatbotConfigured: String(this.props.chatbotConfigured ?? false),
        WaitLimitSeconds: String(WAIT_LIMIT.toSeconds()),
      },
      // Deleting the resource never deletes the log group or the cluster's logs (see the handler).
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private grantClusterAccess(role: iam.Role): void {
    const clusters = this.props.clusters;
    const managed = clusters.filter((c) => c.loggingOwner === 'custom-resource');
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeWatchedClusters',
        actions: ['eks:DescribeCluster'],
        resources: clusters.map((c) => c.clusterArn),
      }),
    );
    if (managed.length > 0) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'SwitchAuthenticatorLogging',
          actions: ['eks:UpdateClusterConfig', 'eks:DescribeUpdate'],
          resources: managed.map((c) => c.clusterArn),
        }),
      );
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PrepareClusterLogGroups',
        actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DescribeSubscriptionFilters'],
        resources: clusters.flatMap((c) => [...c.logGroupArns]),
      }),
    );
  }

  /** What cdk-nag finds here: log-group ARNs, and the CDK Provider framework's invoke grants and waiter. */
  private acknowledgeProviderFindings(handlerRole: iam.Role, frameworkRoles: readonly iam.Role[]): void {
    acknowledgeWildcardResources(
      handlerRole,
      this.props.clusters.map((c) => c.logGroupArns[1]),
      'The ":*" form of a log group ARN is how IAM addresses that one log group for CreateLogGroup, ' +
        'PutRetentionPolicy and DescribeSubscriptionFilters; it covers no other group.',
    );
    const versionsOf = (fn: lambda.IFunction) => `${fn.functionArn}:*`;
    const frameworkFunction = (id: string) => this.provider.node.findChild(id) as lambda.IFunction;
    const invokeReason =
      'Granted by the CDK Provider framework (grantInvoke): ":*" covers the versions and aliases of this one function.';
    for (const frameworkRole of frameworkRoles) {
      acknowledgeWildcardResources(
        frameworkRole,
        [versionsOf(this.onEventHandler), versionsOf(this.isCompleteHandler)],
        invokeReason,
      );
    }
    acknowledgeWildcardResources(
      this.provider.node.findChild('waiter-state-machine'),
      [
        versionsOf(frameworkFunction('framework-isComplete')),
        versionsOf(frameworkFunction('framework-onTimeout')),
      ],
      invokeReason,
    );
    Validations.of(this.provider).acknowledge(
      {
        id: 'AwsSolutions-SF1',
        reason:
          'The waiter state machine only re-invokes isComplete; every attempt is logged by the handler in its own log group, ' +
          'and logging the state machine itself needs logs:*LogDelivery on "*".',
      },
      {
        id: 'AwsSolutions-SF2',
        reason:
          'X-Ray tracing of the Provider framework waiter is not configurable and would trace only retries.',
      },
    );
  }
}
