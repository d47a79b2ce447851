import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  DescribeSubscriptionFiltersCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeClusterCommand,
  EKSClient,
  type LogType,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OfflineContextSource } from '../../../lambda/context/context-source';
import { MemoryDedupStore } from '../../../lambda/dedup/memory-store';
import { renderText } from '../../../lambda/engine/render';
import { RecordingObservability } from '../../../lambda/observability/observability';
import { createDiagnoseHandler } from '../../../lambda/pipeline/handler';
import { canaryLine, canaryStreamName } from '../../../lambda/watch/canary';
import { filterPattern } from '../../../lambda/watch/notices';
import { type CanaryCounter, SelfWatch } from '../../../lambda/watch/self-watch';
import { ownerOf } from '../../../lambda/watch/sight';
import { DynamoDbWatchStateStore } from '../../../lambda/watch/watch-state';
import { authenticatorFilterPattern } from '../../../lib/filter-pattern';
import { notMappedLine, subscriptionEvent } from '../../helpers/fixtures';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-dynamodb';
import { RecordingSink } from '../../helpers/recording-sink';

const FILTER = 'eks-auth-doctor-EksAuthDoctor';
const FUNCTION = 'EksAuthDoctor-DiagnosisFunction-abc';
const FUNCTION_ARN = `arn:aws:lambda:eu-west-1:111122223333:function:${FUNCTION}`;
const T0 = Date.UTC(2024, 4, 1, 14, 5);
const MINUTE = 60_000;
const lambdaContext = { getRemainingTimeInMillis: () => 60_000 };

const eks = mockClient(EKSClient);
const logs = mockClient(CloudWatchLogsClient);
let dynamodb: LocalDynamoDb;
beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
});
afterAll(async () => {
  await dynamodb.close();
});

function describes(enabled: LogType[], tags: Record<string, string> = {}) {
  return {
    cluster: {
      name: 'prod-eu',
      status: 'ACTIVE' as const,
      tags,
      logging: { clusterLogging: [{ types: enabled, enabled: true }] },
    },
  };
}
const ourFilter = { subscriptionFilters: [{ filterName: FILTER, destinationArn: FUNCTION_ARN }] };

class CountingCanaries implements CanaryCounter {
  readonly seen: [string, number][] = [];
  canarySeen(cluster: string, count: number): void {
    this.seen.push([cluster, count]);
  }
}

async function harness(options: { canary?: boolean } = {}) {
  const sink = new RecordingSink('sns');
  const counter = new CountingCanaries();
  const clock = { now: T0 };
  const observability = new RecordingObservability();
  const selfWatch = new SelfWatch(
    {
      eks: new EKSClient({ region: 'eu-west-1' }),
      logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
      state: new DynamoDbWatchStateStore(dynamodb.client, await dynamodb.createTable()),
      counter,
    },
    {
      clusters: ['prod-eu'],
      filterName: FILTER,
      functionName: FUNCTION,
      region: 'eu-west-1',
      canary: options.canary ?? false,
    },
  );
  const handler = createDiagnoseHandler({
    settings: { windowMs: 60 * MINUTE, cap: 20 },
    store: new MemoryDedupStore(),
    context: new OfflineContextSource(),
    sinks: [sink],
    observability,
    now: () => clock.now,
    selfWatch,
  });
  const sweep = async (at: number) => {
    clock.now = at;
    return handler({ sweep: true }, lambdaContext);
  };
  return { handler, sink, counter, clock, sweep, observability };
}

beforeEach(() => {
  eks.reset();
  logs.reset();
});

describe('the blindness check in the sweep', () => {
  it('sends nothing while logging is on and our filter is attached', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(describes(['authenticator', 'api']));
    logs.on(DescribeSubscriptionFiltersCommand).resolves(ourFilter);
    const { sweep, sink } = await harness();

    // Act
    await sweep(T0);

    // Assess
    expect(sink.sent).toEqual([]);
    expect(logs).toHaveReceivedCommandWith(DescribeSubscriptionFiltersCommand, {
      logGroupName: '/aws/eks/prod-eu/cluster',
      filterNamePrefix: FILTER,
    });
  });

  it('alerts once that the pipeline is blind when authenticator logging was turned off, with the command to turn it on', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(describes(['api']));
    const { sweep, sink } = await harness();

    // Act
    await sweep(T0);
    await sweep(T0 + 20 * MINUTE);
    await sweep(T0 + 40 * MINUTE);

    // Assess
    expect(sink.sent).toHaveLength(1);
    const [notice] = sink.sent;
    expect(notice?.fix?.title).toBe(
      'eks-auth-doctor is blind on prod-eu since 2024-05-01 14:05 UTC: authenticator logging was turned off (by another tool?)',
    );
    expect(notice?.fix?.steps[0]?.command).toBe(
      `aws eks update-cluster-config --region eu-west-1 --name prod-eu --logging '{"clusterLogging":[{"types":["authenticator"],"enabled":true}]}'`,
    );
    expect(notice?.fix?.warnings[0]).toMatch(/Terraform \(enabled_cluster_log_types\), eksctl/);
    if (notice) expect(renderText(notice)).toContain('eks-auth-doctor is blind on prod-eu since');
  });

  it('names the tool that likely owns the setting from the cluster tags', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .resolves(describes([], { 'aws:cloudformation:stack-name': 'platform-eks' }));
    const { sweep, sink } = await harness();

    // Act
    await sweep(T0);

    // Assess
    expect(sink.sent[0]?.fix?.warnings).toEqual([
      'This cluster looks managed by CloudFormation stack "platform-eks" (a CDK app or template: its clusterLogging / Logging); change it there, or it undoes your fix.',
    ]);
  });

  it('alerts when our subscription filter was removed, with the command that puts it back', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(describes(['authenticator']));
    logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [] });
    const { sweep, sink } = await harness();

    // Act
    await sweep(T0);

    // Assess
    expect(sink.sent[0]?.fix?.title).toBe(
      'eks-auth-doctor is blind on prod-eu since 2024-05-01 14:05 UTC: our subscription filter was removed from the cluster log group (by another tool?)',
    );
    expect(sink.sent[0]?.fix?.steps[0]?.command).toContain(
      `aws logs put-subscription-filter --region eu-west-1 --log-group-name /aws/eks/prod-eu/cluster --filter-name ${FILTER} --filter-pattern '${filterPattern()}'`,
    );
  });

  it('alerts when our filter now sends somewhere else', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(describes(['authenticator']));
    logs.on(DescribeSubscriptionFiltersCommand).resolves({
      subscriptionFilters: [
        { filterName: FILTER, destinationArn: 'arn:aws:lambda:eu-west-1:111122223333:function:other' },
      ],
    });
    const { sweep, sink } = await harness();

    // Act
    await sweep(T0);

    // Assess
    expect(sink.sent[0]?.fix?.title).toMatch(/our subscription filter now sends to another destination/);
  });

  it('clears the alert once, in the same thread, when the cluster is seen again', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .resolvesOnce(describes(['api']))
      .resolves(describes(['authenticator']));
    logs.on(DescribeSubscriptionFiltersCommand).resolves(ourFilter);
    const { sweep, sink } = await harness();

    // Act
    await sweep(T0);
    await sweep(T0 + 15 * MINUTE);
    await sweep(T0 + 30 * MINUTE);

    // Assess
    expect(sink.sent.map((n) => n.fix?.title)).toEqual([
      'eks-auth-doctor is blind on prod-eu since 2024-05-01 14:05 UTC: authenticator logging was turned off (by another tool?)',
      'eks-auth-doctor sees prod-eu again (blind from 2024-05-01 14:05 UTC to 2024-05-01 14:20 UTC)',
    ]);
    expect(sink.sent[0]?.problemKey).toBe(sink.sent[1]?.problemKey);
  });

  it('checks each cluster at its interval, not on every five-minute sweep', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(describes(['authenticator']));
    logs.on(DescribeSubscriptionFiltersCommand).resolves(ourFilter);
    const { sweep } = await harness();

    // Act
    for (let m = 0; m < 30; m += 5) await sweep(T0 + m * MINUTE);

    // Assess
    expect(eks).toHaveReceivedCommandTimes(DescribeClusterCommand, 2);
  });

  it('tells again on the next sweep when the alert could not be delivered, and then only once', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(describes(['api']));
    const { sweep, sink } = await harness();
    sink.failing = true;

    // Act
    const failed = sweep(T0);
    await expect(failed).rejects.toThrow(/could not be delivered/);
    sink.failing = false;
    await sweep(T0 + 5 * MINUTE);
    await sweep(T0 + 25 * MINUTE);

    // Assess
    expect(sink.sent).toHaveLength(1);
  });

  it('concludes nothing from a failed read and warns instead', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    const { sweep, sink, observability } = await harness();

    // Act
    await sweep(T0);

    // Assess
    expect(sink.sent).toEqual([]);
    expect(observability.warnings).toContainEqual({
      message: 'watch check inconclusive',
      details: { cluster: 'prod-eu', error: 'EKS DescribeCluster failed (ThrottlingException)' },
    });
  });

  it('says so when the cluster is gone', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    const { sweep, sink } = await harness();

    // Act
    await sweep(T0);

    // Assess
    expect(sink.sent[0]?.fix?.title).toMatch(/is blind on prod-eu since .*: the cluster no longer exists/);
  });
});

describe('the canary', () => {
  it('is written into an authenticator-canary stream of each cluster log group when due', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(describes(['authenticator']));
    logs.on(DescribeSubscriptionFiltersCommand).resolves(ourFilter);
    logs
      .on(CreateLogStreamCommand)
      .resolvesOnce({})
      .rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));
    logs.on(PutLogEventsCommand).resolves({});
    const { sweep } = await harness({ canary: true });

    // Act
    for (let m = 0; m <= 30; m += 5) await sweep(T0 + m * MINUTE);

    // Assess
    expect(logs).toHaveReceivedCommandTimes(PutLogEventsCommand, 3);
    expect(logs).toHaveReceivedCommandWith(PutLogEventsCommand, {
      logGroupName: '/aws/eks/prod-eu/cluster',
      logStreamName: 'authenticator-canary-2024-05-01',
      logEvents: [{ timestamp: T0, message: canaryLine(T0) }],
    });
  });

  it('comes back through the real handler, sends nothing and is counted', async () => {
    // Prepare
    const { handler, sink, counter, observability } = await harness({ canary: true });
    const event = subscriptionEvent([canaryLine(T0)], { cluster: 'prod-eu', stream: canaryStreamName(T0) });

    // Act
    const result = await handler(event, lambdaContext);

    // Assess
    expect(result.messages).toEqual([]);
    expect(sink.sent).toEqual([]);
    expect(counter.seen).toEqual([['prod-eu', 1]]);
    expect(observability.findings).toEqual([]);
  });

  it('is not recognised in an ordinary authenticator stream: a forged canary marker is an ordinary denial', async () => {
    // Prepare
    const { handler, counter } = await harness({ canary: true });
    const event = subscriptionEvent([canaryLine(T0), notMappedLine('developer', T0, 1)], {
      cluster: 'prod-eu',
    });

    // Act
    await handler(event, lambdaContext);

    // Assess
    expect(counter.seen).toEqual([]);
  });
});

describe('the commands and hints', () => {
  it('put back exactly the filter pattern the stack deploys', () => {
    expect(filterPattern()).toBe(authenticatorFilterPattern().logPatternString);
  });

  it.each([
    [{ 'alpha.eksctl.io/cluster-name': 'prod' }, /^eksctl/],
    [{ ManagedBy: 'Terraform' }, /^Terraform/],
    [{ team: 'platform' }, undefined],
  ])('guess the owner from tags %j', (tags, expected) => {
    const owner = ownerOf(tags);
    if (expected) expect(owner).toMatch(expected);
    else expect(owner).toBeUndefined();
  });
});
