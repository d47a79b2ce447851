import type { ClosedWindow } from '../dedup/flood-control';
import type { DigestTally } from '../dedup/store';
import { compactFinding, problemOfWindow } from '../dedup/stored-problem';
import type { OutgoingMessage } from '../delivery/deliver';
import type { Category } from '../engine/categories';
import { problemNotification, seenIn } from '../engine/diagnose/alert';
import type { SelftestEvent } from '../engine/diagnose/diagnose-batch';
import { OccurrenceTally, type Problem } from '../engine/diagnose/problem';
import { trustOf } from '../engine/diagnose/problem-key';
import type { CategoryCount, ClusterContext, Notification } from '../engine/types';

// The messages the pipeline sends, each under the stable ID its delivery state is kept by. Alerts and
// follow-ups carry the problem's fix, written by the engine; digests and self-tests are the pipeline's.

/** The first occurrence of a problem, with its fix for this cluster. */
export function alertMessage(
  cluster: string,
  messageId: string,
  problem: Problem,
  notes: readonly string[] = [],
): OutgoingMessage {
  return {
    cluster,
    messageId,
    notification: problemNotification('alert', problem, [...(problem.notes ?? []), ...notes]),
  };
}

/**
 * The repeats of an alerted problem over one window ("×412 since 14:02"), the fix attached again;
 * `undefined` when the window's stored problem cannot be read back.
 */
export function followupMessage(closed: ClosedWindow): OutgoingMessage | undefined {
  const problem = problemOfWindow(closed.window, closed.followup);
  if (!problem) return undefined;
  return {
    cluster: closed.window.cluster,
    messageId: closed.followup.messageId,
    notification: problemNotification('followup', problem, problem.notes ?? []),
  };
}

/** Everything past the cluster's cap in one window: "412 more denials from 397 principals …". */
export function digestMessage(
  cluster: string,
  messageId: string,
  context: ClusterContext,
  tally: DigestTally,
  notes: readonly string[] = [],
): OutgoingMessage {
  return { cluster, messageId, notification: digestNotification(context, tally, notes) };
}

/** Principals a digest names, most denied first; the rest are counted. */
export const DIGEST_PRINCIPALS_NAMED = 5;

/**
 * The digest's notification: the count, the distinct principals, the categories largest first, and
 * the most denied principals (from the digest's stored list, so a sweep an hour later names them). A
 * cluster context that does not know its account (no live lookup) takes the one the batches knew,
 * which tells principals of this account (an outage) from those of others (a probe).
 */
export function digestNotification(
  cluster: ClusterContext,
  tally: DigestTally,
  notes: readonly string[] = [],
): Notification {
  const topCategories: CategoryCount[] = Object.entries(tally.categories)
    .map(([category, count]) => ({ category: category as Category, count: count ?? 0 }))
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
  const topPrincipals = (tally.topPrincipals ?? []).slice(0, DIGEST_PRINCIPALS_NAMED);
  const accountId = cluster.accountId ?? tally.account;
  return {
    kind: 'digest',
    cluster: accountId === undefined ? cluster : { ...cluster, accountId },
    ...seenIn(tally),
    distinctPrincipals: tally.principals,
    topCategories,
    ...(topPrincipals.length > 0 ? { topPrincipals } : {}),
    problemKey: `${cluster.clusterName ?? ''}|digest`,
    notes,
  };
}

/**
 * "The pipeline works": the self-test denial made it from the log group to every sink. Its finding is
 * compacted like everything the batch record keeps.
 */
export function selftestMessage(
  cluster: string,
  context: ClusterContext,
  selftest: SelftestEvent,
): OutgoingMessage {
  const notification: Notification = {
    kind: 'selftest',
    cluster: context,
    finding: compactFinding(selftest.finding),
    ...seenIn(new OccurrenceTally().add(selftest.timestamp)),
    problemKey: `${context.clusterName ?? ''}|selftest`,
    notes: [],
  };
  return { cluster, messageId: `selftest#${selftest.eventId}`, notification };
}

/**
 * Which budget a message came from, for `replay --format json` and the README's table: `probe`,
 * `identity` or `breakage` (its finding's trust class), `pipeline` for the pipeline's own messages
 * (digests, self-tests).
 */
export function messageClass(n: Notification): 'probe' | 'identity' | 'breakage' | 'pipeline' {
  if (!n.finding || n.kind === 'digest' || n.kind === 'selftest') return 'pipeline';
  const trust = trustOf(n.finding);
  return trust === 'none' ? 'pipeline' : trust;
}
