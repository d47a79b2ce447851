import { afterAll, beforeAll } from 'vitest';
import { DynamoDbDedupStore } from '../../lambda/dedup/dynamodb-store';
import { MemoryDedupStore } from '../../lambda/dedup/memory-store';
import type { DedupStore } from '../../lambda/dedup/store';
import { type LocalDynamoDb, startLocalDynamoDb } from './local-dynamodb';

/**
 * The stores every flood-control rule must hold on, each a fresh one per call: DynamoDB (dynalite on
 * 127.0.0.1, started and stopped around the test file that calls this at its top level) and the
 * in-memory store `replay` uses.
 *
 * @example describe.each(dedupStores())('on the %s store', (_name, makeStore) => { … })
 */
export function dedupStores(): [string, () => Promise<DedupStore>][] {
  let dynamodb: LocalDynamoDb | undefined;
  beforeAll(async () => {
    dynamodb = await startLocalDynamoDb();
  });
  afterAll(async () => {
    await dynamodb?.close();
  });
  const running = () => {
    if (dynamodb === undefined) throw new Error('dedupStores(): dynalite is started in beforeAll');
    return dynamodb;
  };
  return [
    [
      'DynamoDB (dynalite)',
      async () => new DynamoDbDedupStore(running().client, await running().createTable()),
    ],
    ['memory', async () => new MemoryDedupStore()],
  ];
}
