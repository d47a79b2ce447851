import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { IAM_ROLE_OR_USER_ARN, WHOLE_NUMBER_SETTINGS } from '../lambda/contract';
import { AlertTopic, type ChatbotChannel } from './alert-topic';
import { AuthenticatorLogging } from './authenticator-logging';
import { addAuthenticatorLogging } from './cluster-construct-logging';
import { ClusterSubscription } from './cluster-subscription';
import { closestKey, noSinkProblem } from './config/key-suggestions';
import { DiagnosisFunction } from './diagnosis-function';
import { OperationsAlarms } from './operations-alarms';
import { OperationsDashboard } from './operations-dashboard';
import { SavedQueries } from './saved-queries';
import { type AuthDoctorCluster, literalName, type WatchedCluster, watchedCluster } from './watched-cluster';

export interface AuthDoctorProps {
  /**
   * The clusters to watch: names of existing clusters in this stack's region, and/or cluster constructs
   * of the same app (`aws-eks` or `aws-eks-v2`). For a cluster defined in the app, `authenticator` is added
   * to its own `clusterLogging`; for the others, a custom resource turns it on.
   */
  readonly clusters: readonly AuthDoctorCluster[];
  /**
   * Email addresses subscribed to the alert topic (each must confirm the subscription mail).
   * @default - none
   */
  readonly alertEmails?: readonly string[];
  /**
   * Name of an existing Secrets Manager secret whose value is a Slack incoming-webhook URL.
   * @default - no direct Slack delivery
   */
  readonly slackWebhookSecretName?: string;
  /**
   * A Slack channel authorised in AWS Chatbot, subscribed to the alert topic.
   * @default - none
   */
  readonly chatbot?: ChatbotChannel;
  /**
   * How long, in minutes, a repeated finding (same cluster, category, principal) stays suppressed after
   * its alert; also the window of `alertCap`. The function accepts 1 to 1440 and refuses anything else at
   * cold start.
   * @default 60
   */
  readonly dedupWindowMinutes?: number;
  /**
   * Most alerts per cluster and dedup window; findings beyond it go into the digest. The function accepts
   * 1 to 1000 and refuses anything else at cold start.
   * @default 20
   */
  readonly alertCap?: number;
  /**
   * Most alerts and follow-ups per dedup window across all clusters of the account (one stack serves
   * one account and region); past it, new problems of any cluster go into one combined account digest.
   * The function accepts 1 to 5000 and refuses anything else at cold start.
   * @default 5 × alertCap
   */
  readonly accountAlertCap?: number;
  /**
   * Retention of the stack's own log groups, and of cluster log groups this stack has to create.
   * Existing cluster log groups keep theirs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Reserved concurrency of the diagnosis function; `null` or unset reserves none. Opt in only where the
   * account's concurrency quota leaves room: Lambda keeps 100 (the default `UnreservedConcurrentExecution`
   * minimum) unreserved, so on an account still at a low quota (10 on some new accounts) any
   * reservation fails the deployment.
   * @default - none
   */
  readonly reservedConcurrency?: number | null;
  /**
   * The customer-managed KMS key (ARN) of the Slack webhook secret, if it is not encrypted with the
   * AWS managed `aws/secretsmanager` key; the function may decrypt with it through Secrets Manager only.
   * @default - the secret uses the AWS managed key
   */
  readonly slackWebhookSecretKeyArn?: string;
  /**
   * KMS keys (ARNs) of extra topics encrypted with a customer-managed key: the function may use them to
   * publish. A key in another account must also allow this account in its own policy. Extra topics in
   * other regions need nothing here: each is published to in its own region.
   * @default - none
   */
  readonly extraTopicKeyArns?: readonly string[];
  /**
   * The IAM role or user ARN that created the clusters (for an EKS cluster, the principal that still has
   * admin access outside the access entries and aws-auth). Every lock-out alert names it and the
   * command to act as it. One ARN for every cluster of the construct.
   * @default - learned from a `kubernetes-admin` grant in the log (CONFIG_MAP clusters), otherwise the
   *   alert gives the CloudTrail query that finds it
   */
  readonly creatorArn?: string;
  /**
   * The end-to-end canary: every 15 minutes the sweep writes one marked synthetic denial into an
   * `authenticator-canary-<date>` stream of each cluster log group; the function recognises it, sends
   * nothing and counts it, and an alarm per cluster fires when none came back for two periods.
   * @default false
   */
  readonly canary?: boolean;
  /**
   * On delete, turn `authenticator` logging off again on the clusters where this stack turned it on.
   * @default false
   */
  readonly restoreLoggingOnDelete?: boolean;
  /**
   * Further SNS topics every finding is published to (e.g. a central security account's topic, whose
   * policy must allow this account to publish).
   * @default - none
   */
  readonly extraTopicArns?: readonly string[];
  /**
   * Name of our subscription filter on each cluster log group. Keep it stable: a new name needs a second
   * filter slot during the update, and log groups only have two.
   * @default `eks-auth-doctor-<stack name>`
   */
  readonly subscriptionFilterName?: string;
  /**
   * Deploy even though no sink is given (no `alertEmails`, `slackWebhookSecretName`, `chatbot` or
   * `extraTopicArns`): alerts then reach nobody but subscribers you add to `alerts.topic` yourself.
   * Without it such props are refused, because a pipeline that alerts nobody is usually a mistake.
   * @default false
   */
  readonly allowNoSinks?: boolean;
}

/** Every prop name, for the "did you mean" of a misspelt one (JavaScript callers get no type check). */
/** Every prop once; a `Record` over the props' keys, so one added to the interface but not here does not compile. */
const KNOWN_PROPS: Readonly<Record<keyof AuthDoctorProps, true>> = {
  clusters: true,
  alertEmails: true,
  slackWebhookSecretName: true,
  slackWebhookSecretKeyArn: true,
  chatbot: true,
  dedupWindowMinutes: true,
  alertCap: true,
  accountAlertCap: true,
  logRetention: true,
  reservedConcurrency: true,
  restoreLoggingOnDelete: true,
  extraTopicArns: true,
  extraTopicKeyArns: true,
  creatorArn: true,
  subscriptionFilterName: true,
  canary: true,
  allowNoSinks: true,
};
const PROP_NAMES = Object.keys(KNOWN_PROPS) as readonly (keyof AuthDoctorProps)[];

/** The invalid construct input; the message names the prop and what to pass instead. */
export class AuthDoctorPropsError extends Error {
  override readonly name = 'AuthDoctorPropsError';
}

/** The value of each optional prop when it is not given; the numbers come from the shared contract. */
export const DEFAULTS = {
  dedupWindowMinutes: WHOLE_NUMBER_SETTINGS.dedupWindowMinutes.default,
  alertCap: WHOLE_NUMBER_SETTINGS.alertCap.default,
  logRetention: logs.RetentionDays.ONE_MONTH,
  reservedConcurrency: null,
  restoreLoggingOnDelete: false,
  canary: false,
} as const;

/**
 * eks-auth-doctor in one construct: every `Unauthorized` that reaches the EKS authenticator of a watched
 * cluster is classified by a Lambda and sent, with its fix, to the alert topic (email, AWS Chatbot, further
 * topics) and optionally straight to Slack.
 *
 * @example
 * new AuthDoctor(this, 'AuthDoctor', {
 *   clusters: ['prod-eks', myV2Cluster],
 *   alertEmails: ['platform-oncall@example.com'],
 * });
 */
export class AuthDoctor extends Construct {
  readonly alerts: AlertTopic;
  readonly diagnosis: DiagnosisFunction;
  readonly logging: AuthenticatorLogging;
  readonly clusters: readonly WatchedCluster[];
  readonly subscriptions: readonly ClusterSubscription[];
  readonly alarms: OperationsAlarms;
  readonly dashboard: OperationsDashboard;
  readonly savedQueries: SavedQueries;

  constructor(scope: Construct, id: string, props: AuthDoctorProps) {
    super(scope, id);
    checkProps(props);
    const stack = Stack.of(this);
    this.clusters = watchedClusters(this, props.clusters);
    const logRetention = props.logRetention ?? DEFAULTS.logRetention;
    const filterName = props.subscriptionFilterName ?? `eks-auth-doctor-${stack.stackName}`;

    for (const cluster of this.clusters) {
      if (cluster.definedCluster) addAuthenticatorLogging(cluster.definedCluster);
    }

    this.alerts = new AlertTopic(this, 'Alerts', {
      ...(props.alertEmails ? { alertEmails: props.alertEmails } : {}),
      ...(props.chatbot ? { chatbot: props.chatbot } : {}),
    });

    this.diagnosis = new DiagnosisFunction(this, 'Diagnosis', {
      clusters: this.clusters,
      topic: this.alerts.topic,
      topicKey: this.alerts.key,
      extraTopicArns: props.extraTopicArns ?? [],
      ...(props.slackWebhookSecretName ? { slackWebhookSecretName: props.slackWebhookSecretName } : {}),
      dedupWindowMinutes: props.dedupWindowMinutes ?? DEFAULTS.dedupWindowMinutes,
      alertCap: props.alertCap ?? DEFAULTS.alertCap,
      ...(props.accountAlertCap === undefined ? {} : { accountAlertCap: props.accountAlertCap }),
      logRetention,
      ...(typeof props.reservedConcurrency === 'number'
        ? { reservedConcurrency: props.reservedConcurrency }
        : {}),
      subscriptionFilterName: filterName,
      canary: props.canary ?? DEFAULTS.canary,
      ...(props.slackWebhookSecretKeyArn ? { slackWebhookSecretKeyArn: props.slackWebhookSecretKeyArn } : {}),
      ...(props.extraTopicKeyArns ? { extraTopicKeyArns: props.extraTopicKeyArns } : {}),
      ...(props.creatorArn ? { creatorArn: props.creatorArn } : {}),
    });

    // One statement for every EKS log group of this account and region (see ClusterSubscription).
    this.diagnosis.function.addPermission('InvokeFromEksLogGroups', {
      principal: new iam.ServicePrincipal('logs.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: stack.account,
      sourceArn: stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: '/aws/eks/*',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    });
    const invokePermission = this.diagnosis.function.permissionsNode.findChild('InvokeFromEksLogGroups');

    this.logging = new AuthenticatorLogging(this, 'AuthenticatorLogging', {
      clusters: this.clusters,
      logRetention,
      restoreLoggingOnDelete: props.restoreLoggingOnDelete ?? DEFAULTS.restoreLoggingOnDelete,
      chatbotConfigured: props.chatbot !== undefined,
    });

    this.subscriptions = this.clusters.map(
      (cluster) =>
        new ClusterSubscription(this, `Cluster-${cluster.id}`, {
          cluster,
          logging: this.logging,
          destination: this.diagnosis.function,
          invokePermission,
          filterName,
        }),
    );

    this.alarms = new OperationsAlarms(this, 'Alarms', {
      function: this.diagnosis.function,
      failedEvents: this.diagnosis.failedEvents,
      topic: this.alerts.topic,
      canaryClusters: (props.canary ?? DEFAULTS.canary) ? this.clusters : [],
    });

    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      clusters: this.clusters,
      function: this.diagnosis.function,
      functionLogGroup: this.diagnosis.logGroup,
      failedEvents: this.diagnosis.failedEvents,
      alarms: this.alarms.all,
    });

    this.savedQueries = new SavedQueries(this, 'SavedQueries', {
      clusterLogGroups: this.subscriptions.map((s) => s.clusterLogGroup),
      clusterLogGroupsReady: this.subscriptions.map((s) => s.loggingSetup),
      functionLogGroup: this.diagnosis.logGroup,
    });
  }
}

/** The props' names and sinks; the values are checked where they are used. */
function checkProps(props: AuthDoctorProps): void {
  for (const key of Object.keys(props)) {
    if ((PROP_NAMES as readonly string[]).includes(key)) continue;
    const suggestion = closestKey(key, PROP_NAMES);
    throw new AuthDoctorPropsError(
      `AuthDoctor has no prop "${key}"${suggestion ? `; did you mean "${suggestion}"?` : '.'} The props are: ${PROP_NAMES.join(', ')}.`,
    );
  }
  const problem = props.allowNoSinks ? undefined : noSinkProblem(props, 'allowNoSinks: true');
  if (problem) throw new AuthDoctorPropsError(`AuthDoctor: ${problem}`);
  const creator = props.creatorArn;
  if (creator !== undefined && !Token.isUnresolved(creator) && !IAM_ROLE_OR_USER_ARN.test(creator)) {
    throw new AuthDoctorPropsError(
      `AuthDoctor: creatorArn "${creator}" is not an IAM role or user ARN, e.g. creatorArn: 'arn:aws:iam::111122223333:role/cluster-admin' (an assumed-role ARN names its role instead).`,
    );
  }
}

function watchedClusters(scope: Construct, clusters: readonly AuthDoctorCluster[]): WatchedCluster[] {
  if (clusters.length === 0) {
    throw new AuthDoctorPropsError(
      'AuthDoctor needs at least one cluster in "clusters", e.g. clusters: [\'prod-eks\'].',
    );
  }
  const watched = clusters.map((cluster) => watchedCluster(scope, cluster));
  const seen = new Set<string>();
  for (const cluster of watched) {
    const key = literalName(cluster) ?? cluster.id;
    if (seen.has(key)) {
      throw new AuthDoctorPropsError(
        `AuthDoctor got cluster "${key}" twice in "clusters"; list each cluster once (by name or by construct).`,
      );
    }
    seen.add(key);
  }
  return watched;
}
