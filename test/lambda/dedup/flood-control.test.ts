import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDedupStore } from '../../../lambda/dedup/dynamodb-store';
import { FloodControl, problemId } from '../../../lambda/dedup/flood-control';
import { MemoryDedupStore } from '../../../lambda/dedup/memory-store';
import type { DedupStore } from '../../../lambda/dedup/store';
import type { Category } from '../../../lambda/engine/categories';
import type { Problem } from '../../../lambda/engine/diagnose/problem';
import { T0 } from '../../helpers/fixtures';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-dynamodb';

const MINUTE = 60_000;
const WINDOW = 60 * MINUTE;

let dynamodb: LocalDynamoDb;
beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
});
afterAll(async () => {
  await dynamodb.close();
});

/** The same rules must hold on DynamoDB (dynalite) and on the in-memory store replay uses. */
const STORES: [string, () => Promise<DedupStore>][] = [
  ['DynamoDB (dynalite)', async () => new DynamoDbDedupStore(dynamodb.client, await dynamodb.createTable())],
  ['memory', async () => new MemoryDedupStore()],
];

/** `count` denials of one principal at `at`, as one problem of a batch in cluster `prod`. */
function problem(principal: string, count: number, at: number, category = 'IDENTITY_NOT_MAPPED'): Problem {
  const arn = `arn:aws:iam::111122223333:role/${principal}`;
  return {
    key: `prod|${category}|NOT_IN_AWS_AUTH|${arn}`,
    finding: {
      category: category as Category,
      severity: 'high',
      principal: { arn, accountId: '111122223333', type: 'role', name: principal },
      details: {},
      record: { msg: 'access denied', fields: { arn } },
    },
    context: {},
    occurrences: { count, firstSeen: at, lastSeen: at },
  };
}

describe.each(STORES)('flood control on the %s store', (_name, makeStore) => {
  describe('first occurrence', () => {
    it('alerts on the first occurrence of a problem and suppresses its repeats within the window', async () => {
      // Prepare
      const flood = new FloodControl(await makeStore(), { windowMs: WINDOW, cap: 20 });

      // Act
      const first = await flood.record('prod', problem('dev', 3, T0), 'batch-1', T0);
      const repeat = await flood.record('prod', problem('dev', 5, T0 + MINUTE), 'batch-2', T0 + MINUTE);

      // Assess
      expect(first.outcome).toBe('alerted');
      expect(repeat.outcome).toBe('suppressed');
      expect(repeat.closed).toEqual([]);
    });

    it('gives a retried batch its own alert again instead of counting it as a repeat', async () => {
      // Prepare
      const flood = new FloodControl(await makeStore(), { windowMs: WINDOW, cap: 20 });
      const first = await flood.record('prod', problem('dev', 3, T0), 'batch-1', T0);

      // Act
      const retry = await flood.record('prod', problem('dev', 3, T0), 'batch-1', T0 + 2 * MINUTE);

      // Assess
      expect(first.outcome).toBe('alerted');
      expect(retry).toEqual(first);
    });
  });

  describe('window closing', () => {
    it('sends one follow-up with the count of repeats when the sweep finds the window over', async () => {
      // Prepare
      const store = await makeStore();
      const flood = new FloodControl(store, { windowMs: WINDOW, cap: 20 });
      await flood.record('prod', problem('dev', 1, T0), 'b1', T0);
      await flood.record('prod', problem('dev', 400, T0 + MINUTE), 'b2', T0 + MINUTE);
      await flood.record('prod', problem('dev', 12, T0 + 2 * MINUTE), 'b3', T0 + 2 * MINUTE);

      // Act
      const early = await flood.sweep(T0 + 30 * MINUTE);
      const due = await flood.sweep(T0 + WINDOW + 5 * MINUTE);

      // Assess
      expect(early.followups).toEqual([]);
      expect(due.followups).toHaveLength(1);
      expect(due.followups[0]?.followup).toMatchObject({
        count: 412,
        firstSeen: T0 + MINUTE,
        lastSeen: T0 + 2 * MINUTE,
      });
    });

    it('closes the window on the next occurrence after it, when the sweep has not run yet', async () => {
      // Prepare
      const flood = new FloodControl(await makeStore(), { windowMs: WINDOW, cap: 20 });
      await flood.record('prod', problem('dev', 1, T0), 'b1', T0);
      await flood.record('prod', problem('dev', 7, T0 + MINUTE), 'b2', T0 + MINUTE);

      // Act
      const after = await flood.record(
        'prod',
        problem('dev', 2, T0 + WINDOW + MINUTE),
        'b3',
        T0 + WINDOW + MINUTE,
      );

      // Assess: the follow-up of the first window is due, the new occurrences count towards the next one
      expect(after.outcome).toBe('suppressed');
      expect(after.closed.map((closed) => closed.followup.count)).toEqual([7]);
    });

    it('alerts again when a problem comes back after a window without repeats', async () => {
      // Prepare
      const flood = new FloodControl(await makeStore(), { windowMs: WINDOW, cap: 20 });
      await flood.record('prod', problem('dev', 1, T0), 'b1', T0);
      const quiet = await flood.sweep(T0 + WINDOW);

      // Act
      const back = await flood.record('prod', problem('dev', 1, T0 + 3 * WINDOW), 'b2', T0 + 3 * WINDOW);

      // Assess
      expect(quiet.followups).toEqual([]);
      expect(back.outcome).toBe('alerted');
    });

    it('does not send the follow-up twice when the sweep runs twice', async () => {
      // Prepare
      const flood = new FloodControl(await makeStore(), { windowMs: WINDOW, cap: 20 });
      await flood.record('prod', problem('dev', 1, T0), 'b1', T0);
      await flood.record('prod', problem('dev', 9, T0 + MINUTE), 'b2', T0 + MINUTE);
      const first = await flood.sweep(T0 + WINDOW);
      for (const closed of first.followups) await flood.done(closed.due);

      // Act
      const second = await flood.sweep(T0 + WINDOW + 5 * MINUTE);

      // Assess
      expect(first.followups).toHaveLength(1);
      expect(second.followups).toEqual([]);
    });

    it('offers an undelivered follow-up again on the next sweep, with the same message ID and count', async () => {
      // Prepare
      const flood = new FloodControl(await makeStore(), { windowMs: WINDOW, cap: 20 });
      await flood.record('prod', problem('dev', 1, T0), 'b1', T0);
      await flood.record('prod', problem('dev', 9, T0 + MINUTE), 'b2', T0 + MINUTE);
      const failed = await flood.sweep(T0 + WINDOW);

      // Act: the delivery failed, so the entry was not marked done
      const again = await flood.sweep(T0 + WINDOW + 5 * MINUTE);

      // Assess
      expect(failed.followups).toHaveLength(1);
      expect(again.followups.map((c) => c.followup)).toEqual(failed.followups.map((c) => c.followup));
    });
  });

  describe('per-cluster cap', () => {
    it('alerts for the first `cap` problems of a window and digests the rest with counts per category', async () => {
      // Prepare
      const flood = new FloodControl(await makeStore(), { windowMs: WINDOW, cap: 3 });

      // Act
      const outcomes: string[] = [];
      for (let i = 0; i < 8; i++) {
        const category = i % 2 === 0 ? 'IDENTITY_NOT_MAPPED' : 'IDENTITY_ARN_MISMATCH';
        outcomes.push(
          (await flood.record('prod', problem(`p${i}`, 2, T0 + i, category), `b${i}`, T0 + i)).outcome,
        );
      }
      const repeat = await flood.record(
        'prod',
        problem('p7', 4, T0 + 10, 'IDENTITY_ARN_MISMATCH'),
        'b9',
        T0 + 10,
      );
      await flood.flushDigests('b-all');
      const swept = await flood.sweep(Math.ceil((T0 + 1) / WINDOW) * WINDOW);

      // Assess
      expect(outcomes).toEqual([
        'alerted',
        'alerted',
        'alerted',
        'digested',
        'digested',
        'digested',
        'digested',
        'digested',
      ]);
      expect(repeat.outcome).toBe('digested');
      expect(swept.digests).toHaveLength(1);
      expect(swept.digests[0]?.tally).toMatchObject({
        count: 14,
        principals: 5,
        categories: { IDENTITY_NOT_MAPPED: 4, IDENTITY_ARN_MISMATCH: 10 },
      });
    });
  });

  describe('alert slots', () => {
    it('gives back only slots that were taken: releasing one twice does not raise the cap', async () => {
      const store = await makeStore();
      await store.takeAlertSlot('prod', 1, 2, 0);
      await store.releaseAlertSlot('prod', 1);
      await store.releaseAlertSlot('prod', 1);
      const taken = [];
      for (let i = 0; i < 3; i++) taken.push(await store.takeAlertSlot('prod', 1, 2, 0));

      expect(taken).toEqual([true, true, false]);
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of many concurrent invocations alert for a new problem, and loses no count', async () => {
      // Prepare
      const store = await makeStore();
      const invocations = Array.from(
        { length: 20 },
        () => new FloodControl(store, { windowMs: WINDOW, cap: 20 }),
      );

      // Act
      const decisions = await Promise.all(
        invocations.map((flood, i) =>
          flood.record('prod', problem('dev', 500, T0 + i), `batch-${i}`, T0 + i),
        ),
      );
      const swept = await new FloodControl(store, { windowMs: WINDOW, cap: 20 }).sweep(T0 + 2 * WINDOW);

      // Assess
      expect(decisions.filter((d) => d.outcome === 'alerted')).toHaveLength(1);
      expect(decisions.filter((d) => d.outcome === 'suppressed')).toHaveLength(19);
      expect(swept.followups.map((c) => c.followup.count)).toEqual([19 * 500]);
    });

    it('never takes more alert slots than the cap when distinct problems arrive concurrently', async () => {
      // Prepare
      const store = await makeStore();

      // Act
      const decisions = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          new FloodControl(store, { windowMs: WINDOW, cap: 5 }).record(
            'prod',
            problem(`p${i}`, 1, T0),
            `b${i}`,
            T0,
          ),
        ),
      );

      // Assess
      expect(decisions.filter((d) => d.outcome === 'alerted')).toHaveLength(5);
      expect(decisions.filter((d) => d.outcome === 'digested')).toHaveLength(25);
    });
  });

  describe('delivery state and batch records', () => {
    it('remembers which sinks a message reached', async () => {
      // Prepare
      const store = await makeStore();

      // Act
      await store.markDelivered('prod', 'alert#x#1', 'sns:arn:aws:sns:eu-west-1:123456789012:t', 2e9);
      await store.markDelivered('prod', 'alert#x#1', 'slack', 2e9);
      const sinks = await store.deliveredSinks('prod', 'alert#x#1');
      const none = await store.deliveredSinks('prod', 'alert#y#1');

      // Assess
      expect([...sinks].sort()).toEqual(['slack', 'sns:arn:aws:sns:eu-west-1:123456789012:t']);
      expect(none.size).toBe(0);
    });

    it('claims a batch once: a retry finds the claim, and whether its delivery state was complete', async () => {
      // Prepare
      const store = await makeStore();

      // Act
      const first = await store.claimBatch('prod', 'batch-1', 2e9);
      const retry = await store.claimBatch('prod', 'batch-1', 2e9);
      await store.markBatchRecorded('prod', 'batch-1');
      const later = await store.claimBatch('prod', 'batch-1', 2e9);

      // Assess
      expect(first).toEqual({ kind: 'new' });
      expect(retry).toEqual({ kind: 'retry', recorded: false });
      expect(later).toEqual({ kind: 'retry', recorded: true });
    });
  });

  describe('counting a batch once', () => {
    it('counts the repeats of a retried batch once, even after other batches counted the same problem', async () => {
      // Prepare
      const store = await makeStore();
      const flood = () => new FloodControl(store, { windowMs: WINDOW, cap: 20 });
      await flood().record('prod', problem('dev', 1, T0), 'batch-0', T0);

      // Act
      await flood().record('prod', problem('dev', 100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
      await flood().record('prod', problem('dev', 7, T0 + 2 * MINUTE), 'batch-2', T0 + 2 * MINUTE);
      const retry = await flood().record(
        'prod',
        problem('dev', 100, T0 + MINUTE),
        'batch-1',
        T0 + 3 * MINUTE,
      );
      const window = await store.getProblem('prod', problemId(problem('dev', 1, T0).key));

      // Assess
      expect(retry.outcome).toBe('suppressed');
      expect(window?.pending).toBe(107);
    });

    it("adds a retried batch's digest additions once, in one write per cap window", async () => {
      // Prepare
      const store = await makeStore();
      const control = () => new FloodControl(store, { windowMs: WINDOW, cap: 1 });
      const batch = [problem('a', 1, T0), problem('b', 2, T0), problem('c', 3, T0)];

      // Act
      for (let attempt = 0; attempt < 2; attempt++) {
        const flood = control();
        for (const p of batch) await flood.record('prod', p, 'batch-1', T0);
        await flood.flushDigests('batch-1');
      }
      const swept = await control().sweep(T0 + 2 * WINDOW);

      // Assess
      expect(swept.digests).toHaveLength(1);
      expect(swept.digests[0]?.tally.count).toBe(5);
      expect(swept.digests[0]?.tally.principals).toBe(2);
    });
  });
});

describe('problem IDs', () => {
  it('are short and safe whatever the problem key holds', () => {
    // Prepare
    const forged = `prod|TOKEN_STS_HOST_REJECTED|-|error:${'<!channel>#'.repeat(500)}`;

    // Act
    const id = problemId(forged);

    // Assess
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(problemId(forged)).toBe(id);
  });
});
