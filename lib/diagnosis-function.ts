import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CANARY_STREAM_PREFIX,
  EnvVar,
  METRICS_NAMESPACE,
  PowertoolsEnvVar,
  SERVICE_NAME,
  SWEEP_INPUT,
  SWEEP_RATE_MINUTES,
  WatchEnvVar,
  WHOLE_NUMBER_SETTINGS,
} from '../lambda/contract';
import { bundledFunctionProps } from './lambda-bundling';
import { acknowledgeWildcardResources } from './nag-findings';
import type { WatchedCluster } from './watched-cluster';

export interface DiagnosisFunctionProps {
  /** The watched clusters; the role can read exactly these, their access entries and their log groups. */
  readonly clusters: readonly WatchedCluster[];
  /** The stack's alert topic: every finding is published to it. */
  readonly topic: sns.ITopic;
  /** The key that encrypts {@link topic}; the role may use it to publish. */
  readonly topicKey: kms.IKey;
  /** Further topics every finding is also published to (e.g. a central security account's); may be empty. */
  readonly extraTopicArns: readonly string[];
  /**
   * Name of an existing Secrets Manager secret holding the Slack webhook URL.
   * @default - no direct Slack delivery
   */
  readonly slackWebhookSecretName?: string;
  /** Flood control's window in minutes (1 to 1440), passed to the function. */
  readonly dedupWindowMinutes: number;
  /** Alerts per cluster and window before the digest (1 to 1000), passed to the function. */
  readonly alertCap: number;
  /**
   * Alerts and follow-ups per window across all clusters (1 to 5000), passed to the function.
   * @default - 5 × alertCap, derived by the function (the variable is left empty)
   */
  readonly accountAlertCap?: number;
  /** Retention of the function's own log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Reserved concurrency of the function.
   * @default - no reservation (accounts whose concurrency quota is still the new-account 10)
   */
  readonly reservedConcurrency?: number;
  /** Our subscription filter's name: the watch checks it is still on every cluster log group. */
  readonly subscriptionFilterName: string;
  /**
   * Write a marked canary line into each cluster log group on a schedule and count it on return.
   * @default false
   */
  readonly canary?: boolean;
  /**
   * The customer-managed KMS key of the Slack webhook secret, when it is not encrypted with the
   * account's `aws/secretsmanager` key: the role may decrypt with it through Secrets Manager only.
   * @default - the secret uses the AWS managed key, which needs no grant
   */
  readonly slackWebhookSecretKeyArn?: string;
  /**
   * The KMS keys of encrypted extra topics: the role may use them to publish. Each key's own policy must
   * also allow this account (for a key in another account).
   * @default - no extra topic is encrypted with a customer-managed key
   */
  readonly extraTopicKeyArns?: readonly string[];
  /**
   * The cluster creator's IAM role or user ARN, passed to the function: every lock-out fix names it.
   * @default - learned from the log, if it shows a `kubernetes-admin` grant
   */
  readonly creatorArn?: string;
}

/**
 * The diagnosis Lambda and the state it owns: one function handles the authenticator log subscription
 * and, every five minutes, the dedup sweep (digests of suppressed findings).
 *
 * Its role can read exactly the configured clusters, their access-entry list and their log groups
 * (filters included, for the watch); publish to the configured topics; use the dedup table; read the one
 * Slack secret; with the canary on, write its streams. Nothing else.
 */
export class DiagnosisFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly dedupTable: dynamodb.Table;
  /** Events that failed after two retries (async invocations' on-failure destination). */
  readonly failedEvents: sqs.Queue;
  readonly sweepRule: events.Rule;

  constructor(scope: Construct, id: string, props: DiagnosisFunctionProps) {
    super(scope, id);

    this.dedupTable = new dynamodb.Table(this, 'DedupTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Only dedup state: losing it means one repeated alert per finding, nothing more.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.failedEvents = new sqs.Queue(this, 'FailedEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedEvents).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter destination: the on-failure destination of the function's asynchronous invocations.",
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'eks-auth-doctor diagnosis function: reads the configured clusters, sends alerts',
    });
    this.grantLeastPrivilege(props);

    this.function = new lambda.Function(this, 'Function', {
      ...bundledFunctionProps('diagnose', 'handler'),
      description: 'eks-auth-doctor: explains EKS authenticator denials and sends the fix',
      timeout: Duration.seconds(60),
      role: this.role,
      logGroup: this.logGroup,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        [EnvVar.TopicArn]: props.topic.topicArn,
        [EnvVar.ExtraTopicArns]: props.extraTopicArns.join(','),
        [EnvVar.DedupTableName]: this.dedupTable.tableName,
        [EnvVar.SlackWebhookSecretName]: props.slackWebhookSecretName ?? '',
        [EnvVar.DedupWindowMinutes]: String(props.dedupWindowMinutes),
        [EnvVar.AlertCap]: String(props.alertCap),
        [EnvVar.AccountAlertCap]: props.accountAlertCap === undefined ? '' : String(props.accountAlertCap),
        [EnvVar.ContextCacheTtlSeconds]: String(WHOLE_NUMBER_SETTINGS.contextCacheTtlSeconds.default),
        [EnvVar.CreatorArn]: props.creatorArn ?? '',
        [PowertoolsEnvVar.ServiceName]: SERVICE_NAME,
        [PowertoolsEnvVar.MetricsNamespace]: METRICS_NAMESPACE,
        [PowertoolsEnvVar.LogLevel]: 'INFO',
        [WatchEnvVar.Clusters]: props.clusters.map((c) => c.clusterName).join(','),
        [WatchEnvVar.SubscriptionFilterName]: props.subscriptionFilterName,
        [WatchEnvVar.Canary]: String(props.canary ?? false),
      },
    });

    this.function.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new destinations.SqsDestination(this.failedEvents),
    });

    this.sweepRule = new events.Rule(this, 'Sweep', {
      description:
        'eks-auth-doctor: sends digests whose dedup window closed, checks every cluster is still watched, writes the canary',
      schedule: events.Schedule.rate(Duration.minutes(SWEEP_RATE_MINUTES)),
      targets: [
        new targets.LambdaFunction(this.function, { event: events.RuleTargetInput.fromObject(SWEEP_INPUT) }),
      ],
    });
  }

  private grantLeastPrivilege(props: DiagnosisFunctionProps): void {
    const add = (sid: string, actions: string[], resources: string[]) =>
      this.role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources }));

    this.logGroup.grantWrite(this.role);
    // DescribeCluster: live context and the watch; ListAccessEntries: live context. Nothing calls
    // DescribeAccessEntry (the entries are listed once per cluster), so it is not granted.
    add(
      'ReadWatchedClusters',
      ['eks:DescribeCluster', 'eks:ListAccessEntries'],
      props.clusters.map((c) => c.clusterArn),
    );
    add(
      'FetchStsResponseLinesAndWatchTheFilter',
      ['logs:FilterLogEvents', 'logs:DescribeSubscriptionFilters'],
      props.clusters.flatMap((c) => [...c.logGroupArns]),
    );
    if (props.canary) {
      const canaryStreams = props.clusters.map(
        (c) => `${c.logGroupArns[0]}:log-stream:${CANARY_STREAM_PREFIX}*`,
      );
      add('WriteTheCanary', ['logs:CreateLogStream', 'logs:PutLogEvents'], canaryStreams);
      acknowledgeWildcardResources(
        this.role,
        canaryStreams,
        `The canary writes one stream a day (${CANARY_STREAM_PREFIX}<date>), so the stream name ends in "*"; the ARN is limited to those streams of one configured cluster log group.`,
      );
    }
    add(
      'UseDedupTable',
      [
        'dynamodb:GetItem',
        // Flood control reads a batch's windows ahead, 100 per call.
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
      ],
      [this.dedupTable.tableArn],
    );
    add('PublishAlerts', ['sns:Publish'], [props.topic.topicArn, ...props.extraTopicArns]);
    add('EncryptForAlertTopic', ['kms:Decrypt', 'kms:GenerateDataKey'], [props.topicKey.keyArn]);
    if (props.extraTopicKeyArns && props.extraTopicKeyArns.length > 0) {
      add('EncryptForExtraTopics', ['kms:Decrypt', 'kms:GenerateDataKey'], [...props.extraTopicKeyArns]);
    }
    if (props.slackWebhookSecretName) {
      const secret = secretsmanager.Secret.fromSecretNameV2(
        this,
        'SlackWebhook',
        props.slackWebhookSecretName,
      );
      const secretArn = `${secret.secretArn}-??????`;
      add('ReadSlackWebhook', ['secretsmanager:GetSecretValue'], [secretArn]);
      acknowledgeWildcardResources(
        this.role,
        [secretArn],
        'Secrets Manager appends "-" and six random characters to every secret ARN; "-??????" matches exactly the one named secret.',
      );
      if (props.slackWebhookSecretKeyArn) {
        // Decrypt only as Secrets Manager's caller, as the Secrets Manager guide's key policy example does.
        this.role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'DecryptSlackWebhookSecret',
            actions: ['kms:Decrypt'],
            resources: [props.slackWebhookSecretKeyArn],
            conditions: {
              StringEquals: {
                'kms:ViaService': `secretsmanager.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`,
              },
            },
          }),
        );
      }
    }
    acknowledgeWildcardResources(
      this.role,
      props.clusters.map((c) => c.logGroupArns[1]),
      'The ":*" form of a log group ARN is how IAM addresses that one log group (and its streams) for FilterLogEvents and DescribeSubscriptionFilters; ' +
        'it covers no other group.',
    );
  }
}
