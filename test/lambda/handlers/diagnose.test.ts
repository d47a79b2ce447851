import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EnvironmentError } from '../../../lambda/pipeline/config';
import { ACCOUNT, notMappedLine, subscriptionEvent, T0 } from '../../helpers/fixtures';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-dynamodb';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor';
const CHATBOT_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor-chatbot';

let dynamodb: LocalDynamoDb;
let table: string;
const saved = { ...process.env };
const sns = mockClient(SNSClient);
const eks = mockClient(EKSClient);
const logs = mockClient(CloudWatchLogsClient);

beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
  table = await dynamodb.createTable();
});
afterAll(async () => {
  await dynamodb.close();
});
afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
  sns.reset();
  eks.reset();
  logs.reset();
});

/** The environment the stack sets, with DynamoDB pointed at dynalite through the SDK's own endpoint variable. */
function deployedEnvironment(): void {
  Object.assign(process.env, {
    TOPIC_ARN: TOPIC,
    EXTRA_TOPIC_ARNS: CHATBOT_TOPIC,
    DEDUP_TABLE_NAME: table,
    SLACK_WEBHOOK_SECRET_NAME: '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    POWERTOOLS_SERVICE_NAME: 'eks-auth-doctor',
    POWERTOOLS_METRICS_NAMESPACE: 'EksAuthDoctor',
    POWERTOOLS_DEV: 'true',
  });
}

describe('the deployed handler module', () => {
  it('fails at cold start with a message naming a missing variable', async () => {
    // Prepare
    deployedEnvironment();
    delete process.env.TOPIC_ARN;

    // Act
    const load = import('../../../lambda/handlers/diagnose');

    // Assess
    await expect(load).rejects.toThrow(EnvironmentError);
    await expect(load).rejects.toThrow(/TOPIC_ARN is not set/);
  });

  it('diagnoses a subscription event end to end and publishes to every topic', async () => {
    // Prepare
    deployedEnvironment();
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: 'prod',
        arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`,
        accessConfig: { authenticationMode: 'CONFIG_MAP' },
      },
    });
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    const { handler } = await import('../../../lambda/handlers/diagnose');
    const event = subscriptionEvent([
      notMappedLine('developer', T0, 1),
      notMappedLine('developer', T0 + 1, 2),
    ]);

    // Act
    const result = await handler(event, { getRemainingTimeInMillis: () => 60_000 });
    const again = await handler(subscriptionEvent([notMappedLine('developer', T0 + 2, 3)]), {
      getRemainingTimeInMillis: () => 60_000,
    });

    // Assess
    expect(result.kind).toBe('subscription');
    expect(again.messages).toEqual([]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC, MessageStructure: 'json' });
    // An extra topic gets a String message, so its attributes are delivered (SNS guide).
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: CHATBOT_TOPIC,
      MessageAttributes: expect.objectContaining({
        category: { DataType: 'String', StringValue: 'IDENTITY_NOT_MAPPED' },
      }),
    });
  });
});
