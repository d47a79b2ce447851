import { createHash, randomUUID } from 'node:crypto';
import { unsetValue, WHOLE_NUMBER_SETTINGS } from '../contract';
import type { Category } from '../engine/categories';
import type { Occurrences, Problem } from '../engine/diagnose/problem';
import { trustOf } from '../engine/diagnose/problem-key';
import type {
  BatchRecord,
  DedupStore,
  DigestAddition,
  DigestTally,
  DueEntry,
  FollowupRecord,
  ProblemWindow,
  SlotAnswer,
} from './store';
import { problemOfWindow, storedProblem } from './stored-problem';
import { mergeTopPrincipals } from './top-principals';

/** A digest addition being summed over one batch. */
interface Addition {
  count: number;
  firstSeen: number;
  lastSeen: number;
  newPrincipals: number;
  categories: Partial<Record<Category, number>>;
  /** Occurrences per denied principal ARN: at most the batch's problems, cut to the top at the write. */
  principals: Map<string, number>;
  account?: string;
}

/** A window that closed with repeats: one follow-up to send. */
export interface ClosedWindow {
  readonly window: ProblemWindow;
  readonly followup: FollowupRecord;
  /** The sweep's entry for it, removed once the follow-up is delivered. */
  readonly due: DueEntry;
}

/** A digest whose cap window is over: one digest message to send. */
export interface ClosedDigest {
  readonly cluster: string;
  readonly bucket: number;
  readonly messageId: string;
  readonly tally: DigestTally;
  readonly due: DueEntry;
}

/**
 * What to do with a batch's occurrences of a problem (its `Problem.occurrences`):
 * - `alerted`: first occurrence (or the first after a quiet window): send an alert now;
 * - `suppressed`: counted as repeats of an alerted problem, summarised by a follow-up later;
 * - `digested`: past the cluster's cap, counted in the cap window's digest.
 * `closed` lists windows this call found over and closed: their follow-ups are due now.
 */
export type Decision =
  | { readonly outcome: 'alerted'; readonly messageId: string; readonly closed: readonly ClosedWindow[] }
  | { readonly outcome: 'suppressed' | 'digested'; readonly closed: readonly ClosedWindow[] };

export interface FloodControlSettings {
  readonly windowMs: number;
  /** Capped messages (identity alerts and follow-ups) per cluster and window. */
  readonly cap: number;
  /**
   * Capped messages per window across every cluster of the account (the function serves one
   * account); past it, new problems of any cluster go into one combined account digest. The setting
   * `accountAlertCap` (`ACCOUNT_ALERT_CAP`).
   * @default ACCOUNT_CAP_FACTOR × cap
   */
  readonly accountCap?: number;
}

/** The account-wide ceiling, when not set: the caps of this many clusters (the contract's derived default). */
export const ACCOUNT_CAP_FACTOR = WHOLE_NUMBER_SETTINGS.accountAlertCap.derivedDefault.times;

/**
 * Where the account-wide ceiling and digest are kept: a pseudo-cluster no EKS cluster can be named
 * (cluster names are letters, digits, `-` and `_`), so its cap and digest items sit beside the clusters'.
 */
export const ACCOUNT_SCOPE = '*account';

/** The account-wide ceiling of `settings`. */
export function accountCapOf(settings: FloodControlSettings): number {
  return settings.accountCap ?? unsetValue('accountAlertCap', { alertCap: settings.cap });
}

/** Many writers on one problem at once: reading again this often and still losing means something is wrong. */
const MAX_ATTEMPTS = 8;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Which budget a problem spends. `uncapped`: cluster breakages, anything critical of the cluster's own
 * account (or of an account not known), and the cluster's one probe-activity problem — never capped,
 * never folded into a digest, alerted at once; bounded anyway, since their keys hold no request text
 * (one per breakage category, one per mapped principal, one probe activity). `capped`: every other
 * identity problem, which takes one of the cluster's `cap` slots per window for its alert and for each
 * follow-up; past the cap it is counted into the window's digest.
 */
export function budgetOf(problem: Problem): 'capped' | 'uncapped' {
  const { finding, context } = problem;
  const trust = trustOf(finding);
  if (trust === 'breakage' || trust === 'probe') return 'uncapped';
  if (finding.severity !== 'critical') return 'capped';
  const ours = context.cluster?.accountId;
  const theirs = finding.principal?.accountId;
  return ours !== undefined && theirs !== undefined && ours !== theirs ? 'capped' : 'uncapped';
}

/** The cluster's account a problem's fix was written for, as a digest addition carries it. */
function accountOf(problem: Problem | undefined): { account?: string } {
  const account = problem?.context.cluster?.accountId;
  return account === undefined ? {} : { account };
}

/** The category a problem key names (`<cluster>|<category>|…`). */
function categoryOfKey(problemKey: string): Category {
  return (problemKey.split('|')[1] ?? 'UNKNOWN') as Category;
}

/**
 * What an earlier attempt of the same batch left, as its batch marker says when claimed: given to the
 * flood control of a retry.
 */
export interface EarlierAttempt {
  /** The problems whose repeats the batch counted, as recorded on the marker (absent: none). */
  readonly counted?: ReadonlySet<string>;
  /** The alerts of windows the batch opened that have closed since, by problem (absent: none). */
  readonly alerted?: ReadonlyMap<string, string>;
  /** When the first attempt claimed the batch (epoch ms): which cap windows its digests are in. */
  readonly claimedAt?: number;
}

/**
 * The cap windows after the claim's in which the first attempt's digest additions may be: its own
 * decisions may run into the next window, and a digest sent already takes its additions in the one
 * after (`addToDigest`).
 */
const DIGEST_WINDOWS_AFTER_CLAIM = 2;

/** What a batch marker says of one problem: counted already, or alerted under this message ID. */
type Marked =
  | { readonly outcome: 'suppressed' }
  | { readonly outcome: 'alerted'; readonly messageId: string };

/**
 * What `record` says of problem `id`. `decided` (see `BatchRecord.decided`) only when the marker was read
 * after the window, never at the claim: an open window the batch opened must still give its alert.
 */
function markedOf(record: EarlierAttempt | undefined, id: string, decided = false): Marked | undefined {
  const messageId = record?.alerted?.get(id);
  if (messageId !== undefined) return { outcome: 'alerted', messageId };
  return decided || record?.counted?.has(id) ? { outcome: 'suppressed' } : undefined;
}

/** Slots taken for one message: the cap window, the holder (the message), and the scopes this call took. */
interface Slots {
  readonly bucket: number;
  readonly holder: string;
  readonly taken: readonly string[];
}

/** The dedup store kept changing under us; the caller fails open (sends, marked "possibly a duplicate"). */
export class DedupContentionError extends Error {
  override readonly name = 'DedupContentionError';
}

/**
 * Deduplication and flood control — the GuardDuty model: the first occurrence of a problem goes out at
 * once; repeats within the window are counted and summarised in one follow-up when the window closes
 * (the sweep) or when the next occurrence after it arrives; a window that closes without repeats
 * forgets the problem, so a recurrence alerts again. Past `cap` alerts per cluster per window, new
 * problems are folded into one digest per window; past the account-wide ceiling (`accountCap`, all
 * clusters together, kept under {@link ACCOUNT_SCOPE}), new problems of any cluster are folded into
 * one combined account digest per window.
 *
 * Every decision is an atomic conditional step on the store, retried on conflict, so concurrent
 * invocations cannot both alert or lose a count. Time is a parameter: tests close windows without
 * sleeping, replay closes them at the end of its input.
 */
export class FloodControl {
  /** Cap windows found full during this invocation: later new problems skip the slot attempt. */
  private readonly fullBuckets = new Set<string>();
  private readonly dueWritten = new Set<string>();
  /** Windows read ahead for the batch (`prefetch`), each used by its problem's first attempt only. */
  private readonly readAhead = new Map<string, ProblemWindow | undefined>();
  /**
   * The store reads of this invocation, numbered in order (the read-ahead's is `aheadRead`): a count may
   * rely on a batch marker read only if that read came after the window read the count is based on.
   */
  private reads = 0;
  private aheadRead = 0;
  /** The last batch marker read, and its number among `reads`. */
  private marker:
    | { readonly batch: string; readonly read: number; readonly record?: BatchRecord }
    | undefined;
  /** A batch's digest additions, per cluster and cap window: written once per batch by `flushDigests`. */
  private readonly digestBuffer = new Map<string, { cluster: string; bucket: number; addition: Addition }>();
  /** Problems whose repeats this batch counted (or found counted by itself): written by `markCounted`. */
  private readonly countedNow = new Set<string>();
  /** `flushDigests` wrote the batch's digest additions, every problem decided: written by `markCounted`. */
  private digestsWritten = false;
  /** Whether an earlier attempt's digest additions are in a digest (asked once per retry, see `decided`). */
  private earlierDigested: Promise<boolean> | undefined;
  /**
   * Names this invocation in the holders of the follow-up slots it takes: two invocations closing one
   * window at once each hold their own slot, and the one whose close loses gives back only its own.
   */
  private readonly invocation = randomUUID().slice(0, 8);

  /** `earlier`: set on a retry, from the batch marker an earlier attempt claimed. */
  constructor(
    private readonly store: DedupStore,
    private readonly settings: FloodControlSettings,
    private readonly earlier?: EarlierAttempt,
  ) {}

  /**
   * Reads the windows of a batch's problems ahead, in as few calls as the store allows (BatchGetItem:
   * one per 100 problems instead of one GetItem each). Safe however old the read gets: every write
   * that follows is conditional on what was read, and a refused one reads again, alone.
   */
  async prefetch(cluster: string, problems: readonly Problem[]): Promise<void> {
    const ids = problems.map((problem) => problemId(problem.key));
    this.aheadRead = ++this.reads;
    const found = await this.store.getProblems(cluster, ids);
    for (const [id, window] of found) this.readAhead.set(`${cluster}#${id}`, window);
  }

  /** Counts one problem of a batch in `cluster` (the log group's): alert, count as repeats, or digest. */
  async record(cluster: string, problem: Problem, batchId: string, now: number): Promise<Decision> {
    const { lastSeen } = problem.occurrences;
    const id = problemId(problem.key);
    const closed: ClosedWindow[] = [];
    // A retry whose batch marker records that the batch counted this problem: nothing to count, whichever
    // window the count went into and whatever became of it since; or that it alerted, in a window closed
    // since: that alert again, under its message ID (its delivery state stops a second send).
    const earlier = markedOf(this.earlier, id);
    if (earlier) return { ...earlier, closed };
    // The slot an alert of this batch holds: named by problem and batch, so a retry names it the same.
    const holder = `alert#${id}#${batchId}`;
    // Slots this call took for the alert and no window of this batch uses yet.
    let unpaid: Slots | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The first attempt uses the batch's read-ahead, if any; a retry reads again.
      const ahead = `${cluster}#${id}`;
      const fromAhead = attempt === 0 && this.readAhead.has(ahead);
      const read = fromAhead ? this.aheadRead : ++this.reads;
      const window = fromAhead ? this.readAhead.get(ahead) : await this.store.getProblem(cluster, id);
      this.readAhead.delete(ahead);
      if (window && now < window.windowEnd) {
        // A retry of the invocation that alerted: the same alert again (its delivery state stops a re-send).
        if (window.mode === 'alert' && window.openedBy === batchId)
          return { outcome: 'alerted', messageId: alertMessageId(window), closed };
        // Another batch's window: the slots taken here for an alert of this one pay for nothing.
        if (unpaid) await this.releaseSlots(unpaid);
        unpaid = undefined;
        // A retry of a batch whose repeats this window counted already: nothing to count again.
        if (window.counted?.includes(batchId)) {
          this.countedNow.add(id);
          return { outcome: 'suppressed', closed };
        }
        // Neither here nor, as of this read, on the batch's own marker: counted nowhere yet.
        const marked = await this.markedSince(cluster, batchId, id, read);
        if (marked) return { ...marked, closed };
        if (window.mode === 'digest') {
          const scope = window.digestScope === 'account' ? ACCOUNT_SCOPE : cluster;
          this.buffer(scope, window.bucket, problem, 0);
          return { outcome: 'digested', closed };
        }
        if (await this.store.addRepeats(window, problem.occurrences, batchId)) {
          this.countedNow.add(id);
          return { outcome: 'suppressed', closed };
        }
        continue;
      }
      if (window) {
        const closing = await this.close(window, now);
        if (closing === 'conflict') continue;
        if (closing) closed.push(closing);
        continue;
      }
      // No window: the batch's marks of an earlier one, if any, are on its marker (handed over at the close).
      const marked = await this.markedSince(cluster, batchId, id, read);
      if (marked) {
        if (unpaid) await this.releaseSlots(unpaid);
        return { ...marked, closed };
      }
      const bucket = this.bucketOf(now);
      const capped = budgetOf(problem) === 'capped';
      // A retry whose earlier attempt took the slot and died before opening the window finds it held.
      const slots = capped ? await this.takeSlots(cluster, bucket, holder) : undefined;
      if (slots?.full === undefined) {
        unpaid ??= slots?.slots;
        const opened: ProblemWindow = {
          cluster,
          id,
          problemKey: problem.key,
          mode: 'alert',
          windowStart: now,
          windowEnd: now + this.settings.windowMs,
          pending: 0,
          lastSeen,
          bucket,
          openedBy: batchId,
          subject: storedProblem(problem),
          capped,
        };
        await this.addDue({ at: opened.windowEnd, cluster, target: { kind: 'problem', id } });
        if (await this.store.createProblem(opened, this.expiresAt(opened.windowEnd))) {
          return { outcome: 'alerted', messageId: alertMessageId(opened), closed };
        }
        // Someone opened it first; the next read says whose it is (this batch's: the slots are its).
        continue;
      }
      // Past the cluster's cap: the cluster's digest; past the account's ceiling: the account's.
      const scope = slots.full === 'account' ? ACCOUNT_SCOPE : cluster;
      const digested: ProblemWindow = {
        cluster,
        id,
        problemKey: problem.key,
        mode: 'digest',
        windowStart: now,
        windowEnd: this.bucketEnd(bucket),
        pending: 0,
        lastSeen,
        bucket,
        openedBy: '',
        subject: '',
        ...(slots.full === 'account' ? { digestScope: 'account' as const } : {}),
      };
      if (await this.store.createProblem(digested, this.expiresAt(digested.windowEnd))) {
        this.buffer(scope, bucket, problem, 1);
        return { outcome: 'digested', closed };
      }
    }
    if (unpaid) await this.releaseSlots(unpaid);
    throw new DedupContentionError(
      `the dedup state of one problem in cluster ${cluster} changed ${MAX_ATTEMPTS} times while this invocation counted it`,
    );
  }

  /**
   * What the batch's marker says of problem `id`, as read after store read number `after` (a window
   * read): the marker is read again only when the last read of it is older. Any earlier attempt of the
   * batch — a retry's, or a duplicate delivery's running at the same time — that counted the problem
   * left its mark in the window read (checked by the caller) or, before the window dropped it (trimmed,
   * rolled or forgotten), on the marker: so the mark is in one of the two reads. A count relying on
   * both is written on condition that the window is the one read and not trimmed since.
   */
  private async markedSince(
    cluster: string,
    batchId: string,
    id: string,
    after: number,
  ): Promise<Marked | undefined> {
    const batch = `${cluster}#${batchId}`;
    if (this.marker?.batch !== batch || this.marker.read <= after) {
      const read = ++this.reads;
      const record = await this.store.batchRecord(cluster, batchId);
      this.marker = { batch, read, ...(record ? { record } : {}) };
    }
    return markedOf(this.marker.record, id, await this.decided(cluster, batchId, this.marker.record));
  }

  /**
   * Whether an earlier attempt decided every problem of the batch: its marker says so, or, when it died
   * between its digest additions and that marker write, a digest of its cap windows counted the batch
   * (`flushDigests` runs only once every problem is decided). Without the second check, a retry in a
   * later cap window would count those problems again, in that window.
   */
  private async decided(cluster: string, batchId: string, record: BatchRecord | undefined): Promise<boolean> {
    if (record?.decided === true) return true;
    const claimedAt = this.earlier?.claimedAt;
    if (claimedAt === undefined) return false;
    this.earlierDigested ??= (async () => {
      const first = this.bucketOf(claimedAt);
      for (let bucket = first; bucket <= first + DIGEST_WINDOWS_AFTER_CLAIM; bucket++) {
        for (const scope of [cluster, ACCOUNT_SCOPE]) {
          if (await this.store.digestCounted(scope, bucket, batchId)) return true;
        }
      }
      return false;
    })();
    return this.earlierDigested;
  }

  /**
   * Records on the batch marker the problems whose repeats this batch counted, and whether its digest
   * additions are written (one write per batch, none when neither): a retry then knows them from the
   * marker, and their windows may forget the batch.
   */
  async markCounted(cluster: string, batchId: string): Promise<void> {
    if (this.countedNow.size === 0 && !this.digestsWritten) return;
    await this.store.markCounted(cluster, batchId, [...this.countedNow], this.digestsWritten);
    this.countedNow.clear();
  }

  /**
   * Closes what is due at `now`: follow-ups of windows with repeats, digests of finished cap windows.
   * Entries whose message went out already (an earlier attempt) come back too; the delivery state on
   * each message stops a second send. The caller removes each entry once its message is delivered.
   */
  async sweep(
    now: number,
    limit = 200,
  ): Promise<{ followups: ClosedWindow[]; digests: ClosedDigest[]; stale: DueEntry[] }> {
    const followups: ClosedWindow[] = [];
    const digests: ClosedDigest[] = [];
    const stale: DueEntry[] = [];
    for (const due of await this.store.dueBefore(now, limit)) {
      if (due.target.kind === 'digest') {
        const tally = await this.store.claimDigest(due.cluster, due.target.bucket, now);
        if (tally && tally.count > 0) {
          const bucket = due.target.bucket;
          digests.push({ cluster: due.cluster, bucket, messageId: `digest#${bucket}`, tally, due });
        } else stale.push(due);
        continue;
      }
      const window = await this.store.getProblem(due.cluster, due.target.id);
      if (window && window.windowEnd === due.at) {
        const closing = await this.close(window, now, due);
        if (closing === 'conflict') continue; // someone is closing it right now; the next sweep sees the result
        if (closing) followups.push(closing);
        else stale.push(due);
      } else if (window?.lastFollowup?.closedWindowEnd === due.at) {
        followups.push({ window, followup: window.lastFollowup, due });
      } else {
        stale.push(due);
      }
    }
    return { followups, digests, stale };
  }

  /** Removes a sweep entry whose message is out (or that needs none). */
  async done(due: DueEntry): Promise<void> {
    await this.store.removeDue(due);
  }

  /**
   * Closes a window that is over: with repeats, the next window starts empty and a follow-up is due;
   * without, the problem is forgotten. `conflict` when another invocation changed it first.
   */
  private async close(
    window: ProblemWindow,
    now: number,
    due: DueEntry = {
      at: window.windowEnd,
      cluster: window.cluster,
      target: { kind: 'problem', id: window.id },
    },
  ): Promise<ClosedWindow | undefined | 'conflict'> {
    // The window's marks go to the batches' markers before the close clears them: a retry of a batch it
    // counted or that opened it finds one or the other, however late it comes (dies in between: both).
    if (window.mode === 'alert') {
      const opener = window.openedBy
        ? { batchId: window.openedBy, messageId: alertMessageId(window) }
        : undefined;
      await this.store.handOver(window.cluster, window.id, window.counted ?? [], opener);
    }
    if (window.mode === 'digest' || window.pending === 0) {
      return (await this.store.deleteProblem(window)) ? undefined : 'conflict';
    }
    const followup: FollowupRecord = {
      messageId: `followup#${window.id}#${window.windowEnd}`,
      count: window.pending,
      firstSeen: window.pendingSince ?? window.windowStart,
      lastSeen: window.lastSeen,
      closedWindowEnd: window.windowEnd,
    };
    // A follow-up of a capped problem spends a slot of the window it goes out in, like an alert: new
    // principals each hour plus repeats of the old ones cannot grow the messages hour after hour.
    const bucket = this.bucketOf(now);
    const capped = window.capped !== false;
    const slots = capped
      ? await this.takeSlots(window.cluster, bucket, `${followup.messageId}#${this.invocation}`)
      : undefined;
    if (slots?.full !== undefined) {
      // No slot: the repeats go into this window's digest and the problem is forgotten (it alerts again,
      // or is digested, when it comes back). Forgotten first: a conflict then counts nothing twice.
      if (!(await this.store.deleteProblem(window))) return 'conflict';
      const repeats: Occurrences = {
        count: followup.count,
        firstSeen: followup.firstSeen,
        lastSeen: followup.lastSeen,
      };
      // Who they were comes from the window's stored problem, written when it alerted.
      const stored = problemOfWindow(window, repeats);
      const arn = stored?.finding.principal?.arn;
      await this.addToDigest(slots.full === 'account' ? ACCOUNT_SCOPE : window.cluster, bucket, {
        ...repeats,
        newPrincipals: 0,
        categories: { [categoryOfKey(window.problemKey)]: repeats.count },
        ...(arn ? { principalCounts: [{ arn, count: repeats.count }] } : {}),
        ...accountOf(stored),
      });
      return undefined;
    }
    const next = { windowStart: window.windowEnd, windowEnd: window.windowEnd + this.settings.windowMs };
    await this.addDue({
      at: next.windowEnd,
      cluster: window.cluster,
      target: { kind: 'problem', id: window.id },
    });
    const rolled = await this.store.rollWindow(window, next, followup, this.expiresAt(next.windowEnd));
    if (!rolled && slots) await this.releaseSlots(slots.slots);
    return rolled ? { window, followup, due } : 'conflict';
  }

  /**
   * One slot of the cluster's cap and one of the account's ceiling for `holder`; `full` when one of
   * them had none left (whose), and a cluster slot taken here for it is given back. Only slots this
   * call took are ever given back: one `held` from an earlier attempt may be paying for a message.
   */
  private async takeSlots(
    cluster: string,
    bucket: number,
    holder: string,
  ): Promise<{ full?: 'cluster' | 'account'; slots: Slots }> {
    const own = await this.takeSlot(cluster, bucket, this.settings.cap, holder);
    if (own === 'full') return { full: 'cluster', slots: { bucket, holder, taken: [] } };
    const account = await this.takeSlot(ACCOUNT_SCOPE, bucket, accountCapOf(this.settings), holder);
    const slots: Slots = {
      bucket,
      holder,
      taken: [...(own === 'taken' ? [cluster] : []), ...(account === 'taken' ? [ACCOUNT_SCOPE] : [])],
    };
    if (account !== 'full') return { slots };
    await this.releaseSlots(slots);
    return { full: 'account', slots: { ...slots, taken: [] } };
  }

  /** Gives back the slots `slots` took. */
  private async releaseSlots(slots: Slots): Promise<void> {
    for (const scope of slots.taken) {
      this.fullBuckets.delete(`${scope}#${slots.bucket}`);
      await this.store.releaseAlertSlot(scope, slots.bucket, slots.holder);
    }
  }

  private async takeSlot(scope: string, bucket: number, cap: number, holder: string): Promise<SlotAnswer> {
    const key = `${scope}#${bucket}`;
    // Found full earlier in this invocation: no slot for a new holder. A retry asks all the same, since
    // its earlier attempt may hold one.
    if (this.fullBuckets.has(key) && this.earlier === undefined) return 'full';
    const expiresAt = this.expiresAt(this.bucketEnd(bucket));
    const answer = await this.store.takeAlertSlot(scope, bucket, cap, expiresAt, holder);
    if (answer === 'full') this.fullBuckets.add(key);
    return answer;
  }

  /**
   * Writes the batch's digest additions: one write per cap window whatever the number of problems,
   * each once per batch (the digest keeps the batch IDs it counted), so a retry adds nothing twice.
   * Called once every problem of the batch is decided: `markCounted` then records that on the marker,
   * so a retry in a later cap window, whose digest does not hold the batch, counts them nowhere again.
   */
  async flushDigests(batchId: string): Promise<void> {
    const any = this.digestBuffer.size > 0;
    for (const [key, { cluster, bucket, addition }] of this.digestBuffer) {
      const { principals, ...counts } = addition;
      // The batch's own top list: what the digest's bounded list can take from it.
      const principalCounts = mergeTopPrincipals(
        [],
        [...principals].map(([arn, count]) => ({ arn, count })),
      );
      await this.addToDigest(cluster, bucket, { ...counts, principalCounts }, batchId);
      this.digestBuffer.delete(key);
    }
    this.digestsWritten ||= any;
  }

  private buffer(cluster: string, bucket: number, problem: Problem, newPrincipals: number): void {
    const { occurrences } = problem;
    const { category, principal } = problem.finding;
    const key = `${cluster}#${bucket}`;
    const entry = this.digestBuffer.get(key);
    const addition: Addition = entry?.addition ?? {
      ...occurrences,
      count: 0,
      newPrincipals: 0,
      categories: {},
      principals: new Map(),
      ...accountOf(problem),
    };
    if (!entry) this.digestBuffer.set(key, { cluster, bucket, addition });
    addition.count += occurrences.count;
    addition.newPrincipals += newPrincipals;
    addition.firstSeen = Math.min(addition.firstSeen, occurrences.firstSeen);
    addition.lastSeen = Math.max(addition.lastSeen, occurrences.lastSeen);
    addition.categories[category] = (addition.categories[category] ?? 0) + occurrences.count;
    if (principal?.arn)
      addition.principals.set(
        principal.arn,
        (addition.principals.get(principal.arn) ?? 0) + occurrences.count,
      );
  }

  /** Adds to a digest; if that digest already went out (a late batch), to the next cap window's. */
  private async addToDigest(cluster: string, bucket: number, addition: DigestAddition, batchId?: string) {
    for (const target of [bucket, bucket + 1]) {
      await this.addDue({ at: this.bucketEnd(target), cluster, target: { kind: 'digest', bucket: target } });
      const added = await this.store.addToDigest(
        cluster,
        target,
        addition,
        this.expiresAt(this.bucketEnd(target)),
        batchId,
      );
      if (added) return true;
    }
    return false;
  }

  private async addDue(entry: DueEntry): Promise<void> {
    const key = `${entry.at}#${entry.cluster}#${entry.target.kind === 'problem' ? entry.target.id : entry.target.bucket}`;
    if (this.dueWritten.has(key)) return;
    await this.store.addDue(entry, this.expiresAt(entry.at));
    this.dueWritten.add(key);
  }

  private bucketOf(now: number): number {
    return Math.floor(now / this.settings.windowMs);
  }

  private bucketEnd(bucket: number): number {
    return (bucket + 1) * this.settings.windowMs;
  }

  /** TTL: a day past the window, time enough for late sweeps and Lambda's retries (up to 6 h). */
  private expiresAt(windowEnd: number): number {
    return Math.ceil((windowEnd + this.settings.windowMs + DAY_MS) / 1000);
  }
}

/** The table key of a problem: short and safe whatever the ARN or error text in the problem key. */
export function problemId(problemKey: string): string {
  return shortId(problemKey);
}

/** A 22-character key-safe digest of any text (SHA-256, base64url, 132 bits). */
export function shortId(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

export function alertMessageId(window: ProblemWindow): string {
  return `alert#${window.id}#${window.windowStart}`;
}
