import {
  ACCOUNT_SCOPE,
  accountCapOf,
  type ClosedDigest,
  type ClosedWindow,
  FloodControl,
} from '../dedup/flood-control';
import type { DeliveryFailure, OutgoingMessage } from '../delivery/deliver';
import type { TimeBudget } from '../delivery/sink';
import { deliver, type Send } from './deliver';
import type { PipelineDeps, StepResult } from './deps';
import { digestMessage, followupMessage } from './messages';
import { StoreHealth } from './store-health';

/** What the account's combined digest names as its cluster (subject, message). */
export const ACCOUNT_DIGEST_NAME = 'all clusters';

/** Due entries handled per round; a round is one query, its sends, and their bookkeeping. */
const PAGE = 100;
/** Another round starts only with this much time left, so bookkeeping never races Lambda's deadline. */
const ROUND_RESERVE_MS = 15_000;

/**
 * The scheduled sweep (`{ "sweep": true }`, every few minutes), beside the subscription flow and
 * built from the same steps: windows close on time, not only on the next occurrence, so a storm that
 * stops is still summarised. Sends the follow-ups and digests that are due, then removes their
 * entries; an entry whose message fails stays for the next sweep (or Lambda's retry), and the
 * per-message delivery state stops a second send to sinks it reached.
 */
export async function runSweep(deps: PipelineDeps, budget: TimeBudget): Promise<StepResult> {
  const flood = new FloodControl(deps.store, deps.settings);
  const health = new StoreHealth();
  const messages: OutgoingMessage[] = [];
  const failures: DeliveryFailure[] = [];
  // The first round always runs; more only while time is left (a short function timeout still sweeps).
  for (let round = 0; round === 0 || budget.remainingMs() > ROUND_RESERVE_MS; round++) {
    const { followups, digests, stale } = await flood.sweep(deps.now(), PAGE);
    for (const due of stale) await flood.done(due);
    const sends = await dueMessages(followups, digests, flood, deps);
    if (sends.length === 0) {
      if (stale.length < PAGE) break;
      continue; // a page of stale entries only: the next page may hold due work
    }
    const delivery = await deliver(sends, deps, budget, health);
    // Unlike a batch, the sweep stops on a failure here: the next round would offer the same entries.
    for (const { settles } of delivery.delivered) if (settles) await flood.done(settles);
    messages.push(...delivery.messages);
    failures.push(...delivery.failures);
    if (delivery.failures.length > 0 || followups.length + digests.length + stale.length < PAGE) break;
  }
  // The pipeline watching itself (lambda/watch): is every cluster still seen? the canary, when due.
  const watched = (await deps.selfWatch?.sweep(deps, budget)) ?? { messages: [], failures: [] };
  return { messages: [...messages, ...watched.messages], failures: [...failures, ...watched.failures] };
}

/** The messages of what is due; a follow-up whose stored problem is unreadable is dropped (and logged). */
async function dueMessages(
  followups: readonly ClosedWindow[],
  digests: readonly ClosedDigest[],
  flood: FloodControl,
  deps: PipelineDeps,
): Promise<Send[]> {
  const sends: Send[] = [];
  for (const closed of followups) {
    const message = followupMessage(closed);
    if (message) {
      sends.push({ message, settles: closed.due });
      continue;
    }
    deps.observability.warn('follow-up dropped: stored problem unreadable', {
      cluster: closed.window.cluster,
    });
    await flood.done(closed.due);
  }
  for (const digest of digests) {
    // The account's combined digest is about every cluster: no one cluster to describe.
    const account = digest.cluster === ACCOUNT_SCOPE;
    const { cluster } = account
      ? { cluster: { clusterName: ACCOUNT_DIGEST_NAME } }
      : await deps.context.cluster(digest.cluster);
    const notes = account
      ? [
          `Across every cluster of this account: past the account-wide ceiling of ${accountCapOf(deps.settings)} messages this window.`,
        ]
      : [];
    sends.push({
      message: digestMessage(digest.cluster, digest.messageId, cluster, digest.tally, notes),
      settles: digest.due,
    });
  }
  return sends;
}
