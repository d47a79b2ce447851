import type { Category } from '../engine/categories';
import type { Occurrences } from '../engine/diagnose/problem';

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
  /** What a follow-up needs to be written without the original batch: `storedProblem`'s text. */
  readonly subject: string;
  /** The last follow-up sent for this problem, so a failed delivery can be retried without recounting. */
  readonly lastFollowup?: FollowupRecord;
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
}

/** One problem's occurrences, added to a digest. */
export interface DigestAddition extends Occurrences {
  /** 1 when this is a new principal (or client fingerprint) of the digest, else 0. */
  readonly newPrincipals: number;
  readonly category: Category;
}

/** A window or digest that closes at `at`: what the sweep finds without scanning the table. */
export interface DueEntry {
  readonly at: number;
  readonly cluster: string;
  readonly target:
    | { readonly kind: 'problem'; readonly id: string }
    | { readonly kind: 'digest'; readonly bucket: number };
}

/** One outgoing message a batch produced, kept so a retried invocation re-sends it instead of recounting. */
export interface StoredMessage {
  readonly messageId: string;
  /** The serialised notification. */
  readonly body: string;
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
  /** Creates the window if the problem has none. */
  createProblem(window: ProblemWindow, expiresAt: number): Promise<boolean>;
  /** Counts repeats into the window that ends at `windowEnd`, if it still does. */
  addRepeats(cluster: string, id: string, windowEnd: number, repeats: Occurrences): Promise<boolean>;
  /** Closes a window with repeats: starts the next one empty and records the follow-up. */
  rollWindow(
    current: ProblemWindow,
    next: { readonly windowStart: number; readonly windowEnd: number },
    followup: FollowupRecord,
    expiresAt: number,
  ): Promise<boolean>;
  /** Forgets a window that closed without repeats: the problem went quiet. */
  deleteProblem(current: ProblemWindow): Promise<boolean>;

  /** Takes one of the cluster's `cap` alerts of cap window `bucket`; false when none is left. */
  takeAlertSlot(cluster: string, bucket: number, cap: number, expiresAt: number): Promise<boolean>;
  releaseAlertSlot(cluster: string, bucket: number): Promise<void>;

  /** Adds to the cap window's digest; false when that digest has already been sent. */
  addToDigest(cluster: string, bucket: number, addition: DigestAddition, expiresAt: number): Promise<boolean>;
  /** Marks the digest sent (first call wins) and returns its tally; `undefined` if there is none. */
  claimDigest(cluster: string, bucket: number, now: number): Promise<DigestTally | undefined>;

  addDue(entry: DueEntry, expiresAt: number): Promise<void>;
  /** Entries due at or before `now`, oldest first, at most `limit`. */
  dueBefore(now: number, limit: number): Promise<readonly DueEntry[]>;
  removeDue(entry: DueEntry): Promise<void>;

  /** The sinks a message already reached (its delivery state). */
  deliveredSinks(cluster: string, messageId: string): Promise<ReadonlySet<string>>;
  markDelivered(cluster: string, messageId: string, sink: string, expiresAt: number): Promise<void>;

  /** The messages an earlier attempt of this batch produced; `undefined` if it was never counted. */
  getBatch(cluster: string, batchId: string): Promise<readonly StoredMessage[] | undefined>;
  putBatch(
    cluster: string,
    batchId: string,
    messages: readonly StoredMessage[],
    expiresAt: number,
  ): Promise<void>;
}

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
