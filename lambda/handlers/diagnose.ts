import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient } from '@aws-sdk/client-eks';
import { SNSClient } from '@aws-sdk/client-sns';
import { LOOKUP_CLIENT_OPTIONS, SDK_CLIENT_DEFAULTS } from '../common/sdk-clients';
import { LiveContextSource } from '../context/context-source';
import { EksLookup } from '../context/eks-lookup';
import { LogHistoryLookup } from '../context/log-history';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../contract';
import { DynamoDbDedupStore } from '../dedup/dynamodb-store';
import type { Sink } from '../delivery/sink';
import { SlackSink } from '../delivery/slack';
import { SnsSink, snsClientsByRegion, snsPublisher } from '../delivery/sns';
import { slackWebhookUrlFromSecret } from '../delivery/webhook-secret';
import { PowertoolsObservability } from '../observability/observability';
import { loadConfig } from '../pipeline/config';
import { createDiagnoseHandler } from '../pipeline/handler';
import { DynamoDbWatchStateStore, loadWatchSettings, PowertoolsCanaryCounter, SelfWatch } from '../watch';

// Wiring only; the logic lives in the modules above. Everything here is built once per execution
// environment: a bad setting fails the init phase with a message naming the variable, and the SDK
// clients, context cache and Powertools instances are deliberate per-environment caches.
const config = loadConfig(process.env);

const logger = new Logger({ serviceName: SERVICE_NAME });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
const snsIn = snsClientsByRegion(
  (region) => new SNSClient(region ? { ...SDK_CLIENT_DEFAULTS, region } : SDK_CLIENT_DEFAULTS),
);
const dynamodb = new DynamoDBClient(SDK_CLIENT_DEFAULTS);
const logsClient = new CloudWatchLogsClient(LOOKUP_CLIENT_OPTIONS);
const context = new LiveContextSource(
  new EksLookup(new EKSClient(LOOKUP_CLIENT_OPTIONS)),
  new LogHistoryLookup(logsClient),
  config.contextCacheTtlSeconds * 1000,
);

// The alert topic's subscribers are people (per-protocol bodies); extra topics' are programs (attributes).
const sinks: Sink[] = [
  new SnsSink(snsPublisher(snsIn(config.topicArn)), config.topicArn, 'per-protocol'),
  ...config.extraTopicArns.map((arn) => new SnsSink(snsPublisher(snsIn(arn)), arn, 'attributes')),
];
const watchSettings = loadWatchSettings(process.env);
const selfWatch =
  watchSettings &&
  new SelfWatch(
    {
      eks: new EKSClient(LOOKUP_CLIENT_OPTIONS),
      logs: logsClient,
      state: new DynamoDbWatchStateStore(dynamodb, config.dedupTableName),
      counter: new PowertoolsCanaryCounter(metrics),
    },
    watchSettings,
  );
const secretName = config.slackWebhookSecretName;
if (secretName !== undefined) sinks.push(new SlackSink(() => slackWebhookUrlFromSecret(secretName, 300)));

export const handler = createDiagnoseHandler({
  settings: {
    windowMs: config.dedupWindowMinutes * 60_000,
    cap: config.alertCap,
    ...(config.accountAlertCap === undefined ? {} : { accountCap: config.accountAlertCap }),
  },
  store: new DynamoDbDedupStore(dynamodb, config.dedupTableName),
  context,
  sinks,
  observability: new PowertoolsObservability(logger, metrics),
  now: Date.now,
  ...(config.creatorArn ? { creatorArn: config.creatorArn } : {}),
  ...(selfWatch ? { selfWatch } : {}),
});
