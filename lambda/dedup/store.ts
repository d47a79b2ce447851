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
   * counts nothing twice. A batch leaves the list only once its own marker records the count (see
   * {@link withCounted}), so the mark a retry looks for cannot be pushed out by other batches.
   */
  readonly counted?: readonly string[];
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
 * What the batch marker says about an earlier attempt of the same batch. `new`: none (this attempt
 * claimed it). `retry`: an earlier attempt claimed it; `recorded` when that attempt wrote the delivery
 * state of everything it sent, so a message without a record for a sink was never sent there;
 * `counted`, the problems whose repeats an earlier attempt counted and recorded on the marker
 * (absent: none).
 */
export type BatchClaim =
  | { readonly kind: 'new' }
  | { readonly kind: 'retry'; readonly recorded: boolean; readonly counted?: ReadonlySet<string> };

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
  /** Closes a window with repeats: starts the next one empty and records the follow-up. */
  rollWindow(
    current: ProblemWindow,
    next: { readonly windowStart: number; readonly windowEnd: number },
    followup: FollowupRecord,
    expiresAt: number,
  ): Promise<boolean>;
  /** Forgets a window that closed without repeats: the problem went quiet. */
  deleteProblem(current: ProblemWindow): Promise<boolean>;

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
  claimBatch(cluster: string, batchId: string, expiresAt: number): Promise<BatchClaim>;
  /** Marks the batch's delivery state complete: every message it sent has its record. */
  markBatchRecorded(cluster: string, batchId: string): Promise<void>;
  /**
   * Records on the batch marker the problems whose repeats the batch counted (22 characters each): from
   * then on a retry knows it from the marker, and the windows may forget the batch.
   */
  markCounted(cluster: string, batchId: string, problemIds: readonly string[]): Promise<void>;
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
