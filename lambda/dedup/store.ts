import type { Category } from '../engine/categories';
import type { Occurrences } from '../engine/diagnose/problem';
import type { PrincipalCount } from '../engine/types';

/**
 * The dedup state of one problem (cluster, category, sub-cause, principal or error fingerprint):
 * its current window and the repeats counted in it since the last message.
 */
export interface ProblemWindow {
  readonly cluster: string;
  /** Short hash of `problemKey`: the table key. */
  readonly id: string;
  /** The engine's readable problem key, also the chat thread. */
  readonly problemKey: string;
  /** `alert`: alerted, repeats become a follow-up. `digest`: past the cap, counted in the cluster digest. */
  readonly mode: 'alert' | 'digest';
  /** Epoch ms. */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Repeats since the last message about this problem. */
  readonly pending: number;
  readonly pendingSince?: number;
  readonly lastSeen: number;
  /** The cap window (`floor(time / window)`) the problem was admitted or digested in. */
  readonly bucket: number;
  /** The batch whose first occurrence opened this window with an alert ('' after a follow-up). */
  readonly openedBy: string;
  /**
   * Whether the problem spends the cluster's alert budget (identity problems); `false` for breakages,
   * critical problems of the cluster's own account and the probe-activity problem, which are never capped.
   * Absent on windows written before budgets: capped.
   */
  readonly capped?: boolean;
  /**
   * For a `digest` window: `account` when the account-wide ceiling (not the cluster's cap) sent the
   * problem to the account's combined digest; absent: the cluster's digest.
   */
  readonly digestScope?: 'account';
  /** What a follow-up needs to be written without the original batch: `storedProblem`'s text. */
  readonly subject: string;
  /** The last follow-up sent for this problem, so a failed delivery can be retried without recounting. */
  readonly lastFollowup?: FollowupRecord;
  /**
   * The batches whose repeats this window counted, oldest first: a retried batch finds itself here and
   * counts nothing twice. A batch leaves the list only once its own marker records the count: trimmed
   * (see {@link withCounted}) or handed over when the window closes (`DedupStore.handOver`), so the
   * mark a retry looks for is always in one of the two places.
   */
  readonly counted?: readonly string[];
  /**
   * How often this window's `counted` list was trimmed (absent: never). A batch appending to the list
   * writes only if it is unchanged since its read: a trim in between may have dropped that very batch
   * (counted by a duplicate delivery of it, recorded, then trimmed), which its read could not show.
   */
  readonly trims?: number;
}

/**
 * The length of a window's `counted` list (22 characters per batch: about 1.5 KB) at which it is trimmed
 * of the batches whose own marker records their count; below it, batches are appended without a check.
 */
export const COUNTED_BATCHES_KEPT = 64;

/**
 * The window's `counted` list with `batchId` added. A full list first drops the batches in `settled`:
 * those whose marker records that they counted this problem (`DedupStore.markCounted`) or whose marker is
 * gone (older than any retry). A batch that counted and died before recording it stays, however many
 * others count after it, so its retry still finds itself here.
 */
export function withCounted(
  window: ProblemWindow,
  batchId: string,
  settled: ReadonlySet<string> = new Set(),
): string[] {
  const counted = window.counted ?? [];
  const kept = counted.length < COUNTED_BATCHES_KEPT ? counted : counted.filter((id) => !settled.has(id));
  return [...kept, batchId];
}

/** The window's `trims` after writing `counted` (from {@link withCounted}): one more if any batch left. */
export function trimsAfter(window: ProblemWindow, counted: readonly string[]): number | undefined {
  const dropped = (window.counted?.length ?? 0) + 1 > counted.length;
  return dropped ? (window.trims ?? 0) + 1 : window.trims;
}

/** The batch that opened a window, and the message ID of the alert it sent. */
export interface WindowOpener {
  readonly batchId: string;
  readonly messageId: string;
}

/** A follow-up: the repeats of one closed window (their count, first and last time). */
export interface FollowupRecord extends Occurrences {
  readonly messageId: string;
  readonly closedWindowEnd: number;
}

/** The digest of one cluster's cap window: everything past the cap. */
export interface DigestTally extends Occurrences {
  readonly principals: number;
  readonly categories: Readonly<Partial<Record<Category, number>>>;
  /**
   * The most denied principals, most first, at most `TOP_PRINCIPALS_KEPT` (ARNs as logged, untrusted):
   * kept with the digest, so the sweep's message names them an hour later.
   */
  readonly topPrincipals?: readonly PrincipalCount[];
  /** The cluster's account as the batches knew it: tells the principals of this account from others. */
  readonly account?: string;
}

/** One problem's occurrences, added to a digest. */
export interface DigestAddition extends Occurrences {
  /** 1 when this is a new principal (or client fingerprint) of the digest, else 0. */
  readonly newPrincipals: number;
  /** The occurrences per category (one problem: one category; a batch's additions: several). */
  readonly categories: Readonly<Partial<Record<Category, number>>>;
  /** The occurrences per denied principal (merged into the digest's bounded top list). */
  readonly principalCounts?: readonly PrincipalCount[];
  /** The cluster's account, when known. */
  readonly account?: string;
}

/** A window or digest that closes at `at`: what the sweep finds without scanning the table. */
export interface DueEntry {
  readonly at: number;
  readonly cluster: string;
  readonly target:
    | { readonly kind: 'problem'; readonly id: string }
    | { readonly kind: 'digest'; readonly bucket: number };
}

/**
 * What a batch marker records of the problems the batch was counted in, whoever wrote it: the batch's
 * own attempt after deciding (`DedupStore.markCounted`), or a window closing (`DedupStore.handOver`).
 * Entries are only ever added.
 */
export interface BatchRecord {
  /** The problems whose repeats the batch counted (22 characters each). */
  readonly counted: ReadonlySet<string>;
  /**
   * The alerts of windows the batch opened and that have closed since, by problem: the alert's message
   * ID (`alert#<problem>#<window start>`, 42 characters), so a retry sends that alert, not a new one.
   */
  readonly alerted: ReadonlyMap<string, string>;
  /**
   * An attempt decided every problem of the batch and wrote its digest additions: a problem that neither
   * a window nor this record names went into a digest (or failed open, uncounted, on contention), so
   * there is nothing left to count. Only a count's last check reads it: an open window the batch opened
   * still gives its alert again.
   */
  readonly decided?: boolean;
}

/**
 * What the batch marker says about an earlier attempt of the same batch. `new`: none (this attempt
 * claimed it). `retry`: an earlier attempt claimed it; `recorded` when that attempt wrote the delivery
 * state of everything it sent, so a message without a record for a sink was never sent there;
 * `counted` and `alerted` as in {@link BatchRecord} (absent: none); `claimedAt`, when the first attempt
 * claimed it (epoch ms; absent on markers written before it was kept).
 */
export type BatchClaim =
  | { readonly kind: 'new' }
  | {
      readonly kind: 'retry';
      readonly recorded: boolean;
      readonly counted?: ReadonlySet<string>;
      readonly alerted?: ReadonlyMap<string, string>;
      readonly claimedAt?: number;
    };

/** A retry's claim, without the fields whose sets are empty. */
export function retryClaim(
  recorded: boolean,
  counted: Iterable<string>,
  alerts: Iterable<string>,
  claimedAt?: number,
): BatchClaim {
  const ids = new Set(counted);
  const alerted = alertsByProblem(alerts);
  return {
    kind: 'retry',
    recorded,
    ...(ids.size > 0 ? { counted: ids } : {}),
    ...(alerted.size > 0 ? { alerted } : {}),
    ...(claimedAt === undefined ? {} : { claimedAt }),
  };
}

/** The alert message IDs a marker records, by the problem each names (`alert#<problem>#<start>`). */
export function alertsByProblem(messageIds: Iterable<string>): Map<string, string> {
  const alerted = new Map<string, string>();
  for (const messageId of messageIds) {
    const [kind, problemId] = messageId.split('#');
    if (kind === 'alert' && problemId) alerted.set(problemId, messageId);
  }
  return alerted;
}

/**
 * The atomic operations flood control is built from. Each is one conditional write (DynamoDB) or one
 * synchronous step (memory), so concurrent invocations cannot double-count or double-send; `false`
 * means "the state changed under you: read again". `expiresAt` is epoch seconds (the table's TTL).
 *
 * Two implementations, one rule set: `DynamoDbDedupStore` (deployed) and `MemoryDedupStore` (replay).
 */
export interface DedupStore {
  getProblem(cluster: string, id: string): Promise<ProblemWindow | undefined>;
  /**
   * Several problems' windows at once (a consistent read each): an ID in the answer was read
   * (`undefined`: the problem has no window), an ID missing from it could not be read this time.
   */
  getProblems(
    cluster: string,
    ids: readonly string[],
  ): Promise<ReadonlyMap<string, ProblemWindow | undefined>>;
  /** Creates the window if the problem has none. */
  createProblem(window: ProblemWindow, expiresAt: number): Promise<boolean>;
  /**
   * Counts a batch's repeats into `current`, if it is still that window and has not counted this batch,
   * and remembers the batch in its `counted` list in the same write.
   */
  addRepeats(current: ProblemWindow, repeats: Occurrences, batchId: string): Promise<boolean>;
  /**
   * Closes a window with repeats: starts the next one empty (no repeats, no batches listed, no opener)
   * and records the follow-up. Called after `handOver`, which keeps the marks it clears.
   */
  rollWindow(
    current: ProblemWindow,
    next: { readonly windowStart: number; readonly windowEnd: number },
    followup: FollowupRecord,
    expiresAt: number,
  ): Promise<boolean>;
  /** Forgets a window that closed without repeats: the problem went quiet. Called after `handOver`. */
  deleteProblem(current: ProblemWindow): Promise<boolean>;
  /**
   * Before a window closes (rolled or forgotten), moves its counting marks to the batches' own markers:
   * `problemId` into the `counted` of each batch in `countedBy`, and the alert's message ID into the
   * `alerted` of the batch that opened it. One conditional write per marker that exists and does not
   * hold it yet (a marker that is gone is past any retry); the markers are read first, 100 at a time.
   */
  handOver(
    cluster: string,
    problemId: string,
    countedBy: readonly string[],
    opener?: WindowOpener,
  ): Promise<void>;

  /**
   * Takes one of the `cap` message slots of cap window `bucket` (of a cluster, or of the account) for
   * `holder`, the message it pays for; the slot keeps its holder's name. `taken`: taken now. `held`:
   * `holder` holds one already (an earlier attempt took it and died), so none is taken twice. `full`:
   * every slot is held by others.
   */
  takeAlertSlot(
    cluster: string,
    bucket: number,
    cap: number,
    expiresAt: number,
    holder: string,
  ): Promise<SlotAnswer>;
  /** Gives back the slot `holder` holds, if it holds one. */
  releaseAlertSlot(cluster: string, bucket: number, holder: string): Promise<void>;

  /**
   * Adds to the cap window's digest; false when that digest has already been sent. With `batchId`, once
   * per batch: the digest keeps the IDs of the batches it counted, and a second addition of the same
   * batch is a no-op that answers true.
   */
  addToDigest(
    cluster: string,
    bucket: number,
    addition: DigestAddition,
    expiresAt: number,
    batchId?: string,
  ): Promise<boolean>;
  /**
   * Whether the cap window's digest counted the batch (`addToDigest` with its ID), sent since or not:
   * how a retry in a later cap window learns that its earlier attempt wrote its digest additions.
   */
  digestCounted(cluster: string, bucket: number, batchId: string): Promise<boolean>;
  /** Marks the digest sent (first call wins) and returns its tally; `undefined` if there is none. */
  claimDigest(cluster: string, bucket: number, now: number): Promise<DigestTally | undefined>;

  addDue(entry: DueEntry, expiresAt: number): Promise<void>;
  /** Entries due at or before `now`, oldest first, at most `limit`. */
  dueBefore(now: number, limit: number): Promise<readonly DueEntry[]>;
  removeDue(entry: DueEntry): Promise<void>;

  /** The sinks a message already reached (its delivery state). */
  deliveredSinks(cluster: string, messageId: string): Promise<ReadonlySet<string>>;
  markDelivered(cluster: string, messageId: string, sink: string, expiresAt: number): Promise<void>;

  /** Claims a batch (its small marker: the ID and a state, never the content), or finds an earlier attempt's claim. */
  claimBatch(cluster: string, batchId: string, expiresAt: number, claimedAt?: number): Promise<BatchClaim>;
  /** What the batch's marker records (a consistent read); `undefined` when there is no marker. */
  batchRecord(cluster: string, batchId: string): Promise<BatchRecord | undefined>;
  /** Marks the batch's delivery state complete: every message it sent has its record. */
  markBatchRecorded(cluster: string, batchId: string): Promise<void>;
  /**
   * Records on the batch marker the problems whose repeats the batch counted (22 characters each): from
   * then on a retry knows it from the marker, and the windows may forget the batch. With `decided`, also
   * that the attempt decided every problem and wrote its digest additions (see {@link BatchRecord}).
   */
  markCounted(
    cluster: string,
    batchId: string,
    problemIds: readonly string[],
    decided?: boolean,
  ): Promise<void>;
}

/** What `takeAlertSlot` did; see there. */
export type SlotAnswer = 'taken' | 'held' | 'full';

/**
 * When a record of what one invocation did (its batch, which sinks a message reached) may expire, in
 * epoch seconds: it must outlive Lambda's async retries (up to 6 hours), with room to spare.
 */
export function retryStateExpiry(nowMs: number): number {
  return Math.ceil(nowMs / 1000) + RETRY_STATE_TTL_S;
}

const RETRY_STATE_TTL_S = 2 * 24 * 60 * 60;

/** Sort-key text of a due entry: the time first (fixed width) so a range query returns what is due. */
export function dueSortKey(entry: DueEntry): string {
  const target =
    entry.target.kind === 'problem' ? `problem#${entry.target.id}` : `digest#${entry.target.bucket}`;
  return `${String(entry.at).padStart(15, '0')}#${entry.cluster}#${target}`;
}

/** Reads a due sort key back; `undefined` for text this code did not write. */
export function parseDueSortKey(sortKey: string): DueEntry | undefined {
  const match = /^(\d{15})#([^#]+)#(problem|digest)#(.+)$/.exec(sortKey);
  if (!match) return undefined;
  const [, at = '', cluster = '', kind, rest = ''] = match;
  if (kind === 'problem') return { at: Number(at), cluster, target: { kind: 'problem', id: rest } };
  const bucket = Number(rest);
  return Number.isSafeInteger(bucket)
    ? { at: Number(at), cluster, target: { kind: 'digest', bucket } }
    : undefined;
}
