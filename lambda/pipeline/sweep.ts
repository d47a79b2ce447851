import { FloodControl } from '../dedup/flood-control';
import type { DueEntry } from '../dedup/store';
import type { DeliveryFailure, OutgoingMessage } from '../delivery/deliver';
import { deliverAll } from '../delivery/deliver';
import type { TimeBudget } from '../delivery/sink';
import type { PipelineDeps, StepResult } from './deps';
import { digestNotification, followupMessage } from './notifications';

/** Due entries handled per round; a round is one query, its sends, and their bookkeeping. */
const PAGE = 100;
/** Another round starts only with this much time left, so bookkeeping never races Lambda's deadline. */
const ROUND_RESERVE_MS = 15_000;

/**
 * The scheduled sweep (`{ "sweep": true }`, every few minutes): windows close on time, not only on
 * the next occurrence, so a storm that stops is still summarised. Sends the follow-ups and digests
 * that are due, then removes their entries; an entry whose message fails stays for the next sweep
 * (or Lambda's retry), and the per-message delivery state stops a second send to sinks it reached.
 */
export async function runSweep(deps: PipelineDeps, budget: TimeBudget): Promise<StepResult> {
  const flood = new FloodControl(deps.store, deps.settings);
  const messages: OutgoingMessage[] = [];
  const failures: DeliveryFailure[] = [];
  // The first round always runs; more only while time is left (a short function timeout still sweeps).
  for (let round = 0; round === 0 || budget.remainingMs() > ROUND_RESERVE_MS; round++) {
    const now = deps.now();
    const { followups, digests, stale } = await flood.sweep(now, PAGE);
    for (const due of stale) await flood.done(due);
    const outgoing = new Map<OutgoingMessage, DueEntry>();
    for (const closed of followups) {
      const message = followupMessage(closed);
      if (message) {
        outgoing.set(message, closed.due);
        continue;
      }
      deps.observability.warn('follow-up dropped: stored problem unreadable', {
        cluster: closed.window.cluster,
      });
      await flood.done(closed.due);
    }
    for (const digest of digests) {
      const { cluster } = await deps.context.cluster(digest.cluster);
      const notification = digestNotification(cluster, digest.tally);
      outgoing.set({ cluster: digest.cluster, messageId: digest.messageId, notification }, digest.due);
    }
    if (outgoing.size === 0) {
      if (stale.length < PAGE) break;
      continue; // a page of stale entries only: the next page may hold due work
    }
    const report = await deliverAll(
      [...outgoing.keys()],
      deps.sinks,
      deps.store,
      budget,
      deps.observability,
      deps.now,
    );
    for (const message of report.delivered) {
      const due = outgoing.get(message);
      if (due) await flood.done(due);
      deps.observability.alertsSent(message.cluster, 1);
    }
    messages.push(...outgoing.keys());
    failures.push(...report.failures);
    if (report.failures.length > 0 || followups.length + digests.length + stale.length < PAGE) break;
  }
  // The pipeline watching itself (lambda/watch): is every cluster still seen? the canary, when due.
  const watched = (await deps.selfWatch?.sweep(deps, budget)) ?? { messages: [], failures: [] };
  return { messages: [...messages, ...watched.messages], failures: [...failures, ...watched.failures] };
}
