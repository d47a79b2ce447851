import type { Category } from '../engine/categories';
import type { Occurrences } from '../engine/diagnose/problem';
import type { PrincipalCount } from '../engine/types';
import {
  type BatchClaim,
  type BatchRecord,
  type DedupStore,
  type DigestAddition,
  type DigestTally,
  type DueEntry,
  dueSortKey,
  type FollowupRecord,
  type ProblemWindow,
  retryClaim,
  type SlotAnswer,
  trimsAfter,
  type WindowOpener,
  withCounted,
} from './store';
import { mergeTopPrincipals } from './top-principals';

interface Digest {
  count: number;
  principals: number;
  categories: Partial<Record<Category, number>>;
  topPrincipals: PrincipalCount[];
  account?: string;
  firstSeen: number;
  lastSeen: number;
  sentAt?: number;
  batches: Set<string>;
}

/** A batch marker: its state, the problems it counted, the alerts of its closed windows by problem. */
interface Marker {
  recorded: boolean;
  readonly counted: Set<string>;
  readonly alerted: Map<string, string>;
  decided?: boolean;
  readonly claimedAt?: number;
}

function newMarker(claimedAt?: number): Marker {
  return {
    recorded: false,
    counted: new Set(),
    alerted: new Map(),
    ...(claimedAt === undefined ? {} : { claimedAt }),
  };
}

/**
 * The dedup store in process memory, for `eks-auth-doctor replay`: the same operations and the same
 * conditions as the DynamoDB store (JavaScript runs each one to completion, which makes it atomic),
 * so replay applies exactly the rules the deployed function does, without an AWS account.
 * Nothing expires: a replay lives for one command.
 */
export class MemoryDedupStore implements DedupStore {
  private readonly problems = new Map<string, ProblemWindow>();
  /** Per cap window, the holders of its taken slots. */
  private readonly slots = new Map<string, Set<string>>();
  private readonly digests = new Map<string, Digest>();
  private readonly due = new Map<string, DueEntry>();
  private readonly deliveries = new Map<string, Set<string>>();
  private readonly batches = new Map<string, Marker>();

  async getProblem(cluster: string, id: string): Promise<ProblemWindow | undefined> {
    return this.problems.get(`${cluster}#${id}`);
  }

  async getProblems(
    cluster: string,
    ids: readonly string[],
  ): Promise<Map<string, ProblemWindow | undefined>> {
    return new Map(ids.map((id) => [id, this.problems.get(`${cluster}#${id}`)]));
  }

  async createProblem(window: ProblemWindow): Promise<boolean> {
    const key = `${window.cluster}#${window.id}`;
    if (this.problems.has(key)) return false;
    this.problems.set(key, window);
    return true;
  }

  async addRepeats(window: ProblemWindow, repeats: Occurrences, batchId: string): Promise<boolean> {
    const key = `${window.cluster}#${window.id}`;
    const current = this.problems.get(key);
    // The same window, holding this batch nowhere, not trimmed since the caller read it.
    if (
      !current ||
      current.windowEnd !== window.windowEnd ||
      current.counted?.includes(batchId) ||
      current.trims !== window.trims
    )
      return false;
    const settled = new Set(
      (current.counted ?? []).filter((id) =>
        this.batches.get(`${window.cluster}#${id}`)?.counted.has(window.id),
      ),
    );
    const counted = withCounted(current, batchId, settled);
    this.problems.set(key, {
      ...current,
      counted,
      trims: trimsAfter(current, counted),
      pending: current.pending + repeats.count,
      pendingSince: current.pendingSince ?? repeats.firstSeen,
      lastSeen: repeats.lastSeen,
    });
    return true;
  }

  async rollWindow(
    current: ProblemWindow,
    next: { windowStart: number; windowEnd: number },
    followup: FollowupRecord,
  ): Promise<boolean> {
    const key = `${current.cluster}#${current.id}`;
    if (!this.matches(key, current)) return false;
    const stored = this.problems.get(key) as ProblemWindow;
    this.problems.set(key, {
      ...stored,
      ...next,
      pending: 0,
      pendingSince: undefined,
      openedBy: '',
      lastFollowup: followup,
      counted: undefined,
      trims: undefined,
    });
    return true;
  }

  async deleteProblem(current: ProblemWindow): Promise<boolean> {
    const key = `${current.cluster}#${current.id}`;
    if (!this.matches(key, current)) return false;
    this.problems.delete(key);
    return true;
  }

  async handOver(
    cluster: string,
    problemId: string,
    countedBy: readonly string[],
    opener?: WindowOpener,
  ): Promise<void> {
    for (const id of countedBy) this.batches.get(`${cluster}#${id}`)?.counted.add(problemId);
    if (opener) this.batches.get(`${cluster}#${opener.batchId}`)?.alerted.set(problemId, opener.messageId);
  }

  async takeAlertSlot(
    cluster: string,
    bucket: number,
    cap: number,
    _expiresAt: number,
    holder: string,
  ): Promise<SlotAnswer> {
    const key = `${cluster}#${bucket}`;
    const holders = this.slots.get(key) ?? new Set<string>();
    if (holders.has(holder)) return 'held';
    if (holders.size >= cap) return 'full';
    this.slots.set(key, holders.add(holder));
    return 'taken';
  }

  async releaseAlertSlot(cluster: string, bucket: number, holder: string): Promise<void> {
    this.slots.get(`${cluster}#${bucket}`)?.delete(holder);
  }

  async digestCounted(cluster: string, bucket: number, batchId: string): Promise<boolean> {
    return this.digests.get(`${cluster}#${bucket}`)?.batches.has(batchId) === true;
  }

  async addToDigest(
    cluster: string,
    bucket: number,
    addition: DigestAddition,
    _expiresAt?: number,
    batchId?: string,
  ): Promise<boolean> {
    const key = `${cluster}#${bucket}`;
    const digest = this.digests.get(key) ?? {
      count: 0,
      principals: 0,
      categories: {},
      topPrincipals: [],
      firstSeen: addition.firstSeen,
      lastSeen: addition.lastSeen,
      batches: new Set<string>(),
    };
    if (digest.sentAt !== undefined) return false;
    if (batchId !== undefined) {
      if (digest.batches.has(batchId)) return true;
      digest.batches.add(batchId);
    }
    digest.count += addition.count;
    digest.principals += addition.newPrincipals;
    for (const [category, count] of Object.entries(addition.categories) as [Category, number][])
      digest.categories[category] = (digest.categories[category] ?? 0) + count;
    digest.topPrincipals = mergeTopPrincipals(digest.topPrincipals, addition.principalCounts ?? []);
    digest.account ??= addition.account;
    digest.lastSeen = addition.lastSeen;
    this.digests.set(key, digest);
    return true;
  }

  async claimDigest(cluster: string, bucket: number, now: number): Promise<DigestTally | undefined> {
    const digest = this.digests.get(`${cluster}#${bucket}`);
    if (!digest) return undefined;
    digest.sentAt ??= now;
    const { batches: _, ...tally } = digest;
    return { ...tally, categories: { ...digest.categories }, topPrincipals: [...digest.topPrincipals] };
  }

  async addDue(entry: DueEntry): Promise<void> {
    this.due.set(dueSortKey(entry), entry);
  }

  async dueBefore(now: number, limit: number): Promise<readonly DueEntry[]> {
    return [...this.due.entries()]
      .filter(([, entry]) => entry.at <= now)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit)
      .map(([, entry]) => entry);
  }

  async removeDue(entry: DueEntry): Promise<void> {
    this.due.delete(dueSortKey(entry));
  }

  async deliveredSinks(cluster: string, messageId: string): Promise<ReadonlySet<string>> {
    return new Set(this.deliveries.get(`${cluster}#${messageId}`));
  }

  async markDelivered(cluster: string, messageId: string, sink: string): Promise<void> {
    const key = `${cluster}#${messageId}`;
    const sinks = this.deliveries.get(key) ?? new Set<string>();
    sinks.add(sink);
    this.deliveries.set(key, sinks);
  }

  async claimBatch(
    cluster: string,
    batchId: string,
    _expiresAt?: number,
    claimedAt?: number,
  ): Promise<BatchClaim> {
    const key = `${cluster}#${batchId}`;
    const earlier = this.batches.get(key);
    if (earlier)
      return retryClaim(earlier.recorded, earlier.counted, earlier.alerted.values(), earlier.claimedAt);
    this.batches.set(key, newMarker(claimedAt));
    return { kind: 'new' };
  }

  async batchRecord(cluster: string, batchId: string): Promise<BatchRecord | undefined> {
    const marker = this.batches.get(`${cluster}#${batchId}`);
    return (
      marker && {
        counted: new Set(marker.counted),
        alerted: new Map(marker.alerted),
        ...(marker.decided ? { decided: true } : {}),
      }
    );
  }

  async markBatchRecorded(cluster: string, batchId: string): Promise<void> {
    const marker = this.batches.get(`${cluster}#${batchId}`);
    if (marker) marker.recorded = true;
    else this.batches.set(`${cluster}#${batchId}`, { ...newMarker(), recorded: true });
  }

  async markCounted(
    cluster: string,
    batchId: string,
    problemIds: readonly string[],
    decided = false,
  ): Promise<void> {
    const key = `${cluster}#${batchId}`;
    const marker = this.batches.get(key) ?? newMarker();
    for (const id of problemIds) marker.counted.add(id);
    if (decided) marker.decided = true;
    this.batches.set(key, marker);
  }

  /** The conditional checks of the DynamoDB store: the same window, with the same count. */
  private matches(key: string, expected: ProblemWindow): boolean {
    const stored = this.problems.get(key);
    return (
      stored !== undefined && stored.windowEnd === expected.windowEnd && stored.pending === expected.pending
    );
  }
}
