import { gzipSync } from 'node:zlib';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient } from '@aws-sdk/client-eks';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ContextSource,
  LiveContextSource,
  OfflineContextSource,
} from '../../../lambda/context/context-source';
import { EksLookup } from '../../../lambda/context/eks-lookup';
import { LogHistoryLookup } from '../../../lambda/context/log-history';
import { DynamoDbDedupStore } from '../../../lambda/dedup/dynamodb-store';
import { RETRY_DUPLICATE_NOTE } from '../../../lambda/delivery/deliver';
import { DeliveryError } from '../../../lambda/delivery/sink';
import { SlackSink } from '../../../lambda/delivery/slack';
import { SnsSink, snsPublisher } from '../../../lambda/delivery/sns';
import { RecordingObservability } from '../../../lambda/observability/observability';
import { createDiagnoseHandler, TimeShortError } from '../../../lambda/pipeline/handler';
import { FakeAws, type PublishedSnsMessage } from '../../helpers/fake-aws';
import {
  type FaultProxy,
  type FaultRule,
  failWith,
  type SeenRequest,
  startFaultProxy,
  throttle,
} from '../../helpers/fault-proxy';
import { ACCOUNT, notMappedLine, rejectedHostLine, subscriptionEvent, T0 } from '../../helpers/fixtures';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-dynamodb';
import { WebhookServer } from '../../helpers/webhook-server';

// The fault matrix of issue 11, through the real handler: dynalite behind the fault-injecting proxy,
// the real Slack sink against a local webhook server, the real SNS sink (Publish and PublishBatch)
// against the local SNS of FakeAws behind a second fault proxy.

const WINDOW = 60 * 60_000;
const lambdaContext = { getRemainingTimeInMillis: () => 60_000 };
const DUPLICATE = /Possibly a duplicate/;
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:eks-auth-doctor';
const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };

let dynamodb: LocalDynamoDb;
let proxy: FaultProxy;
let snsProxy: FaultProxy;
const fakeAws = new FakeAws();
const slackServer = new WebhookServer();
beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
  proxy = await startFaultProxy({ upstream: dynamodb.endpoint });
  await fakeAws.start();
  fakeAws.topic(TOPIC);
  snsProxy = await startFaultProxy({ upstream: fakeAws.url });
  await slackServer.start();
});
afterEach(() => {
  proxy.rules.clear();
  snsProxy.rules.clear();
  slackServer.script();
});
afterAll(async () => {
  await proxy.close();
  await snsProxy.close();
  await fakeAws.stop();
  await slackServer.stop();
  await dynamodb.close();
});

/** One SNS message as a subscriber reads it: its kind, count and e-mail text. */
interface SnsCopy {
  readonly kind: string;
  readonly count: number;
  readonly text: string;
  readonly via: PublishedSnsMessage['via'];
}

function copyOf(published: PublishedSnsMessage): SnsCopy {
  const perProtocol = JSON.parse(published.message) as { default: string; https: string };
  const chatbot = JSON.parse(perProtocol.https) as {
    metadata: { additionalContext: { kind: string; count?: string } };
  };
  const { kind, count } = chatbot.metadata.additionalContext;
  return { kind, count: Number(count), text: perProtocol.default, via: published.via };
}

async function harness(options: { context?: ContextSource } = {}) {
  const client = new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const snsClient = new SNSClient({
    endpoint: snsProxy.endpoint,
    region: 'eu-west-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  const slack = new SlackSink(async () => slackServer.url, { maxAttempts: 1 });
  const observability = new RecordingObservability();
  const clock = { now: T0 };
  const handler = createDiagnoseHandler({
    settings: { windowMs: WINDOW, cap: 20 },
    store: new DynamoDbDedupStore(client, await dynamodb.createTable()),
    context: options.context ?? new OfflineContextSource(),
    sinks: [new SnsSink(snsPublisher(snsClient), TOPIC), slack],
    observability,
    now: () => clock.now,
  });
  const from = fakeAws.published.length;
  const sns = {
    /** What SNS accepted since the harness was made, optionally of one kind. */
    copies: (kind?: string) =>
      fakeAws.published
        .slice(from)
        .map(copyOf)
        .filter((copy) => kind === undefined || copy.kind === kind),
  };
  return { handler, sns, clock, observability };
}

/** Six distinct identity problems, each seen twice: six alerts. */
function sixProblems() {
  return subscriptionEvent(
    Array.from({ length: 12 }, (_, i) => notMappedLine(`role-${i % 6}`, T0 + i, 1000 + i)),
  );
}

function slackAlerts(): string[] {
  return slackServer.received.map((post) => post.body);
}

/**
 * developer alerted, then an attempt that counts 100 repeats of it and dies right after that write:
 * the harness and the attempt's event, for its retry.
 */
async function repeatsCountedByAnAttemptThatDied() {
  const h = await harness();
  await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);
  h.clock.now = T0 + 1000;
  const attempt = subscriptionEvent(
    Array.from({ length: 100 }, (_, i) => notMappedLine('developer', T0 + 1000 + i, 10 + i)),
    { at: T0 + 1000 },
  );
  proxy.rules.add(diesAfter(countsRepeats));
  await h.handler(attempt, lambdaContext).catch(() => undefined);
  proxy.rules.clear();
  return { h, attempt };
}

/**
 * An invocation that dies right after the first DynamoDB call `last` picks: that call goes through,
 * every later one fails, as if the function had stopped there.
 */
function diesAfter(last: (request: SeenRequest) => boolean): FaultRule {
  let passed = false;
  return {
    matches: (request) => {
      if (passed) return true;
      passed = last(request);
      return false;
    },
    fault: { kind: 'error', status: 500, message: 'the invocation died here' },
  };
}

/** The conditional write that counts a batch's repeats into a problem's window. */
const countsRepeats = (request: SeenRequest) =>
  request.operation === 'UpdateItem' && request.body.includes('ADD pending');

/** The write that takes one of a cluster's alert slots. */
const takesAlertSlot = (request: SeenRequest) =>
  request.operation === 'UpdateItem' && request.body.includes('cap#');

describe('the fault matrix: no double send, no double count, nothing lost silently', () => {
  it('DynamoDB throttling mid-batch with Slack answering 500, then a healthy retry: SNS gets no alert twice without the duplicate note, Slack gets each once', async () => {
    // Prepare
    const h = await harness();
    const event = sixProblems();
    proxy.rules.add(throttle('UpdateItem', { fromCall: 4 }), throttle('PutItem', { fromCall: 6 }));
    slackServer.script(...Array.from({ length: 6 }, () => ({ status: 500 })));
    await expect(h.handler(event, lambdaContext)).rejects.toThrow(DeliveryError);
    const firstAttempt = h.sns.copies('alert').length;
    proxy.rules.clear();

    // Act: Lambda's retry, both healthy
    await h.handler(event, lambdaContext);

    // Assess
    const alerts = h.sns.copies('alert');
    expect(firstAttempt).toBe(6);
    const retried = alerts.slice(firstAttempt);
    for (const alert of retried) expect(alert.text).toMatch(DUPLICATE);
    const roles = alerts.map((a) => /role\/(role-\d)/.exec(a.text)?.[1]);
    expect(new Set(roles).size).toBe(6);
    // Slack answered the first six posts with 500: the retry's six are the only ones it accepted.
    const accepted = slackAlerts().slice(6);
    expect(accepted).toHaveLength(6);
    for (const body of accepted) expect(body).toMatch(DUPLICATE);
  });

  it('a failed batch-marker write: the batch fails open, every alert says it may be a duplicate, nothing is counted', async () => {
    // Prepare
    const h = await harness();
    proxy.rules.add(failWith(500, { operation: 'PutItem', onCall: 1 }));

    // Act
    await h.handler(sixProblems(), lambdaContext);

    // Assess
    const alerts = h.sns.copies('alert');
    expect(alerts).toHaveLength(6);
    for (const alert of alerts) expect(alert.text).toMatch(DUPLICATE);
  });

  it('a failed delivery-state write: the retry sends only the unrecorded copies, each with the duplicate note', async () => {
    // Prepare
    const h = await harness();
    const event = subscriptionEvent([notMappedLine('developer', T0, 1), notMappedLine('tester', T0 + 1, 2)]);
    // Slack fails (so Lambda retries); the first delivery-state write (an SNS one) fails too.
    slackServer.script({ status: 500 }, { status: 500 });
    proxy.rules.add(
      failWith(500, { operation: 'UpdateItem', matches: (r) => r.body.includes('message#'), onCall: 1 }),
    );
    await expect(h.handler(event, lambdaContext)).rejects.toThrow(DeliveryError);

    // Act
    await h.handler(event, lambdaContext);

    // Assess: two alerts first; the retry re-sends to SNS only the one whose record failed, labelled.
    const alerts = h.sns.copies('alert');
    expect(alerts).toHaveLength(3);
    expect(alerts[2]?.text).toContain(RETRY_DUPLICATE_NOTE);
    expect(alerts[0]?.text).not.toMatch(DUPLICATE);
    expect(slackServer.received.slice(2)).toHaveLength(2);
  });

  it('Slack 500 then a retry: Slack gets each alert once, SNS nothing again, and no note (nothing was unsure)', async () => {
    // Prepare
    const h = await harness();
    const event = subscriptionEvent([notMappedLine('developer', T0, 1)]);
    slackServer.script({ status: 500 });
    await expect(h.handler(event, lambdaContext)).rejects.toThrow(DeliveryError);

    // Act
    await h.handler(event, lambdaContext);

    // Assess
    expect(h.sns.copies('alert')).toHaveLength(1);
    expect(slackServer.received).toHaveLength(2);
    expect(slackServer.received[1]?.body).not.toMatch(DUPLICATE);
  });

  it('an attempt that dies after counting: the retry counts nothing twice (the follow-up says 100, not 200)', async () => {
    // Prepare
    const h = await harness();
    await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);
    const repeats = subscriptionEvent(
      Array.from({ length: 100 }, (_, i) => notMappedLine('developer', T0 + 1000 + i, 10 + i)),
      { at: T0 + 1000 },
    );
    // The attempt counts, then dies delivering (Slack hangs up: here, a 500 fails the invocation).
    h.clock.now = T0 + 1000;
    await h.handler(repeats, lambdaContext);

    // Act: the same batch again, then the window closes
    await h.handler(repeats, lambdaContext);
    h.clock.now = T0 + WINDOW + 60_000;
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    const followups = h.sns.copies('followup');
    expect(followups).toHaveLength(1);
    expect(followups[0]?.count).toBe(100);
  });

  it('an attempt that counts a repeat and dies, retried after 70 other batches counted the same problem: the repeat is counted once (the follow-up says 170, not 270)', async () => {
    // Prepare: developer alerted; an attempt counts 100 repeats and dies right after that write.
    const { h, attempt } = await repeatsCountedByAnAttemptThatDied();
    // 70 other batches count one repeat each before the retry comes: more than the window keeps.
    for (let i = 0; i < 70; i++) {
      h.clock.now = T0 + 2000 + i * 1000;
      const other = subscriptionEvent([notMappedLine('developer', h.clock.now, 2000 + i)], {
        at: h.clock.now,
      });
      await h.handler(other, lambdaContext);
    }

    // Act: Lambda's retry of the attempt, then the window closes
    await h.handler(attempt, lambdaContext);
    h.clock.now = T0 + WINDOW + 60_000;
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    expect(h.sns.copies('followup').map((f) => f.count)).toEqual([170]);
  });

  it('an attempt that counts a repeat and dies before recording it, retried after its window closed: the repeat is counted once and no second alert goes out', async () => {
    // Prepare: developer alerted; an attempt counts 100 repeats and dies right after that write.
    const { h, attempt } = await repeatsCountedByAnAttemptThatDied();
    // Its window closes with the follow-up of the 100; the next one closes quiet and is forgotten.
    h.clock.now = T0 + WINDOW + 60_000;
    await h.handler({ sweep: true }, lambdaContext);
    h.clock.now = T0 + 2 * WINDOW + 60_000;
    await h.handler({ sweep: true }, lambdaContext);

    // Act: Lambda's retry of the attempt (a throttled event is kept up to 6 hours), then a late sweep
    h.clock.now = T0 + 2 * WINDOW + 120_000;
    await h.handler(attempt, lambdaContext);
    h.clock.now = T0 + 4 * WINDOW;
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    expect(h.sns.copies('followup').map((f) => f.count)).toEqual([100]);
    expect(h.sns.copies('alert')).toHaveLength(1);
    expect(slackAlerts().filter((body) => body.includes('role/developer'))).toHaveLength(2);
  });

  it('an attempt whose alert reached SNS and not Slack, retried after its window closed: Slack gets that alert once, SNS never again', async () => {
    // Prepare: the alert goes to SNS, Slack answers 500, the invocation fails; the window closes quiet.
    const h = await harness();
    const event = subscriptionEvent([notMappedLine('developer', T0, 1)]);
    slackServer.script({ status: 500 });
    await expect(h.handler(event, lambdaContext)).rejects.toThrow(DeliveryError);
    h.clock.now = T0 + WINDOW + 60_000;
    await h.handler({ sweep: true }, lambdaContext);

    // Act: Lambda's retry, an hour late
    h.clock.now = T0 + WINDOW + 120_000;
    await h.handler(event, lambdaContext);

    // Assess: one alert, under one message ID, in each sink.
    expect(h.sns.copies('alert')).toHaveLength(1);
    expect(slackServer.received).toHaveLength(2);
    expect(slackServer.received[1]?.body).toContain('role/developer');
    expect(slackServer.received[1]?.body).not.toMatch(DUPLICATE);
  });

  it('an attempt whose problems past the cap went into the digest, retried in the next hour after Slack failed: they are counted once, in that digest, and alerted nowhere', async () => {
    // Prepare: 20 roles take the hour's 20 slots; at 14:59 a batch brings 5 more (into the digest) and
    // a forged token (probe activity, uncapped: alerted), whose Slack post fails, so Lambda retries it.
    const h = await harness();
    const others = Array.from({ length: 20 }, (_, i) => notMappedLine(`role-${i}`, T0 + i, 100 + i));
    await h.handler(subscriptionEvent(others), lambdaContext);
    const nextHour = Math.ceil(T0 / WINDOW) * WINDOW;
    h.clock.now = nextHour - 60_000;
    const lines = [
      ...Array.from({ length: 5 }, (_, i) => notMappedLine(`late-${i}`, h.clock.now + i, 300 + i)),
      rejectedHostLine('sts.attacker.example', h.clock.now + 10, 400),
    ];
    const event = subscriptionEvent(lines, { at: h.clock.now });
    slackServer.script({ status: 500 });
    await expect(h.handler(event, lambdaContext)).rejects.toThrow(DeliveryError);

    // Act: Lambda's retry two minutes later, in the next hour; then the sweeps of both hours
    h.clock.now = nextHour + 60_000;
    await h.handler(event, lambdaContext);
    await h.handler({ sweep: true }, lambdaContext);
    h.clock.now = nextHour + 2 * WINDOW;
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    const late = h.sns.copies('alert').filter((alert) => alert.text.includes('role/late-'));
    expect(late).toHaveLength(0);
    expect(h.sns.copies('digest').map((digest) => digest.count)).toEqual([5]);
    expect(slackAlerts().filter((body) => body.includes('attacker.example'))).toHaveLength(2);
  });

  it('an attempt that takes the last alert slot of the hour and dies before sending: the retry sends that alert, exactly once', async () => {
    // Prepare: 19 of the 20 slots of the hour go to other roles.
    const h = await harness();
    const others = Array.from({ length: 19 }, (_, i) => notMappedLine(`role-${i}`, T0 + i, 100 + i));
    await h.handler(subscriptionEvent(others), lambdaContext);
    h.clock.now = T0 + 1000;
    const event = subscriptionEvent([notMappedLine('oncall', T0 + 1000, 500)], { at: T0 + 1000 });
    // The attempt takes the 20th slot and dies: DynamoDB, SNS and Slack fail from there on.
    proxy.rules.add(diesAfter(takesAlertSlot));
    snsProxy.rules.add(failWith(500));
    slackServer.script(...Array.from({ length: 5 }, () => ({ status: 500 })));
    await expect(h.handler(event, lambdaContext)).rejects.toThrow();
    proxy.rules.clear();
    snsProxy.rules.clear();
    slackServer.script();

    // Act: Lambda's retry, everything healthy
    await h.handler(event, lambdaContext);

    // Assess
    const oncall = h.sns.copies('alert').filter((alert) => alert.text.includes('role/oncall'));
    expect(h.sns.copies('alert')).toHaveLength(20);
    expect(oncall).toHaveLength(1);
    expect(slackAlerts().filter((body) => body.includes('role/oncall'))).toHaveLength(1);
  });

  it('20 maximum-size forged lines: the batch marker stays small, and a retry sends nothing again', async () => {
    // Prepare
    const h = await harness();
    const event = subscriptionEvent(
      Array.from(
        { length: 20 },
        (_, i) =>
          `time="2024-05-01T10:00:0${i % 10}Z" level=warning msg="access denied" client="203.0.113.${i}:443" error="input token was not properly formatted: ${String(i).repeat(40_000)}" method=POST path=/authenticate`,
      ),
    );

    const before = proxy.calls.length;

    // Act
    await h.handler(event, lambdaContext);
    await h.handler(event, lambdaContext);

    // Assess
    const puts = proxy.calls.slice(before).filter((c) => c.operation === 'PutItem' && c.status !== 200);
    // The one refused put is the retry's claim (ConditionalCheckFailed: an earlier attempt holds it);
    // no write failed for size, and the batch's content is stored nowhere.
    expect(puts.map((c) => c.status)).toEqual([400]);
    expect(h.sns.copies()).toHaveLength(1);
  });
  it('SNS partial batch failure: only the failed entry is published again, within the invocation, and nothing twice', async () => {
    // Prepare
    const h = await harness();
    fakeAws.failBatchEntries((entry) => entry.message.includes('role/role-2'), { times: 1 });
    const batchCalls = fakeAws.calls('sns:PublishBatch').length;

    // Act
    await h.handler(sixProblems(), lambdaContext);

    // Assess: one PublishBatch of six, then one of the failed entry alone; six alerts, each once.
    const calls = fakeAws.calls('sns:PublishBatch').slice(batchCalls);
    const entries = calls.map((call) => Object.keys(call.params).filter((k) => k.endsWith('.Id')).length);
    expect(entries).toEqual([6, 1]);
    const roles = h.sns.copies('alert').map((a) => /role\/(role-\d)/.exec(a.text)?.[1]);
    expect(roles.sort()).toEqual(['role-0', 'role-1', 'role-2', 'role-3', 'role-4', 'role-5']);
  });

  it("SNS partial batch failure that persists: the invocation fails, and Lambda's retry publishes only that entry, without a note", async () => {
    // Prepare
    const h = await harness();
    const event = sixProblems();
    fakeAws.failBatchEntries((entry) => entry.message.includes('role/role-4'), { times: 3 });
    await expect(h.handler(event, lambdaContext)).rejects.toThrow(DeliveryError);
    const first = h.sns.copies('alert').length;

    // Act
    await h.handler(event, lambdaContext);

    // Assess
    const alerts = h.sns.copies('alert');
    expect(first).toBe(5);
    expect(alerts).toHaveLength(6);
    expect(alerts[5]?.text).toContain('role/role-4');
    expect(alerts[5]?.text).not.toMatch(DUPLICATE);
    // Slack got all six the first time, and none again.
    expect(slackServer.received).toHaveLength(6);
  });

  it('a timeout mid-batch: what was decided goes out, the rest is left for the retry, and nothing is counted twice', async () => {
    // Prepare: developer alerted earlier; this batch repeats it 100 times and brings 5 new roles.
    let remaining = 60_000;
    const shortening = { getRemainingTimeInMillis: () => remaining };
    const h = await harness();
    await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);
    const lines = [
      ...Array.from({ length: 100 }, (_, i) => notMappedLine('developer', T0 + 1000 + i, 10 + i)),
      ...Array.from({ length: 5 }, (_, i) => notMappedLine(`newcomer-${i}`, T0 + 2000 + i, 500 + i)),
    ];
    const event = subscriptionEvent(lines, { at: T0 + 1000 });
    h.clock.now = T0 + 1000;
    // Time runs short once the first problem (developer's repeats, first in order) is counted.
    proxy.rules.add({
      operation: 'UpdateItem',
      matches: () => {
        remaining = 9_000;
        return false;
      },
      fault: { kind: 'delay', ms: 0 },
    });
    await expect(h.handler(event, shortening)).rejects.toThrow(TimeShortError);
    const firstAttempt = h.sns.copies('alert').length;
    proxy.rules.clear();
    remaining = 60_000;

    // Act: Lambda's retry, then the window closes
    await h.handler(event, shortening);
    h.clock.now = T0 + WINDOW + 60_000;
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    expect(firstAttempt).toBe(1);
    const alerts = h.sns.copies('alert');
    expect(alerts).toHaveLength(6);
    for (const alert of alerts) expect(alert.text).not.toMatch(DUPLICATE);
    const followups = h.sns.copies('followup');
    expect(followups.map((f) => f.count)).toEqual([100]);
  });

  it('the sweep with DynamoDB down: it sends nothing and loses nothing; the next sweep sends the follow-up once', async () => {
    // Prepare
    const h = await harness();
    await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);
    h.clock.now = T0 + 1000;
    await h.handler(
      subscriptionEvent(
        Array.from({ length: 5 }, (_, i) => notMappedLine('developer', T0 + 1000 + i, 10 + i)),
        { at: T0 + 1000 },
      ),
      lambdaContext,
    );
    h.clock.now = T0 + WINDOW + 60_000;
    proxy.rules.add(failWith(500, { fromCall: 1 }));

    // Act
    const down = await h.handler({ sweep: true }, lambdaContext).then(
      () => 'resolved',
      (error: Error) => error.name,
    );
    const duringOutage = h.sns.copies('followup').length;
    proxy.rules.clear();
    await h.handler({ sweep: true }, lambdaContext);
    await h.handler({ sweep: true }, lambdaContext);

    // Assess
    expect(down).toBe('InternalServerError');
    expect(duringOutage).toBe(0);
    expect(h.sns.copies('followup').map((f) => f.count)).toEqual([5]);
  });

  it('a FilterLogEvents failure inside the handler: the alert still goes out at once, saying what could not be read', async () => {
    // Prepare
    const config = { endpoint: fakeAws.url, region: 'eu-west-1', credentials: CREDENTIALS, maxAttempts: 1 };
    fakeAws.cluster('eu-west-1', {
      name: 'prod',
      arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`,
      accessConfig: { authenticationMode: 'CONFIG_MAP' },
    });
    fakeAws.fail('logs:FilterLogEvents', 'Throttling', { times: 5 });
    const context = new LiveContextSource(
      new EksLookup(new EKSClient(config)),
      new LogHistoryLookup(new CloudWatchLogsClient(config)),
      300_000,
    );
    const h = await harness({ context });
    const filterCalls = fakeAws.calls('logs:FilterLogEvents').length;

    // Act
    await h.handler(subscriptionEvent([notMappedLine('developer', T0, 1)]), lambdaContext);

    // Assess
    expect(fakeAws.calls('logs:FilterLogEvents').length).toBeGreaterThan(filterCalls);
    const alerts = h.sns.copies('alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.text).toContain('FilterLogEvents failed (ThrottlingException)');
  });

  it('24 hours of probes (20 new forged hosts an hour plus a repeat of every earlier one): at most cap + 3 messages in any hour', async () => {
    // Prepare
    const h = await harness();
    const perHour: number[] = [];
    const hosts: string[] = [];

    // Act
    for (let hour = 0; hour < 24; hour++) {
      const at = T0 + hour * WINDOW;
      h.clock.now = at;
      const before = h.sns.copies().length;
      const fresh = Array.from({ length: 20 }, (_, i) => `h${hour}-${i}.attacker.example`);
      const lines = [...fresh, ...hosts].map((host, i) => rejectedHostLine(host, at + i, 20_000 + i));
      hosts.push(...fresh);
      await h.handler(subscriptionEvent(lines, { at }), lambdaContext);
      h.clock.now = at + WINDOW - 1;
      await h.handler({ sweep: true }, lambdaContext);
      perHour.push(h.sns.copies().length - before);
    }

    // Assess: the probes of an hour are one probe-activity message and its follow-up, never the cap.
    expect(Math.max(...perHour)).toBeLessThanOrEqual(20 + 3);
    expect(perHour.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(24 * 3);
    expect(h.sns.copies('alert').length).toBeLessThanOrEqual(24 * 2);
  });

  it('varying RequestIds: 30 InvalidClientTokenId denials whose RequestIds all differ are one alert', async () => {
    // Prepare
    const h = await harness();
    const lines = Array.from({ length: 30 }, (_, i) => {
      const requestId = `${(i * 7919).toString(36)}ab-${'cdef'.slice(i % 4)}9-4e1b-${(1e11 + i).toString(16)}`;
      const error = `sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: {"Error":{"Code":"InvalidClientTokenId","Message":"The security token included in the request is invalid.","Type":"Sender"},"RequestId":"${requestId}"}`;
      return `time="2026-11-24T14:02:0${i % 10}Z" level=warning msg="access denied" client="198.51.100.${i}:${40000 + i}" error=${JSON.stringify(error)} method=POST path=/authenticate`;
    });

    // Act
    await h.handler(subscriptionEvent(lines), lambdaContext);

    // Assess
    const copies = h.sns.copies();
    expect(copies).toHaveLength(1);
    expect(copies[0]?.count).toBe(30);
  });

  it('a gzip bomb (20 MB of zeros in 20 KB): rejected and counted, nothing thrown, nothing sent', async () => {
    // Prepare
    const h = await harness();
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024), { level: 9 }).toString('base64');

    // Act
    const result = await h.handler({ awslogs: { data: bomb } }, lambdaContext);

    // Assess
    expect(result.messages).toHaveLength(0);
    expect(h.observability.malformedReasons).toHaveLength(1);
    expect(h.sns.copies()).toHaveLength(0);
    expect(slackServer.received).toHaveLength(0);
  });
});
