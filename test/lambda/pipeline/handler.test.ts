import { gzipSync } from 'node:zlib';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeClusterCommand, EKSClient, ListAccessEntriesCommand } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LiveContextSource, OfflineContextSource } from '../../../lambda/context/context-source';
import { EksLookup } from '../../../lambda/context/eks-lookup';
import { LogHistoryLookup } from '../../../lambda/context/log-history';
import { DynamoDbDedupStore } from '../../../lambda/dedup/dynamodb-store';
import { MemoryDedupStore } from '../../../lambda/dedup/memory-store';
import type { DedupStore } from '../../../lambda/dedup/store';
import { DeliveryError } from '../../../lambda/delivery/sink';
import { selftestLine } from '../../../lambda/engine/diagnose/selftest';
import { RecordingObservability } from '../../../lambda/observability/observability';
import type { PipelineDeps } from '../../../lambda/pipeline/deps';
import { createDiagnoseHandler } from '../../../lambda/pipeline/handler';
import {
  ACCOUNT,
  notMappedLine,
  stsResponseLine,
  subscriptionEvent,
  T0,
  tokenNotAwsLine,
} from '../../helpers/fixtures';
import { type LocalDynamoDb, startLocalDynamoDb, unreachableDynamoDb } from '../../helpers/local-dynamodb';
import { RecordingSink } from '../../helpers/recording-sink';

const WINDOW = 60 * 60_000;
const lambdaContext = { getRemainingTimeInMillis: () => 60_000 };

let dynamodb: LocalDynamoDb;
beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
});
afterAll(async () => {
  await dynamodb.close();
});

const eks = mockClient(EKSClient);
const logs = mockClient(CloudWatchLogsClient);
beforeEach(() => {
  eks.reset();
  logs.reset();
  logs.on(FilterLogEventsCommand).resolves({ events: [] });
});
afterEach(() => {
  eks.reset();
  logs.reset();
});

interface Harness {
  readonly handler: ReturnType<typeof createDiagnoseHandler>;
  readonly sns: RecordingSink;
  readonly slack: RecordingSink;
  readonly observability: RecordingObservability;
  readonly clock: { now: number };
}

async function harness(overrides: Partial<PipelineDeps> = {}): Promise<Harness> {
  const sns = new RecordingSink('sns');
  const slack = new RecordingSink('slack');
  const observability = new RecordingObservability();
  const clock = { now: T0 };
  const store: DedupStore = new DynamoDbDedupStore(dynamodb.client, await dynamodb.createTable());
  const handler = createDiagnoseHandler({
    settings: { windowMs: WINDOW, cap: 20 },
    store,
    context: new OfflineContextSource(),
    sinks: [sns, slack],
    observability,
    now: () => clock.now,
    ...overrides,
  });
  return { handler, sns, slack, observability, clock };
}

function liveContext(): LiveContextSource {
  return new LiveContextSource(
    new EksLookup(new EKSClient({ region: 'eu-west-1' }), 500),
    new LogHistoryLookup(new CloudWatchLogsClient({ region: 'eu-west-1' }), 500),
    300_000,
  );
}

describe('a denial storm', () => {
  it('sends exactly one alert for 10,000 identical denials across 20 concurrent invocations, and one follow-up for the rest', async () => {
    // Prepare
    const h = await harness();
    const events = Array.from({ length: 20 }, (_, batch) =>
      subscriptionEvent(
        Array.from({ length: 500 }, (_, i) => notMappedLine('developer', T0 + batch * 1000 + i, 30000 + i)),
        { at: T0 + batch * 1000 },
      ),
    );

    // Act
    await Promise.all(events.map((event) => h.handler(event, lambdaContext)));
    h.clock.now = T0 + WINDOW + 60_000;
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    const alerts = h.sns.ofKind('alert');
    const followups = h.sns.ofKind('followup');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.finding?.principal?.arn).toBe(`arn:aws:iam::${ACCOUNT}:role/developer`);
    expect(followups).toHaveLength(1);
    expect((alerts[0]?.count ?? 0) + (followups[0]?.count ?? 0)).toBe(10_000);
    expect(h.slack.sent).toHaveLength(2);
  });

  it('sends the cap of alerts and one digest for 500 distinct principals', async () => {
    // Prepare
    const h = await harness();
    const events = Array.from({ length: 5 }, (_, batch) =>
      subscriptionEvent(
        Array.from({ length: 100 }, (_, i) =>
          notMappedLine(`prober-${batch * 100 + i}`, T0 + i, 40000 + i, '999988887777'),
        ),
      ),
    );

    // Act
    for (const event of events) await h.handler(event, lambdaContext);
    h.clock.now = T0 + 2 * WINDOW;
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    const alerts = h.sns.ofKind('alert');
    const digests = h.sns.ofKind('digest');
    expect(alerts).toHaveLength(20);
    expect(digests).toHaveLength(1);
    expect(digests[0]?.distinctPrincipals).toBe(500 - alerts.length);
    expect(alerts.reduce((sum, n) => sum + n.count, 0) + (digests[0]?.count ?? 0)).toBe(500);
  });
});

describe('the scheduled sweep', () => {
  it('sends what is due even when the function has little time left', async () => {
    // Prepare
    const h = await harness();
    await h.handler(
      subscriptionEvent([notMappedLine('developer', T0, 1), notMappedLine('developer', T0, 2)]),
    );
    await h.handler(subscriptionEvent([notMappedLine('developer', T0 + 9, 3)], { at: T0 + 9 }));
    h.clock.now = T0 + WINDOW + 1;

    // Act
    const result = await h.handler({ sweep: true }, { getRemainingTimeInMillis: () => 5_000 });

    // Assess
    expect(result.kind).toBe('sweep');
    expect(h.sns.ofKind('followup').map((n) => n.count)).toEqual([1]);
  });

  it('sends nothing when nothing is due', async () => {
    // Prepare
    const h = await harness();
    await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]));

    // Act
    const result = await h.handler({ sweep: true }, lambdaContext);

    // Assess
    expect(result.messages).toEqual([]);
    expect(h.sns.ofKind('followup')).toEqual([]);
  });
});

describe('bad input', () => {
  const malformed: [string, unknown][] = [
    ['data that is not base64', { awslogs: { data: '%%% not base64 %%%' } }],
    ['data that is not gzip', { awslogs: { data: Buffer.from('plain text, not gzip').toString('base64') } }],
    [
      'truncated gzip',
      {
        awslogs: {
          data: gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE' }))
            .subarray(0, 20)
            .toString('base64'),
        },
      },
    ],
    [
      'JSON of the wrong shape',
      { awslogs: { data: gzipSync(JSON.stringify({ hello: 'world' })).toString('base64') } },
    ],
    ['JSON that is not an object', { awslogs: { data: gzipSync('[1,2,3]').toString('base64') } }],
    ['an event that is neither a subscription nor a sweep', { detail: 'something else' }],
  ];

  it.each(malformed)('logs and counts %s without throwing or sending', async (_name, event) => {
    // Prepare
    const h = await harness();

    // Act
    const result = await h.handler(event, lambdaContext);

    // Assess
    expect(result.messages).toEqual([]);
    expect(h.observability.totals.malformed).toBe(1);
    expect(h.observability.malformedReasons).toHaveLength(1);
    expect(h.sns.sent).toEqual([]);
  });

  it('skips and counts 1 MB of garbage lines', async () => {
    // Prepare
    const h = await harness();
    const garbage = Array.from({ length: 4000 }, (_, i) => `\u0000garbage ${i} ${'x'.repeat(240)} msg`);

    // Act
    const result = await h.handler(subscriptionEvent(garbage), lambdaContext);

    // Assess
    expect(result.messages).toEqual([]);
    expect(h.observability.totals.malformed).toBe(4000);
  });

  it('ignores CloudWatch Logs control messages and streams other than the authenticator', async () => {
    // Prepare
    const h = await harness();
    const control = gzipSync(
      JSON.stringify({
        messageType: 'CONTROL_MESSAGE',
        owner: 'CloudwatchLogs',
        logGroup: '',
        logStream: '',
        logEvents: [],
      }),
    ).toString('base64');

    // Act
    await h.handler({ awslogs: { data: control } }, lambdaContext);
    await h.handler(
      subscriptionEvent([notMappedLine('developer', T0, 1)], { stream: 'kube-apiserver-audit-abc' }),
    );

    // Assess
    expect(h.sns.sent).toEqual([]);
    expect(h.observability.totals.malformed).toBe(0);
  });
});

describe('delivery failures', () => {
  it('fails the invocation when a sink gives up, after delivering to the others', async () => {
    // Prepare
    const h = await harness();
    h.slack.failing = true;

    // Act
    const run = h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);

    // Assess
    await expect(run).rejects.toThrow(DeliveryError);
    expect(h.sns.ofKind('alert')).toHaveLength(1);
    expect(h.observability.deliveryFailures.map((f) => f.sink)).toEqual(['slack']);
  });

  it('re-sends on retry only what did not go out, and counts nothing twice', async () => {
    // Prepare
    const h = await harness();
    const event = subscriptionEvent([
      notMappedLine('developer', T0, 1),
      notMappedLine('developer', T0 + 1, 2),
    ]);
    h.slack.failing = true;
    await expect(h.handler(event, lambdaContext)).rejects.toThrow(DeliveryError);
    h.slack.failing = false;

    // Act: Lambda's async retry delivers the same event again
    await h.handler(event, lambdaContext);
    h.clock.now = T0 + 2 * WINDOW;
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    expect(h.sns.ofKind('alert')).toHaveLength(1);
    expect(h.slack.ofKind('alert')).toHaveLength(1);
    expect(h.sns.ofKind('followup')).toEqual([]);
  });

  it('keeps a due follow-up for the next sweep when its delivery fails', async () => {
    // Prepare
    const h = await harness();
    await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);
    await h.handler(
      subscriptionEvent([notMappedLine('developer', T0 + 5, 2)], { at: T0 + 5 }),
      lambdaContext,
    );
    h.clock.now = T0 + WINDOW + 1;
    h.sns.failing = true;
    await expect(h.handler({ sweep: true }, lambdaContext)).rejects.toThrow(DeliveryError);
    h.sns.failing = false;

    // Act
    await h.handler({ sweep: true }, lambdaContext);

    // Assess: SNS gets it now; Slack, which had it already, does not get it twice
    expect(h.sns.ofKind('followup')).toHaveLength(1);
    expect(h.slack.ofKind('followup')).toHaveLength(1);
  });
});

describe('degraded dependencies', () => {
  it('fails open when DynamoDB cannot be reached: the alert goes out marked as possibly a duplicate', async () => {
    // Prepare
    const unreachable = unreachableDynamoDb();
    const h = await harness({ store: new DynamoDbDedupStore(unreachable, 'dedup') });

    // Act
    await h.handler(
      subscriptionEvent([notMappedLine('developer', T0, 1), tokenNotAwsLine(T0, 2)]),
      lambdaContext,
    );

    // Assess
    const alerts = h.sns.ofKind('alert');
    expect(alerts).toHaveLength(2);
    for (const alert of alerts) expect(alert.notes.join(' ')).toMatch(/possibly a duplicate/i);
    expect(h.observability.warnings.some((w) => w.message.includes('dedup unavailable'))).toBe(true);
  });

  it('keeps the cap without DynamoDB: past it, one digest per invocation', async () => {
    // Prepare
    const unreachable = unreachableDynamoDb();
    const h = await harness({
      store: new DynamoDbDedupStore(unreachable, 'dedup'),
      settings: { windowMs: WINDOW, cap: 3 },
    });
    const lines = Array.from({ length: 10 }, (_, i) => notMappedLine(`p${i}`, T0, i));

    // Act
    await h.handler(subscriptionEvent(lines), lambdaContext);

    // Assess
    expect(h.sns.ofKind('alert')).toHaveLength(3);
    expect(h.sns.ofKind('digest').map((d) => d.count)).toEqual([7]);
  });

  it('sends the context-free fix and says why when EKS denies the lookup', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const h = await harness({ context: liveContext() });

    // Act
    await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);

    // Assess
    const alert = h.sns.ofKind('alert')[0];
    expect(alert?.fix?.warnings.join(' ')).toContain('AccessDeniedException');
    expect(h.observability.warnings.some((w) => w.message === 'context unavailable')).toBe(true);
  });

  it('sends the context-free fix when EKS is throttled', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const h = await harness({ context: liveContext() });

    // Act
    await h.handler(subscriptionEvent([tokenNotAwsLine(T0, 1)]), lambdaContext);

    // Assess
    expect(h.sns.ofKind('alert')[0]?.fix?.warnings.join(' ')).toContain('ThrottlingException');
  });
});

describe('live context', () => {
  function cluster(mode: 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP') {
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: 'prod',
        arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`,
        accessConfig: { authenticationMode: mode, bootstrapClusterCreatorAdminPermissions: true },
      },
    });
  }

  it('calls a principal with an access entry that is still denied a deleted-and-recreated principal', async () => {
    // Prepare
    cluster('API');
    eks
      .on(ListAccessEntriesCommand)
      .resolves({ accessEntries: [`arn:aws:iam::${ACCOUNT}:role/teams/developer`] });
    const h = await harness({ context: liveContext() });

    // Act
    await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);

    // Assess
    expect(h.sns.ofKind('alert')[0]?.finding?.subCause).toBe('ACCESS_ENTRY_STALE_PRINCIPAL');
  });

  it('calls out a principal from another account as external', async () => {
    // Prepare
    cluster('API_AND_CONFIG_MAP');
    eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
    const h = await harness({ context: liveContext() });

    // Act
    await h.handler(subscriptionEvent([notMappedLine('ci-deployer', T0, 1, '999988887777')]), lambdaContext);

    // Assess
    expect(h.sns.ofKind('alert')[0]?.finding?.subCause).toBe('FOREIGN_ACCOUNT');
    expect(logs).not.toHaveReceivedCommand(FilterLogEventsCommand);
  });

  it('finds in the log group that the principal had access until recently', async () => {
    // Prepare
    cluster('CONFIG_MAP');
    const grantedAt = '2026-11-24T13:40:00Z';
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        {
          message: `time="${grantedAt}" level=info msg="access granted" arn="arn:aws:iam::${ACCOUNT}:role/developer" client="127.0.0.1:5" groups="[]" method=POST path=/authenticate uid="aws-iam-authenticator:${ACCOUNT}:AROAEXAMPLE1" username=developer`,
        },
      ],
    });
    const h = await harness({ context: liveContext() });

    // Act
    await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);

    // Assess
    expect(h.sns.ofKind('alert')[0]?.finding?.subCause).toBe('ACCESS_REMOVED_RECENTLY');
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, {
      logGroupName: '/aws/eks/prod/cluster',
      logStreamNamePrefix: 'authenticator',
      filterPattern: '"developer"',
    });
  });

  it('joins the STS response of the same request within the batch: a node role is recognised by its session', async () => {
    // Prepare
    const h = await harness();

    // Act
    await h.handler(
      subscriptionEvent([
        stsResponseLine('nodes-role', 'i-0123456789abcdef0', T0, 7),
        notMappedLine('nodes-role', T0, 7),
      ]),
      lambdaContext,
    );

    // Assess
    const finding = h.sns.ofKind('alert')[0]?.finding;
    expect(finding?.subCause).toBe('NODE_ROLE_NOT_MAPPED');
    expect(finding?.principal?.session).toBe('i-0123456789abcdef0');
  });
});

describe('self-test', () => {
  it('sends "pipeline works" to every sink, every time, without dedup', async () => {
    // Prepare
    const h = await harness();
    const stream = 'authenticator-selftest-abc';

    // Act
    await h.handler(subscriptionEvent([selftestLine('run-1', new Date(T0))], { stream }), lambdaContext);
    await h.handler(subscriptionEvent([selftestLine('run-1', new Date(T0))], { stream }), lambdaContext);

    // Assess
    expect(h.sns.ofKind('selftest')).toHaveLength(2);
    expect(h.slack.ofKind('selftest')).toHaveLength(2);
    expect(h.sns.ofKind('alert')).toEqual([]);
    expect(h.observability.findings.map((f) => f.outcome)).toEqual(['selftest', 'selftest']);
  });

  it('treats the marker in an ordinary authenticator stream as a denial, not a self-test', async () => {
    // Prepare
    const h = await harness();

    // Act
    await h.handler(subscriptionEvent([selftestLine('forged', new Date(T0))]), lambdaContext);

    // Assess
    expect(h.sns.ofKind('selftest')).toEqual([]);
    expect(h.sns.ofKind('alert')).toHaveLength(1);
  });
});

describe('observability', () => {
  it('writes one finding entry per problem per invocation, with its count and outcome', async () => {
    // Prepare
    const h = await harness({ store: new MemoryDedupStore() });
    const lines = [
      ...Array.from({ length: 300 }, (_, i) => notMappedLine('developer', T0 + i, 1000 + i)),
      ...Array.from({ length: 40 }, (_, i) => tokenNotAwsLine(T0 + i, 2000 + i)),
    ];

    // Act
    await h.handler(subscriptionEvent(lines), lambdaContext);
    await h.handler(subscriptionEvent(lines.slice(0, 10), { at: T0 + 5000 }), lambdaContext);

    // Assess
    expect(h.observability.findings).toEqual([
      expect.objectContaining({
        cluster: 'prod',
        category: 'IDENTITY_NOT_MAPPED',
        subCause: 'NOT_IN_AWS_AUTH',
        principalArn: `arn:aws:iam::${ACCOUNT}:role/developer`,
        accountId: ACCOUNT,
        count: 300,
        outcome: 'alerted',
      }),
      expect.objectContaining({
        category: 'TOKEN_NOT_AWS',
        principalArn: null,
        count: 40,
        outcome: 'alerted',
      }),
      expect.objectContaining({ category: 'IDENTITY_NOT_MAPPED', count: 10, outcome: 'suppressed' }),
    ]);
    expect(h.observability.totals).toMatchObject({ denials: 350, alertsSuppressed: 10 });
    expect(h.observability.flushes).toBe(2);
  });
});
