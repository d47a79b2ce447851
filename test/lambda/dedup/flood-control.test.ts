import { describe, expect, it } from 'vitest';
import { ACCOUNT_SCOPE, FloodControl, problemId } from '../../../lambda/dedup/flood-control';
import { COUNTED_BATCHES_KEPT, type DedupStore } from '../../../lambda/dedup/store';
import type { Category } from '../../../lambda/engine/categories';
import type { Problem } from '../../../lambda/engine/diagnose/problem';
import { dedupStores } from '../../helpers/dedup-stores';
import { T0 } from '../../helpers/fixtures';

const MINUTE = 60_000;
const WINDOW = 60 * MINUTE;

/** The same rules must hold on DynamoDB (dynalite) and on the in-memory store replay uses. */
const STORES = dedupStores();

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

/** `store`, except that the first call of `method` throws: the invocation died there. */
function diesOnFirst(store: DedupStore, method: keyof DedupStore): DedupStore {
  let died = false;
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name !== method || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (died) return value.apply(target, args);
        died = true;
        return Promise.reject(new Error(`the invocation died in ${String(method)}`));
      };
    },
  });
}

/**
 * A cluster whose cap of 1 batch-0 took, with batch-1 claimed at T0 (its first attempt): what
 * batch-1 decides next goes into the digest of T0's hour.
 */
async function capTakenThenClaimed(makeStore: () => Promise<DedupStore>) {
  const store = await makeStore();
  const capped = { windowMs: WINDOW, cap: 1 };
  const nextHour = Math.ceil(T0 / WINDOW) * WINDOW;
  await new FloodControl(store, capped).record('prod', problem('a', 1, T0), 'batch-0', T0);
  await store.claimBatch('prod', 'batch-1', 2e9, T0);
  return { store, capped, nextHour };
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
      await store.takeAlertSlot('prod', 1, 2, 0, 'alert#a');
      await store.releaseAlertSlot('prod', 1, 'alert#a');
      await store.releaseAlertSlot('prod', 1, 'alert#a');
      const taken = [];
      for (let i = 0; i < 3; i++) taken.push(await store.takeAlertSlot('prod', 1, 2, 0, `alert#${i}`));

      expect(taken).toEqual(['taken', 'taken', 'full']);
    });

    it('gives a holder one slot however often it asks, and gives it back only to that holder', async () => {
      // Prepare
      const store = await makeStore();

      // Act
      const first = await store.takeAlertSlot('prod', 1, 2, 0, 'alert#x');
      const again = await store.takeAlertSlot('prod', 1, 2, 0, 'alert#x');
      await store.releaseAlertSlot('prod', 1, 'alert#nobody');
      const other = await store.takeAlertSlot('prod', 1, 2, 0, 'alert#y');
      const third = await store.takeAlertSlot('prod', 1, 2, 0, 'alert#z');
      const whenFull = await store.takeAlertSlot('prod', 1, 2, 0, 'alert#x');

      // Assess
      expect([first, again, other, third, whenFull]).toEqual(['taken', 'held', 'taken', 'full', 'held']);
    });

    it('takes the account-wide ceiling from the setting: past it, another cluster digests into the account digest', async () => {
      // Prepare: 2 alerts per cluster, 3 across the account.
      const store = await makeStore();
      const flood = new FloodControl(store, { windowMs: WINDOW, cap: 2, accountCap: 3 });
      const principals = [
        ['east', 'a'],
        ['east', 'b'],
        ['west', 'c'],
        ['west', 'd'],
      ] as const;

      // Act
      const outcomes = [];
      for (const [cluster, principal] of principals)
        outcomes.push(
          (await flood.record(cluster, problem(principal, 1, T0), `batch-${principal}`, T0)).outcome,
        );
      await flood.flushDigests('batch-d');
      const swept = await flood.sweep(T0 + 2 * WINDOW);

      // Assess
      expect(outcomes).toEqual(['alerted', 'alerted', 'alerted', 'digested']);
      expect(swept.digests.map((digest) => digest.cluster)).toEqual([ACCOUNT_SCOPE]);
    });

    it("alerts on a retry with the slot its earlier attempt took before dying, even when that was the window's last", async () => {
      // Prepare: cap 1; the attempt takes the only slot and dies before it opens the window.
      const store = await makeStore();
      const settings = { windowMs: WINDOW, cap: 1 };
      const dying = diesOnFirst(store, 'createProblem');
      const died = await new FloodControl(dying, settings)
        .record('prod', problem('oncall', 1, T0), 'batch-1', T0)
        .then(
          () => 'lived',
          () => 'died',
        );

      // Act: the retry, then another batch's new problem
      const retry = new FloodControl(store, settings, { counted: new Set() });
      const again = await retry.record('prod', problem('oncall', 1, T0), 'batch-1', T0 + MINUTE);
      const other = await new FloodControl(store, settings).record(
        'prod',
        problem('dev', 1, T0 + 2 * MINUTE),
        'batch-2',
        T0 + 2 * MINUTE,
      );

      // Assess: the slot went to the oncall alert, once; the cap still holds for the rest.
      expect(died).toBe('died');
      expect(again.outcome).toBe('alerted');
      expect(other.outcome).toBe('digested');
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

    it('keeps a batch that counted and died before recording it in the window, however many batches count after it', async () => {
      // Prepare: batch-1 counts 100 repeats and dies before its marker records that.
      const store = await makeStore();
      const settings = { windowMs: WINDOW, cap: 20 };
      const dev = (count: number, at: number) => problem('dev', count, at);
      await new FloodControl(store, settings).record('prod', dev(1, T0), 'batch-0', T0);
      await store.claimBatch('prod', 'batch-1', 2e9);
      await new FloodControl(store, settings).record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
      // 200 batches count a repeat each, as the pipeline does: claim, count, record on the marker.
      for (let i = 0; i < 200; i++) {
        const flood = new FloodControl(store, settings);
        await store.claimBatch('prod', `other-${i}`, 2e9);
        await flood.record('prod', dev(1, T0 + 2 * MINUTE + i), `other-${i}`, T0 + 2 * MINUTE + i);
        await flood.markCounted('prod', `other-${i}`);
      }

      // Act: batch-1's retry
      const claim = await store.claimBatch('prod', 'batch-1', 2e9);
      const retry = new FloodControl(store, settings, { counted: new Set() });
      const decision = await retry.record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + 10 * MINUTE);
      const window = await store.getProblem('prod', problemId(dev(1, T0).key));

      // Assess: counted once, and the list stays bounded by the batches that recorded their count.
      expect(claim).toEqual({ kind: 'retry', recorded: false });
      expect(decision.outcome).toBe('suppressed');
      expect(window?.pending).toBe(300);
      expect(window?.counted).toContain('batch-1');
      expect(window?.counted?.length).toBeLessThanOrEqual(COUNTED_BATCHES_KEPT + 1);
    });

    it('counts nothing for a retry whose marker records the count, even after the window it counted into closed', async () => {
      // Prepare: batch-1 counts 100 repeats and records it; the window closes with its follow-up.
      const store = await makeStore();
      const settings = { windowMs: WINDOW, cap: 20 };
      const dev = (count: number, at: number) => problem('dev', count, at);
      await new FloodControl(store, settings).record('prod', dev(1, T0), 'batch-0', T0);
      await store.claimBatch('prod', 'batch-1', 2e9);
      const attempt = new FloodControl(store, settings);
      await attempt.record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
      await attempt.markCounted('prod', 'batch-1');
      const swept = await new FloodControl(store, settings).sweep(T0 + WINDOW + MINUTE);

      // Act: batch-1's retry, in the next window
      const claim = await store.claimBatch('prod', 'batch-1', 2e9);
      const earlier = claim.kind === 'retry' ? { counted: claim.counted ?? new Set<string>() } : undefined;
      const decision = await new FloodControl(store, settings, earlier).record(
        'prod',
        dev(100, T0 + MINUTE),
        'batch-1',
        T0 + WINDOW + 2 * MINUTE,
      );
      const window = await store.getProblem('prod', problemId(dev(1, T0).key));

      // Assess
      expect(swept.followups.map((f) => f.followup.count)).toEqual([100]);
      expect(earlier?.counted).toEqual(new Set([problemId(dev(1, T0).key)]));
      expect(decision.outcome).toBe('suppressed');
      expect(window?.pending).toBe(0);
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

  describe('a retry after the window it counted into closed', () => {
    const settings = { windowMs: WINDOW, cap: 20 };
    const dev = (count: number, at: number) => problem('dev', count, at);
    const devId = problemId(dev(1, T0).key);

    /** What a retry's flood control is given: its marker, as the claim finds it. */
    async function retryOf(store: DedupStore, batchId: string) {
      const claim = await store.claimBatch('prod', batchId, 2e9);
      if (claim.kind !== 'retry') throw new Error(`${batchId} was never claimed`);
      return new FloodControl(store, settings, {
        counted: claim.counted ?? new Set(),
        alerted: claim.alerted ?? new Map(),
      });
    }

    it('counts nothing for a batch that counted and died before recording it, once its window rolled and the next closed quiet', async () => {
      // Prepare: batch-1 counts 100 repeats and dies before its marker records that.
      const store = await makeStore();
      await new FloodControl(store, settings).record('prod', dev(1, T0), 'batch-0', T0);
      await store.claimBatch('prod', 'batch-1', 2e9);
      await new FloodControl(store, settings).record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
      const sweep = new FloodControl(store, settings);
      const rolled = await sweep.sweep(T0 + WINDOW + MINUTE);
      for (const closed of rolled.followups) await sweep.done(closed.due);
      const quiet = await sweep.sweep(T0 + 2 * WINDOW + MINUTE);

      // Act: batch-1's retry, two hours late
      const retry = await retryOf(store, 'batch-1');
      const decision = await retry.record(
        'prod',
        dev(100, T0 + MINUTE),
        'batch-1',
        T0 + 2 * WINDOW + 2 * MINUTE,
      );

      // Assess: the follow-up counted the 100 once; the retry neither alerts nor opens a window.
      expect(rolled.followups.map((f) => f.followup.count)).toEqual([100]);
      expect(quiet.followups).toEqual([]);
      expect(decision.outcome).toBe('suppressed');
      expect(await store.getProblem('prod', devId)).toBeUndefined();
    });

    it('gives the batch that opened a window that closed its alert again, under the same message ID, and counts nothing', async () => {
      // Prepare: batch-1 alerts (its invocation then fails, say on Slack); the window closes quiet.
      const store = await makeStore();
      await store.claimBatch('prod', 'batch-1', 2e9);
      const first = await new FloodControl(store, settings).record('prod', dev(3, T0), 'batch-1', T0);
      await new FloodControl(store, settings).sweep(T0 + WINDOW + MINUTE);

      // Act
      const retry = await retryOf(store, 'batch-1');
      const again = await retry.record('prod', dev(3, T0), 'batch-1', T0 + WINDOW + 2 * MINUTE);

      // Assess
      expect(first.outcome).toBe('alerted');
      expect(again).toEqual({ ...first, closed: [] });
      expect(await store.getProblem('prod', devId)).toBeUndefined();
    });

    it('counts nothing for a batch whose window closed while the retry was already running', async () => {
      // Prepare: batch-1 counts 100 and dies; its retry claims before the window closes quiet.
      const store = await makeStore();
      await new FloodControl(store, settings).record('prod', dev(1, T0), 'batch-0', T0);
      await store.claimBatch('prod', 'batch-1', 2e9);
      await new FloodControl(store, settings).record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
      await new FloodControl(store, settings).sweep(T0 + WINDOW + MINUTE);
      const retry = await retryOf(store, 'batch-1');
      await new FloodControl(store, settings).sweep(T0 + 2 * WINDOW + MINUTE);

      // Act
      const decision = await retry.record(
        'prod',
        dev(100, T0 + MINUTE),
        'batch-1',
        T0 + 2 * WINDOW + 2 * MINUTE,
      );

      // Assess
      expect(decision.outcome).toBe('suppressed');
      expect(await store.getProblem('prod', devId)).toBeUndefined();
    });

    it.each(['handOver', 'rollWindow'] as const)(
      'counts nothing twice when the close dies in %s: the retry counts nothing, the next close sends the follow-up once',
      async (step) => {
        // Prepare: batch-1 counts 100 and dies; the sweep that closes its window dies at one of its writes.
        const store = await makeStore();
        await new FloodControl(store, settings).record('prod', dev(1, T0), 'batch-0', T0);
        await store.claimBatch('prod', 'batch-1', 2e9);
        await new FloodControl(store, settings).record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
        const died = await new FloodControl(diesOnFirst(store, step), settings)
          .sweep(T0 + WINDOW + MINUTE)
          .then(
            () => 'lived',
            () => 'died',
          );

        // Act: batch-1's retry, then the next sweep
        const retry = await retryOf(store, 'batch-1');
        const decision = await retry.record(
          'prod',
          dev(100, T0 + MINUTE),
          'batch-1',
          T0 + WINDOW + 2 * MINUTE,
        );
        const swept = await new FloodControl(store, settings).sweep(T0 + WINDOW + 3 * MINUTE);
        const next = await store.getProblem('prod', devId);

        // Assess: the 100 are in the one follow-up, and nothing was counted into the next window.
        expect(died).toBe('died');
        expect(decision.outcome).toBe('suppressed');
        expect(swept.followups.map((f) => f.followup.count)).toEqual([100]);
        expect(next?.windowStart).toBe(T0 + WINDOW);
        expect(next?.pending).toBe(0);
      },
    );

    it('counts nothing for a retry, in the next cap window, of a batch whose problems past the cap went into the digest', async () => {
      // Prepare: cap 1, taken by batch-0; batch-1's problem goes into the digest of the hour.
      const { store, capped, nextHour } = await capTakenThenClaimed(makeStore);
      const attempt = new FloodControl(store, capped);
      const first = await attempt.record('prod', problem('b', 4, T0), 'batch-1', T0);
      await attempt.flushDigests('batch-1');
      await attempt.markCounted('prod', 'batch-1');

      // Act: batch-1's retry (its invocation failed later, say on Slack), in the next hour
      const claim = await store.claimBatch('prod', 'batch-1', 2e9);
      const retry = new FloodControl(store, capped, claim.kind === 'retry' ? claim : undefined);
      const again = await retry.record('prod', problem('b', 4, T0), 'batch-1', nextHour + MINUTE);
      await retry.flushDigests('batch-1');
      const swept = await new FloodControl(store, capped).sweep(nextHour + 2 * WINDOW);

      // Assess: the 4 are in the first hour's digest, once; the next hour neither alerts nor digests them.
      expect(first.outcome).toBe('digested');
      expect(again.outcome).toBe('suppressed');
      expect(swept.digests.map((digest) => [digest.bucket, digest.tally.count])).toEqual([
        [nextHour / WINDOW - 1, 4],
      ]);
    });

    it('counts nothing for a retry, in the next cap window, of an attempt that died between its digest additions and its marker write', async () => {
      // Prepare: cap 1, taken by batch-0; batch-1's problem goes into the digest of the hour, and its
      // attempt dies before recording on the marker that it decided everything.
      const { store, capped, nextHour } = await capTakenThenClaimed(makeStore);
      const attempt = new FloodControl(store, capped);
      const first = await attempt.record('prod', problem('b', 4, T0), 'batch-1', T0);
      await attempt.flushDigests('batch-1');

      // Act: batch-1's retry, in the next hour
      const claim = await store.claimBatch('prod', 'batch-1', 2e9, nextHour + MINUTE);
      const earlier = claim.kind === 'retry' ? claim : undefined;
      const retry = new FloodControl(store, capped, earlier);
      const again = await retry.record('prod', problem('b', 4, T0), 'batch-1', nextHour + MINUTE);
      await retry.flushDigests('batch-1');
      const swept = await new FloodControl(store, capped).sweep(nextHour + 2 * WINDOW);

      // Assess: the claim keeps the first attempt's time; the 4 are in the first hour's digest, once.
      expect(earlier?.claimedAt).toBe(T0);
      expect(first.outcome).toBe('digested');
      expect(again.outcome).toBe('suppressed');
      expect(swept.digests.map((digest) => [digest.bucket, digest.tally.count])).toEqual([
        [nextHour / WINDOW - 1, 4],
      ]);
      expect(swept.followups).toEqual([]);
    });

    it('counts a retry in the next cap window afresh when its attempt died before its digest additions', async () => {
      // Prepare: as above, but the attempt dies before writing the digest.
      const { store, capped, nextHour } = await capTakenThenClaimed(makeStore);
      await new FloodControl(store, capped).record('prod', problem('b', 4, T0), 'batch-1', T0);

      // Act: the retry, in the next hour
      const claim = await store.claimBatch('prod', 'batch-1', 2e9, nextHour + MINUTE);
      const retry = new FloodControl(store, capped, claim.kind === 'retry' ? claim : undefined);
      const again = await retry.record('prod', problem('b', 4, T0), 'batch-1', nextHour + MINUTE);

      // Assess: counted once, now (the first hour's digest never got it)
      expect(again.outcome).toBe('alerted');
    });
  });

  describe('a duplicate delivery running beside the attempt it duplicates', () => {
    const settings = { windowMs: WINDOW, cap: 20 };
    const dev = (count: number, at: number) => problem('dev', count, at);
    const devId = problemId(dev(1, T0).key);

    /** Another batch counting one repeat as the pipeline does: claim, count, record on the marker. */
    async function otherCounts(store: DedupStore, batchId: string, at: number): Promise<void> {
      const flood = new FloodControl(store, settings);
      await store.claimBatch('prod', batchId, 2e9);
      await flood.record('prod', dev(1, at), batchId, at);
      await flood.markCounted('prod', batchId);
    }

    it('counts nothing when, before it counts, the original records its count and 70 other batches trim it out of the window', async () => {
      // Prepare: the original claims batch-1, then its duplicate finds the claim (nothing counted yet).
      const store = await makeStore();
      await new FloodControl(store, settings).record('prod', dev(1, T0), 'batch-0', T0);
      await store.claimBatch('prod', 'batch-1', 2e9);
      const claim = await store.claimBatch('prod', 'batch-1', 2e9);
      const duplicate = new FloodControl(store, settings, { counted: new Set(), alerted: new Map() });
      const original = new FloodControl(store, settings);
      await original.record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
      await original.markCounted('prod', 'batch-1');
      for (let i = 0; i < 70; i++) await otherCounts(store, `other-${i}`, T0 + 2 * MINUTE + i);

      // Act
      const decision = await duplicate.record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
      const window = await store.getProblem('prod', devId);

      // Assess: the 100 are counted once, though the window no longer lists batch-1.
      expect(claim).toEqual({ kind: 'retry', recorded: false });
      expect(decision.outcome).toBe('suppressed');
      expect(window?.pending).toBe(170);
      expect(window?.counted).not.toContain('batch-1');
    });

    it('counts nothing for the attempt that claimed first, when its duplicate counted, recorded and was trimmed out before it counts', async () => {
      // Prepare: the first claim is slow; the duplicate (a retry by its claim) counts and records first.
      const store = await makeStore();
      await new FloodControl(store, settings).record('prod', dev(1, T0), 'batch-1-opener', T0);
      await store.claimBatch('prod', 'batch-1', 2e9);
      const first = new FloodControl(store, settings);
      await store.claimBatch('prod', 'batch-1', 2e9);
      const duplicate = new FloodControl(store, settings, { counted: new Set(), alerted: new Map() });
      await duplicate.record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
      await duplicate.markCounted('prod', 'batch-1');
      for (let i = 0; i < 70; i++) await otherCounts(store, `other-${i}`, T0 + 2 * MINUTE + i);

      // Act
      const decision = await first.record('prod', dev(100, T0 + MINUTE), 'batch-1', T0 + MINUTE);
      const window = await store.getProblem('prod', devId);

      // Assess
      expect(decision.outcome).toBe('suppressed');
      expect(window?.pending).toBe(170);
      expect(window?.counted).not.toContain('batch-1');
    });

    it('counts nothing when the original counts, records and is trimmed out between its read of the window and its write', async () => {
      // Prepare: 62 batches counted and recorded; the duplicate reads the window (batch-1 not in it)…
      const store = await makeStore();
      await new FloodControl(store, settings).record('prod', dev(1, T0), 'batch-0', T0);
      for (let i = 0; i < 62; i++) await otherCounts(store, `other-${i}`, T0 + MINUTE + i);
      await store.claimBatch('prod', 'batch-1', 2e9);
      await store.claimBatch('prod', 'batch-1', 2e9);
      // …and, just before it writes, the original counts and records, and two more batches fill the
      // list and trim it of every batch whose marker records its count.
      let interleaved = false;
      const racing = new Proxy(store, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (name !== 'addRepeats' || typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            if (!interleaved) {
              interleaved = true;
              const original = new FloodControl(store, settings);
              await original.record('prod', dev(100, T0 + 2 * MINUTE), 'batch-1', T0 + 2 * MINUTE);
              await original.markCounted('prod', 'batch-1');
              await otherCounts(store, 'other-62', T0 + 3 * MINUTE);
              await otherCounts(store, 'other-63', T0 + 3 * MINUTE + 1);
            }
            return value.apply(target, args);
          };
        },
      });
      const duplicate = new FloodControl(racing, settings, { counted: new Set(), alerted: new Map() });

      // Act
      const decision = await duplicate.record('prod', dev(100, T0 + 2 * MINUTE), 'batch-1', T0 + 2 * MINUTE);
      const window = await store.getProblem('prod', devId);

      // Assess: the list was trimmed (batch-1 left it), and the 100 are counted once.
      expect(interleaved).toBe(true);
      expect(decision.outcome).toBe('suppressed');
      expect(window?.pending).toBe(62 + 100 + 2);
      expect(window?.counted).not.toContain('batch-1');
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
