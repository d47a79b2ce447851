import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDedupStore } from '../../../lambda/dedup/dynamodb-store';
import { FloodControl, problemId } from '../../../lambda/dedup/flood-control';
import { MemoryDedupStore } from '../../../lambda/dedup/memory-store';
import type { DedupStore, ProblemWindow } from '../../../lambda/dedup/store';
import type { Problem } from '../../../lambda/engine/diagnose/problem';
import { type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy';
import { T0 } from '../../helpers/fixtures';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-dynamodb';

// Flood control reads a batch's windows ahead with BatchGetItem (one call per 100 problems) instead of
// one GetItem per problem; every write after it stays conditional, so an old read costs a retry, never
// a wrong count.

const MINUTE = 60_000;
const WINDOW = 60 * MINUTE;
const SETTINGS = { windowMs: WINDOW, cap: 1_000 };

let dynamodb: LocalDynamoDb;
let proxy: FaultProxy;
beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
  proxy = await startFaultProxy({ upstream: dynamodb.endpoint });
});
afterAll(async () => {
  await proxy.close();
  await dynamodb.close();
});

function client(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

function problem(principal: string, count: number, at: number): Problem {
  const arn = `arn:aws:iam::111122223333:role/${principal}`;
  return {
    key: `prod|IDENTITY_NOT_MAPPED|NOT_IN_AWS_AUTH|${arn}`,
    finding: {
      category: 'IDENTITY_NOT_MAPPED',
      severity: 'high',
      principal: { arn, accountId: '111122223333', type: 'role', name: principal },
      details: {},
      record: { msg: 'access denied', fields: { arn } },
    },
    context: {},
    occurrences: { count, firstSeen: at, lastSeen: at },
  };
}

const roles = (n: number) => Array.from({ length: n }, (_, i) => `role-${i}`);

const STORES: [string, () => Promise<DedupStore>][] = [
  ['DynamoDB (dynalite)', async () => new DynamoDbDedupStore(dynamodb.client, await dynamodb.createTable())],
  ['memory', async () => new MemoryDedupStore()],
];

describe.each(STORES)('reading a batch ahead on the %s store', (_name, makeStore) => {
  it('reads 150 windows and an unknown problem in one step, and decides each as if read alone', async () => {
    // Prepare: 150 problems alerted by an earlier batch.
    const store = await makeStore();
    const earlier = new FloodControl(store, SETTINGS);
    for (const role of roles(150)) await earlier.record('prod', problem(role, 1, T0), 'batch-1', T0);
    const batch = [...roles(150), 'newcomer'].map((role) => problem(role, 2, T0 + MINUTE));
    const flood = new FloodControl(store, SETTINGS);

    // Act
    const read = await store.getProblems(
      'prod',
      batch.map((p) => problemId(p.key)),
    );
    await flood.prefetch('prod', batch);
    const outcomes = [];
    for (const p of batch) outcomes.push((await flood.record('prod', p, 'batch-2', T0 + MINUTE)).outcome);

    // Assess
    expect(read.size).toBe(151);
    expect([...read.values()].filter((window) => window === undefined)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'suppressed')).toHaveLength(150);
    expect(outcomes.at(-1)).toBe('alerted');
    const window = await store.getProblem('prod', problemId(batch[0]?.key ?? ''));
    expect(window?.pending).toBe(2);
  });

  it('counts right from a read that went stale: a window another invocation closed meanwhile alerts again', async () => {
    // Prepare: dev alerted and read ahead; then another invocation forgets it (its window went quiet).
    const store = await makeStore();
    await new FloodControl(store, SETTINGS).record('prod', problem('dev', 1, T0), 'batch-1', T0);
    const flood = new FloodControl(store, SETTINGS);
    await flood.prefetch('prod', [problem('dev', 1, T0 + WINDOW + MINUTE)]);
    const closed = await store.getProblem('prod', problemId(problem('dev', 1, T0).key));
    expect(closed?.mode).toBe('alert');
    expect(await store.deleteProblem(closed as ProblemWindow)).toBe(true);

    // Act
    const decision = await flood.record(
      'prod',
      problem('dev', 1, T0 + WINDOW + MINUTE),
      'batch-2',
      T0 + WINDOW + MINUTE,
    );

    // Assess
    expect(decision.outcome).toBe('alerted');
  });
});

describe('BatchGetItem on DynamoDB', () => {
  it('asks 100 keys per call: 150 problems are 2 calls, not 150 GetItem', async () => {
    // Prepare
    const store = new DynamoDbDedupStore(client(proxy.endpoint), await dynamodb.createTable());
    proxy.calls.length = 0;

    // Act
    await store.getProblems(
      'prod',
      roles(150).map((role) => problemId(problem(role, 1, T0).key)),
    );

    // Assess
    expect(proxy.calls.map((call) => call.operation)).toEqual(['BatchGetItem', 'BatchGetItem']);
  });

  it('asks again for the keys DynamoDB left unprocessed, and leaves out what stays unread', async () => {
    // Prepare: a DynamoDB that leaves half of each BatchGetItem unprocessed (as under throttling), the
    // rest answered by dynalite; 4 problems alerted.
    const table = await dynamodb.createTable();
    const direct = new DynamoDbDedupStore(dynamodb.client, table);
    const flood = new FloodControl(direct, SETTINGS);
    for (const role of roles(4)) await flood.record('prod', problem(role, 1, T0), 'batch-1', T0);
    const halving = await halvingDynamoDb(dynamodb.endpoint);
    const store = new DynamoDbDedupStore(client(halving.endpoint), table);
    const ids = roles(4).map((role) => problemId(problem(role, 1, T0).key));

    // Act
    const read = await store.getProblems('prod', ids);

    // Assess: 4 keys, then 2, then 1 (three calls); the last key is left out, to be read alone.
    expect(halving.asked).toEqual([4, 2, 1]);
    expect([...read.keys()].sort()).toEqual(ids.slice(0, 3).sort());
    expect([...read.values()].every((window) => window?.mode === 'alert')).toBe(true);
    await halving.close();
  });
});

/**
 * DynamoDB in front of dynalite that answers BatchGetItem for the first half of its keys (rounded
 * down) and returns the rest as `UnprocessedKeys`, which dynalite never does by itself.
 */
async function halvingDynamoDb(upstream: string) {
  const asked: number[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const [table] = Object.keys(body.RequestItems);
    const keys = body.RequestItems[table as string].Keys as unknown[];
    asked.push(keys.length);
    const kept = keys.slice(0, Math.floor(keys.length / 2));
    const left = keys.slice(kept.length);
    const answer =
      kept.length === 0
        ? { Responses: { [table as string]: [] } }
        : await fetch(upstream, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-amz-json-1.0',
              'x-amz-target': 'DynamoDB_20120810.BatchGetItem',
              authorization: String(request.headers.authorization),
              'x-amz-date': String(request.headers['x-amz-date']),
            },
            body: JSON.stringify({
              RequestItems: { [table as string]: { ...body.RequestItems[table as string], Keys: kept } },
            }),
          }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const unprocessed = left.length > 0 ? { [table as string]: { Keys: left, ConsistentRead: true } } : {};
    response
      .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
      .end(JSON.stringify({ ...answer, UnprocessedKeys: unprocessed }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    asked,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
