import {
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  delay,
  type FaultProxy,
  failWith,
  hang,
  resetConnection,
  startFaultProxy,
  throttle,
  tooManyRequests,
} from './fault-proxy';
import { type LocalDynamoDb, startLocalDynamoDb } from './local-dynamodb';
import { rejection } from './rejection';
import { WebhookServer } from './webhook-server';

const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };

let dynamodb: LocalDynamoDb;
let proxy: FaultProxy;
let client: DynamoDBClient;
let table: string;

function proxiedClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
    ...config,
  });
}

function put(pk: string, target = client) {
  return target.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: 'x' } } }));
}

/** The keys dynalite holds, read around the proxy: what really reached the upstream. */
async function storedKeys(): Promise<string[]> {
  const { Items = [] } = await dynamodb.client.send(new ScanCommand({ TableName: table }));
  return Items.map((item) => item.pk?.S ?? '').sort();
}

beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
  proxy = await startFaultProxy({ upstream: dynamodb.endpoint });
  client = proxiedClient();
});
beforeEach(async () => {
  table = await dynamodb.createTable();
  proxy.rules.clear();
  proxy.calls.length = 0;
});
afterAll(async () => {
  client.destroy();
  await proxy.close();
  await dynamodb.close();
});

describe('pass-through', () => {
  it('forwards calls and answers unchanged when no rule applies', async () => {
    // Act
    await put('a');
    const { Item } = await client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' }, sk: { S: 'x' } } }),
    );
    const missing = await rejection(client.send(new ListTablesCommand({ Limit: 0 })));

    // Assess
    expect(Item?.pk?.S).toBe('a');
    expect(missing.name).toBe('ValidationException'); // dynalite's own error, passed through
    expect(proxy.calls).toEqual([
      { method: 'POST', path: '/', operation: 'PutItem', fault: undefined, forwarded: true, status: 200 },
      { method: 'POST', path: '/', operation: 'GetItem', fault: undefined, forwarded: true, status: 200 },
      { method: 'POST', path: '/', operation: 'ListTables', fault: undefined, forwarded: true, status: 400 },
    ]);
  });
});

describe('throttling', () => {
  it('throttles an operation from its Nth call on, and the SDK raises ProvisionedThroughputExceededException', async () => {
    // Prepare
    proxy.rules.add(throttle('PutItem', { fromCall: 3 }));

    // Act
    await put('1');
    await client.send(new ListTablesCommand({})); // another operation: not counted
    await put('2');
    const third = await rejection(put('3'));
    const fourth = await rejection(put('4'));

    // Assess
    expect(third.name).toBe('ProvisionedThroughputExceededException');
    expect(fourth.name).toBe('ProvisionedThroughputExceededException');
    expect(proxy.calls.map((call) => [call.operation, call.status, call.fault])).toEqual([
      ['PutItem', 200, undefined],
      ['ListTables', 200, undefined],
      ['PutItem', 200, undefined],
      ['PutItem', 400, 'error'],
      ['PutItem', 400, 'error'],
    ]);
    expect(await storedKeys()).toEqual(['1', '2']);
  });

  it('faults only the Nth call, or the next K calls, and stops once the rule is removed', async () => {
    // Prepare
    const nextTwo = throttle('PutItem', { times: 2 });
    proxy.rules.add(nextTwo, throttle('PutItem', { onCall: 4 }));

    // Act
    const outcomes: string[] = [];
    for (const pk of ['1', '2', '3', '4', '5'])
      outcomes.push(
        await put(pk).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      );
    const always = throttle('PutItem');
    proxy.rules.add(always);
    outcomes.push(
      await put('6').then(
        () => 'ok',
        (e: Error) => e.name,
      ),
    );
    proxy.rules.remove(always);
    outcomes.push(
      await put('7').then(
        () => 'ok',
        (e: Error) => e.name,
      ),
    );

    // Assess
    const throttled = 'ProvisionedThroughputExceededException';
    expect(outcomes).toEqual([throttled, throttled, 'ok', throttled, 'ok', throttled, 'ok']);
    expect(await storedKeys()).toEqual(['3', '5', '7']);
  });

  it('matches calls by a predicate over the request', async () => {
    // Prepare
    proxy.rules.add(throttle('PutItem', { matches: (request) => request.body.includes('"S":"poison"') }));

    // Act
    const poison = await rejection(put('poison'));
    await put('fine');

    // Assess
    expect(poison.name).toBe('ProvisionedThroughputExceededException');
    expect(await storedKeys()).toEqual(['fine']);
  });
});

describe('server errors', () => {
  it('answers 500 as an InternalServerError without reaching DynamoDB', async () => {
    // Prepare
    proxy.rules.add(failWith(500, { operation: 'PutItem' }));

    // Act
    const error = await rejection(put('a'));

    // Assess
    expect(error.name).toBe('InternalServerError');
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(500);
    expect(proxy.calls[0]).toMatchObject({ status: 500, fault: 'error', forwarded: false });
    expect(await storedKeys()).toEqual([]);
  });
});

describe('connection faults', () => {
  it('resets the connection under the client, and the call never reaches DynamoDB', async () => {
    // Prepare
    proxy.rules.add(resetConnection({ operation: 'PutItem', onCall: 1 }));

    // Act
    const error = await rejection(put('a'));
    await put('b');

    // Assess
    expect(error.message).toBe('socket hang up'); // the SDK names it a TimeoutError
    expect(proxy.calls.map((call) => [call.fault, call.forwarded, call.status])).toEqual([
      ['reset', false, undefined],
      [undefined, true, 200],
    ]);
    expect(await storedKeys()).toEqual(['b']);
  });

  it('adds latency before forwarding the call', async () => {
    // Prepare
    proxy.rules.add(delay(150, { operation: 'PutItem' }));

    // Act
    const started = Date.now();
    await put('a');
    const elapsed = Date.now() - started;

    // Assess
    expect(elapsed).toBeGreaterThanOrEqual(140); // a lower bound only: timers may fire a little early
    expect(proxy.calls[0]).toMatchObject({ fault: 'delay', forwarded: true, status: 200 });
    expect(await storedKeys()).toEqual(['a']);
  });

  it('hangs until the client times out', async () => {
    // Prepare
    proxy.rules.add(hang({ operation: 'PutItem', onCall: 1 }));
    const impatient = proxiedClient({ requestHandler: { requestTimeout: 100, throwOnRequestTimeout: true } });

    // Act
    const error = await rejection(put('a', impatient));
    impatient.destroy();

    // Assess
    expect(error.message).toMatch(/exceeded the configured 100 ms requestTimeout/);
    expect(proxy.calls[0]).toMatchObject({ fault: 'hang', forwarded: false, status: undefined });
  });

  it('gives up a hang itself after its limit, so a client without a timeout is not left waiting', async () => {
    // Prepare
    const bounded = await startFaultProxy({ upstream: dynamodb.endpoint, hangLimitMs: 100 });
    bounded.rules.add(hang());
    const patient = new DynamoDBClient({
      endpoint: bounded.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });

    // Act
    const error = await rejection(put('a', patient));
    patient.destroy();
    await bounded.close();

    // Assess
    expect(error.message).toBe('socket hang up');
    expect(bounded.calls).toMatchObject([{ operation: 'PutItem', fault: 'hang', forwarded: false }]);
    expect(await storedKeys()).toEqual([]);
  });
});

describe('in front of a plain HTTP server (Slack)', () => {
  const slack = new WebhookServer();
  let slackProxy: FaultProxy;
  let webhook: string;

  beforeAll(async () => {
    await slack.start();
    const url = new URL(slack.url);
    slackProxy = await startFaultProxy({ upstream: url.origin });
    webhook = `${slackProxy.endpoint}${url.pathname}`;
  });
  afterAll(async () => {
    await slackProxy.close();
    await slack.stop();
  });

  it('answers 429 with Retry-After on the first post by path, then lets the retry through', async () => {
    // Prepare
    slack.script();
    slackProxy.rules.add(tooManyRequests(30, { path: new URL(slack.url).pathname, onCall: 1 }));
    const post = () => fetch(webhook, { method: 'POST', body: '{"text":"hi"}' });

    // Act
    const limited = await post();
    const retried = await post();

    // Assess
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(await limited.text()).toBe('rate_limited');
    expect(retried.status).toBe(200);
    expect(await retried.text()).toBe('ok');
    expect(slack.received.map((post) => post.body)).toEqual(['{"text":"hi"}']);
    expect(slackProxy.calls.map((call) => [call.status, call.forwarded])).toEqual([
      [429, false],
      [200, true],
    ]);
  });

  it('answers 500 as plain text', async () => {
    // Prepare
    slackProxy.rules.clear();
    slackProxy.rules.add(failWith(500, { message: 'internal_error' }));

    // Act
    const failed = await fetch(webhook, { method: 'POST', body: '{}' });

    // Assess
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('internal_error');
  });
});

describe('in front of a query-protocol service (SNS)', () => {
  it('answers in the XML error shape, and the SDK raises the error by its code', async () => {
    // Prepare
    proxy.rules.add(throttle('Publish', { onCall: 1 }), failWith(503, { operation: 'Publish' }));
    const sns = new SNSClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    const publish = () =>
      sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' }));

    // Act
    const throttled = await rejection(publish());
    const unavailable = await rejection(publish());
    sns.destroy();

    // Assess
    expect(throttled.name).toBe('Throttling');
    expect(unavailable.name).toBe('InternalFailure');
    expect(proxy.calls.map((call) => [call.operation, call.status, call.forwarded])).toEqual([
      ['Publish', 400, false],
      ['Publish', 503, false],
    ]);
  });
});
