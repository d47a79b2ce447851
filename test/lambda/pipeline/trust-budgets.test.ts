import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineContextSource } from '../../../lambda/context/context-source';
import { DynamoDbDedupStore } from '../../../lambda/dedup/dynamodb-store';
import { ACCOUNT_CAP_FACTOR } from '../../../lambda/dedup/flood-control';
import { MemoryDedupStore } from '../../../lambda/dedup/memory-store';
import type { DedupStore } from '../../../lambda/dedup/store';
import type { Sink } from '../../../lambda/delivery/sink';
import { trustOf } from '../../../lambda/engine/diagnose/problem-key';
import type { Notification } from '../../../lambda/engine/types';
import { RecordingObservability } from '../../../lambda/observability/observability';
import { createDiagnoseHandler } from '../../../lambda/pipeline/handler';
import { ACCOUNT_DIGEST_NAME } from '../../../lambda/pipeline/sweep';
import { encodeSubscriptionData, subscriptionPayload } from '../../../lambda/subscription/encode';
import { ACCOUNT, notMappedLine, rejectedHostLine, subscriptionEvent, T0 } from '../../helpers/fixtures';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-dynamodb';

const HOUR = 60 * 60_000;
const CAP = 20;
const lambdaContext = { getRemainingTimeInMillis: () => 60_000 };

let dynamodb: LocalDynamoDb;
beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
});
afterAll(async () => {
  await dynamodb.close();
});

/** A sink that keeps each notification with the time of the invocation that sent it. */
class TimedSink implements Sink {
  readonly id = 'sns:arn:aws:sns:eu-west-1:123456789012:test';
  readonly kind = 'sns';
  readonly sent: { at: number; n: Notification }[] = [];
  constructor(private readonly clock: { now: number }) {}
  async send(n: Notification): Promise<void> {
    this.sent.push({ at: this.clock.now, n });
  }
}

function harness(store: DedupStore) {
  const clock = { now: T0 };
  const sink = new TimedSink(clock);
  const observability = new RecordingObservability();
  const handler = createDiagnoseHandler({
    settings: { windowMs: HOUR, cap: CAP },
    store,
    context: new OfflineContextSource(),
    sinks: [sink],
    observability,
    now: () => clock.now,
  });
  return { clock, sink, handler, observability };
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const awsAuthBrokenLine = (at: number) =>
  `time="${stamp(at)}" level=warning msg="Errors parsing configmap: [yaml: line 7: did not find expected key]"`;
const invalidClientTokenLine = (at: number, i: number) => {
  const requestId = `${(i * 7919).toString(36)}ab-${'cdef'.slice(i % 4)}9-4e1b-${(1e11 + i).toString(16)}`;
  const error = `sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: {"Error":{"Code":"InvalidClientTokenId","Message":"The security token included in the request is invalid.","Type":"Sender"},"RequestId":"${requestId}"}`;
  return `time="${stamp(at)}" level=warning msg="access denied" client="127.0.0.1:${40000 + i}" error=${JSON.stringify(error)} method=POST path=/authenticate`;
};

const messageClass = (n: Notification) =>
  n.kind === 'digest' || n.kind === 'selftest' || !n.finding ? 'pipeline' : trustOf(n.finding);

describe('probes cannot starve the alerts that matter', () => {
  it('sends a broken aws-auth and the on-call role as full alerts with their fix despite 20 forged hosts before them', async () => {
    // Prepare: issue 11's starvation scenario, on DynamoDB (dynalite)
    const h = harness(new DynamoDbDedupStore(dynamodb.client, await dynamodb.createTable()));
    const forged = Array.from({ length: 20 }, (_, i) =>
      rejectedHostLine(`h${i}.evil.example`, T0 + i, 30000 + i),
    );

    // Act
    await h.handler(subscriptionEvent(forged), lambdaContext);
    await h.handler(
      subscriptionEvent([awsAuthBrokenLine(T0 + 100), notMappedLine('on-call', T0 + 101, 31000)]),
      lambdaContext,
    );

    // Assess
    const alerts = h.sink.sent.map(({ n }) => n).filter((n) => n.kind === 'alert');
    expect(alerts.map((n) => [n.finding?.category, messageClass(n)])).toEqual([
      ['TOKEN_STS_HOST_REJECTED', 'probe'],
      ['AWS_AUTH_PARSE_ERROR', 'breakage'],
      ['IDENTITY_NOT_MAPPED', 'identity'],
    ]);
    expect(alerts[0]?.count).toBe(20);
    expect(alerts[0]?.notes[0]).toMatch(/^Probe activity: 20 denials/);
    expect(alerts[0]?.notes[1]).toBe(
      'TOKEN_STS_HOST_REJECTED ×20: input token was not properly formatted: unexpected hostname "…" in pre-signed URL',
    );
    expect(alerts[1]?.fix?.steps.length).toBeGreaterThan(2);
    expect(alerts[2]?.finding?.principal?.arn).toBe(`arn:aws:iam::${ACCOUNT}:role/on-call`);
    expect(h.sink.sent.filter(({ n }) => n.kind === 'digest')).toHaveLength(0);
  });

  it('keeps a breakage uncapped: it alerts even when identity problems took every slot of the hour', async () => {
    // Prepare
    const h = harness(new DynamoDbDedupStore(dynamodb.client, await dynamodb.createTable()));
    const principals = Array.from({ length: CAP + 5 }, (_, i) => notMappedLine(`r${i}`, T0 + i, 30000 + i));

    // Act
    await h.handler(subscriptionEvent(principals), lambdaContext);
    await h.handler(subscriptionEvent([awsAuthBrokenLine(T0 + 100)]), lambdaContext);

    // Assess
    const alerts = h.sink.sent.map(({ n }) => n).filter((n) => n.kind === 'alert');
    expect(alerts.filter((n) => n.finding?.category === 'IDENTITY_NOT_MAPPED')).toHaveLength(CAP);
    expect(alerts.at(-1)?.finding?.category).toBe('AWS_AUTH_PARSE_ERROR');
  });
});

describe('fingerprints without noise, through the handler', () => {
  it('sends one alert for 30 InvalidClientTokenId denials whose RequestIds all differ', async () => {
    // Prepare
    const h = harness(new DynamoDbDedupStore(dynamodb.client, await dynamodb.createTable()));
    const lines = Array.from({ length: 30 }, (_, i) => invalidClientTokenLine(T0 + i, i));

    // Act
    await h.handler(subscriptionEvent(lines.slice(0, 10)), lambdaContext);
    await h.handler(subscriptionEvent(lines.slice(10)), lambdaContext);
    h.clock.now = T0 + 2 * HOUR;
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    const sent = h.sink.sent.map(({ n }) => [n.kind, n.finding?.category, n.count]);
    expect(sent).toEqual([
      ['alert', 'STS_INVALID_CLIENT_TOKEN', 10],
      ['followup', 'STS_INVALID_CLIENT_TOKEN', 20],
    ]);
  });
});

describe('context the payload already has', () => {
  it('calls a principal of another account external even when EKS was not asked, from the payload owner', async () => {
    // Prepare: the offline context source knows the cluster by name only
    const h = harness(new MemoryDedupStore());

    // Act
    await h.handler(
      subscriptionEvent([notMappedLine('intruder', T0, 30000, '999988887777')], { owner: ACCOUNT }),
      lambdaContext,
    );

    // Assess
    const alert = h.sink.sent[0]?.n;
    expect(alert?.finding?.subCause).toBe('FOREIGN_ACCOUNT');
    expect(alert?.cluster.accountId).toBe(ACCOUNT);
  });
});

describe('an account-wide ceiling across clusters', () => {
  /** `principals` distinct unmapped roles denied once in each of `clusters` clusters, one batch per cluster. */
  async function flood(h: ReturnType<typeof harness>, clusters: number, principals: number) {
    for (let c = 0; c < clusters; c++) {
      const lines = Array.from({ length: principals }, (_, p) =>
        notMappedLine(`c${c}-role-${p}`, T0, 20000 + p),
      );
      await h.handler(subscriptionEvent(lines, { cluster: `cluster-${c}` }), lambdaContext);
    }
    h.clock.now = T0 + HOUR + 60_000;
    await h.handler({ sweep: true }, lambdaContext);
    return h.sink.sent.map(({ n }) => n);
  }

  it.each([
    ['DynamoDB (dynalite)', 7, 24],
    ['memory', 50, 100],
  ])(
    'alerts at most 5 × cap across the clusters, then sums up the rest in one account digest (%s: %i clusters × %i principals)',
    async (name, clusters, principals) => {
      // Prepare
      const store =
        name === 'memory'
          ? new MemoryDedupStore()
          : new DynamoDbDedupStore(dynamodb.client, await dynamodb.createTable());
      const h = harness(store);

      // Act
      const sent = await flood(h, clusters, principals);

      // Assess: the first 5 clusters take the 100 slots; their overflow is in their own digests, every
      // later cluster's problems in the one account digest; every denial is counted exactly once.
      const alerts = sent.filter((n) => n.kind === 'alert');
      const digests = sent.filter((n) => n.kind === 'digest');
      const account = digests.filter((n) => n.cluster.clusterName === ACCOUNT_DIGEST_NAME);
      expect(alerts).toHaveLength(ACCOUNT_CAP_FACTOR * CAP);
      expect(new Set(alerts.map((n) => n.cluster.clusterName)).size).toBe(ACCOUNT_CAP_FACTOR);
      expect(account).toHaveLength(1);
      expect(digests).toHaveLength(ACCOUNT_CAP_FACTOR + 1);
      expect(account[0]?.count).toBe((clusters - ACCOUNT_CAP_FACTOR) * principals);
      expect(account[0]?.distinctPrincipals).toBe((clusters - ACCOUNT_CAP_FACTOR) * principals);
      expect(account[0]?.notes[0]).toContain('Across every cluster of this account');
      const counted = alerts.length + digests.reduce((sum, n) => sum + (n.count ?? 0), 0);
      expect(counted).toBe(clusters * principals);
    },
  );

  it('still alerts a broken aws-auth in a cluster past the account ceiling, with its fix', async () => {
    // Prepare: 6 clusters' worth of new principals have spent the account's 100 slots
    const h = harness(new MemoryDedupStore());
    for (let c = 0; c < 6; c++) {
      const lines = Array.from({ length: 25 }, (_, p) => notMappedLine(`c${c}-role-${p}`, T0, 20000 + p));
      await h.handler(subscriptionEvent(lines, { cluster: `cluster-${c}` }), lambdaContext);
    }

    // Act
    await h.handler(subscriptionEvent([awsAuthBrokenLine(T0 + 1000)], { cluster: 'late' }), lambdaContext);

    // Assess
    const last = h.sink.sent.at(-1)?.n;
    expect(last?.kind).toBe('alert');
    expect(last?.finding?.category).toBe('AWS_AUTH_PARSE_ERROR');
    expect(last?.cluster.clusterName).toBe('late');
  });
});

describe('the function knows its own account', () => {
  /** The payload without its `owner` field at all. */
  const withoutOwner = (event: { awslogs: { data: string } }) => {
    const decoded = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'));
    const { owner: _owner, ...payload } = decoded;
    return { awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } };
  };
  const asIs = (event: { awslogs: { data: string } }) => event;

  it.each([
    ['missing', withoutOwner],
    ['all zeros (replay without --account)', asIs],
  ])(
    'calls a principal of another account external from the function ARN when the owner is %s',
    async (_what, shape) => {
      // Prepare: no EKS, a payload whose owner says nothing; Lambda's context names the function
      const h = harness(new MemoryDedupStore());
      const event = shape(
        subscriptionEvent([notMappedLine('intruder', T0, 30000, '999988887777')], { owner: '000000000000' }),
      );
      const context = {
        ...lambdaContext,
        invokedFunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:eks-auth-doctor-diagnose`,
      };

      // Act
      await h.handler(event, context);

      // Assess
      const alert = h.sink.sent[0]?.n;
      expect(alert?.finding?.subCause).toBe('FOREIGN_ACCOUNT');
      expect(alert?.cluster.accountId).toBe(ACCOUNT);
    },
  );

  it('leaves the account unknown, and guesses no FOREIGN_ACCOUNT, without an owner or a function ARN', async () => {
    // Prepare
    const h = harness(new MemoryDedupStore());

    // Act
    await h.handler(
      subscriptionEvent([notMappedLine('intruder', T0, 30000, '999988887777')], { owner: '000000000000' }),
      lambdaContext,
    );

    // Assess
    const alert = h.sink.sent[0]?.n;
    expect(alert?.cluster.accountId).toBeUndefined();
    expect(alert?.finding?.subCause).not.toBe('FOREIGN_ACCOUNT');
  });
});

describe('hostile payload values', () => {
  const payload = (events: unknown[]) =>
    encodeSubscriptionData(
      subscriptionPayload('/aws/eks/prod/cluster', 'authenticator-0123456789abcdef', events as never),
    );

  it.each([
    ['a timestamp of 1e300', 1e300],
    ['a timestamp of -1e16', -1e16],
    ['a fractional timestamp', 1.5],
  ])('rejects and counts %s, never throws', async (_name, timestamp) => {
    // Prepare
    const h = harness(new MemoryDedupStore());

    // Act
    const result = await h.handler(
      { awslogs: { data: payload([{ id: '1', timestamp, message: notMappedLine('dev', T0, 1) }]) } },
      lambdaContext,
    );

    // Assess
    expect(result.messages).toEqual([]);
    expect(h.observability.malformedReasons).toEqual([
      'log events without id, timestamp (whole epoch ms a Date can hold) or message',
    ]);
  });

  it('rejects and counts 8 MB of nested [[[, never throws', async () => {
    // Prepare
    const h = harness(new MemoryDedupStore());
    const data = gzipSync('['.repeat(8 * 1024 * 1024 - 1)).toString('base64');

    // Act
    const result = await h.handler({ awslogs: { data } }, lambdaContext);

    // Assess
    expect(result.kind).toBe('subscription');
    expect(h.observability.malformedReasons).toHaveLength(1);
    expect(h.observability.malformedReasons[0]).toMatch(/^awslogs.data does not hold JSON/);
  });

  it('rejects and counts a gzip bomb (1 GB of zeros), never throws', async () => {
    // Prepare: 1 GiB inflates from about 1 MB of gzip; inflation stops at 8 MB
    const h = harness(new MemoryDedupStore());
    const data = gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64');

    // Act
    await h.handler({ awslogs: { data } }, lambdaContext);

    // Assess
    expect(h.observability.malformedReasons).toHaveLength(1);
    expect(h.observability.malformedReasons[0]).toMatch(/^awslogs.data is not complete gzip/);
  });
});

describe('bounded messages', () => {
  it('keeps every cluster-hour under cap + 3 messages over storms of hours and clusters, and the counts add up to the denials', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            hour: fc.integer({ min: 0, max: 23 }),
            cluster: fc.constantFrom('prod', 'stage', 'dev'),
            probes: fc.integer({ min: 0, max: 40 }),
            principals: fc.integer({ min: 0, max: 40 }),
            repeatOf: fc.integer({ min: 0, max: 60 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (storms) => {
          // Prepare
          const h = harness(new MemoryDedupStore());
          let denials = 0;
          let port = 1024;
          const sorted = [...storms].sort((a, b) => a.hour - b.hour);

          // Act: each storm is one batch; the sweep runs at every hour's end
          let sweptUpTo = 0;
          for (const storm of sorted) {
            for (; sweptUpTo < storm.hour; sweptUpTo++) {
              h.clock.now = T0 + (sweptUpTo + 1) * HOUR + 1;
              await h.handler({ sweep: true }, lambdaContext);
            }
            const at = T0 + storm.hour * HOUR + 10 * 60_000;
            h.clock.now = at;
            const lines = [
              ...Array.from({ length: storm.probes }, (_, i) =>
                rejectedHostLine(`x${storm.hour}-${i}.evil.example`, at, port++),
              ),
              ...Array.from({ length: storm.principals }, (_, i) =>
                notMappedLine(`r${(storm.repeatOf + i) % 70}`, at, port++, '999988887777'),
              ),
            ];
            if (lines.length === 0) continue;
            denials += lines.length;
            await h.handler(subscriptionEvent(lines, { cluster: storm.cluster, at }), lambdaContext);
          }
          for (const extra of [1, 2, 3, 4]) {
            h.clock.now = T0 + (24 + 2 * extra) * HOUR;
            await h.handler({ sweep: true }, lambdaContext);
          }

          // Assess
          const perClusterHour = new Map<string, number>();
          for (const { at, n } of h.sink.sent) {
            const key = `${n.cluster.clusterName}#${Math.floor(at / HOUR)}`;
            perClusterHour.set(key, (perClusterHour.get(key) ?? 0) + 1);
          }
          for (const count of perClusterHour.values()) expect(count).toBeLessThanOrEqual(CAP + 3);
          expect(h.sink.sent.reduce((sum, { n }) => sum + n.count, 0)).toBe(denials);
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
