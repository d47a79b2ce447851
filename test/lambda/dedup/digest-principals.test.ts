import { describe, expect, it } from 'vitest';
import { FloodControl } from '../../../lambda/dedup/flood-control';
import type { DedupStore, DigestTally } from '../../../lambda/dedup/store';
import { TOP_PRINCIPALS_KEPT } from '../../../lambda/dedup/top-principals';
import type { Problem } from '../../../lambda/engine/diagnose/problem';
import { dedupStores } from '../../helpers/dedup-stores';
import { T0 } from '../../helpers/fixtures';

const WINDOW = 60 * 60_000;
/** One alert per window: every other new problem goes into the digest. */
const SETTINGS = { windowMs: WINDOW, cap: 1 };
/** When the digest of T0's cap window is due. */
const DUE = (Math.floor(T0 / WINDOW) + 1) * WINDOW;

/** The same rules on DynamoDB (dynalite) and on the in-memory store replay uses. */
const STORES = dedupStores();

const arnOf = (name: string, account = '111122223333') => `arn:aws:iam::${account}:role/${name}`;

/** `count` denials of one role in cluster `prod` (account 111122223333), as one problem of a batch. */
function denied(name: string, count: number, account = '111122223333'): Problem {
  const arn = arnOf(name, account);
  return {
    key: `prod|IDENTITY_NOT_MAPPED|NOT_IN_AWS_AUTH|${arn}`,
    finding: {
      category: 'IDENTITY_NOT_MAPPED',
      severity: 'high',
      principal: { arn, accountId: account, type: 'role', name },
      details: {},
      record: { msg: 'access denied', fields: { arn } },
    },
    context: { cluster: { clusterName: 'prod', accountId: '111122223333' } },
    occurrences: { count, firstSeen: T0, lastSeen: T0 },
  };
}

/** One invocation: its problems recorded, its digest additions written. */
async function batch(store: DedupStore, id: string, problems: readonly Problem[]): Promise<void> {
  const flood = new FloodControl(store, SETTINGS);
  for (const problem of problems) await flood.record('prod', problem, id, T0);
  await flood.flushDigests(id);
}

async function sweptDigest(store: DedupStore): Promise<DigestTally | undefined> {
  const { digests } = await new FloodControl(store, SETTINGS).sweep(DUE);
  return digests[0]?.tally;
}

describe.each(STORES)('the digest names its top principals (%s store)', (_name, makeStore) => {
  it('keeps them with its state across batches, most denied first, for the sweep to name', async () => {
    // Prepare
    const store = await makeStore();
    await batch(store, 'b1', [denied('first', 1), denied('a', 5), denied('b', 2)]);

    // Act: later batches repeat a and b and add c
    await batch(store, 'b2', [denied('a', 4), denied('c', 3)]);
    await batch(store, 'b3', [denied('b', 9)]);
    const tally = await sweptDigest(store);

    // Assess: `first` took the one alert slot, everything else is in the digest
    expect(tally?.count).toBe(23);
    expect(tally?.topPrincipals).toEqual([
      { arn: arnOf('b'), count: 11 },
      { arn: arnOf('a'), count: 9 },
      { arn: arnOf('c'), count: 3 },
    ]);
    expect(tally?.account).toBe('111122223333');
  });

  it(`keeps at most ${TOP_PRINCIPALS_KEPT} however many principals it counts, the heaviest exactly`, async () => {
    // Prepare: 300 principals over 3 batches, ten of them far heavier than the rest
    const store = await makeStore();
    await batch(store, 'b0', [denied('first', 1)]);
    const heavy = Array.from({ length: 10 }, (_, i) => denied(`heavy-${i}`, 100 + i));
    const light = Array.from({ length: 290 }, (_, i) => denied(`light-${i}`, 1));

    // Act
    await batch(store, 'b1', [...light.slice(0, 145), ...heavy.slice(0, 5)]);
    await batch(store, 'b2', [...heavy.slice(5), ...light.slice(145)]);
    const tally = await sweptDigest(store);

    // Assess
    expect(tally?.count).toBe(290 + 10 * 100 + 45);
    expect(tally?.principals).toBe(300);
    expect(tally?.topPrincipals).toHaveLength(TOP_PRINCIPALS_KEPT);
    expect(tally?.topPrincipals?.map((p) => p.count)).toEqual([
      109, 108, 107, 106, 105, 104, 103, 102, 101, 100,
    ]);
  });

  it('adds a retried batch once: its principals are not counted twice', async () => {
    // Prepare
    const store = await makeStore();
    await batch(store, 'b1', [denied('first', 1), denied('a', 5)]);

    // Act
    await batch(store, 'b1', [denied('first', 1), denied('a', 5)]);
    const tally = await sweptDigest(store);

    // Assess
    expect(tally?.count).toBe(5);
    expect(tally?.topPrincipals).toEqual([{ arn: arnOf('a'), count: 5 }]);
  });

  it('loses no count when concurrent invocations add principals to one digest, and stays bounded', async () => {
    // Prepare
    const store = await makeStore();
    await batch(store, 'b0', [denied('first', 1)]);

    // Act: 12 invocations at once, each with its own two principals
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        batch(store, `c${i}`, [denied(`p${i}`, 10 + i), denied(`q${i}`, 1)]),
      ),
    );
    const tally = await sweptDigest(store);

    // Assess: every count is in; the list holds real principals, no more than it may, none overcounted
    const truth = new Map(
      Array.from({ length: 12 }, (_, i) => [
        [arnOf(`p${i}`), 10 + i],
        [arnOf(`q${i}`), 1],
      ]).flat() as [string, number][],
    );
    expect(tally?.count).toBe(Array.from({ length: 12 }, (_, i) => 11 + i).reduce((a, b) => a + b, 0));
    expect(tally?.topPrincipals?.length).toBeGreaterThan(0);
    expect(tally?.topPrincipals?.length).toBeLessThanOrEqual(TOP_PRINCIPALS_KEPT);
    for (const { arn, count } of tally?.topPrincipals ?? [])
      expect(count).toBeLessThanOrEqual(truth.get(arn) ?? 0);
  });
});
