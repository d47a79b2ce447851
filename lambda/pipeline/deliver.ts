import type { DueEntry } from '../dedup/store';
import { deliverAll, type OutgoingMessage } from '../delivery/deliver';
import type { TimeBudget } from '../delivery/sink';
import type { PipelineDeps, StepResult } from './deps';
import type { StoreHealth } from './store-health';

// The last step, deliver: every message to every sink, once per sink (the delivery state on each
// message). The sweep delivers through the same `deliver`.

/** A message to send, and the sweep entry its delivery settles (a closed window's follow-up, a digest). */
export interface Send {
  readonly message: OutgoingMessage;
  readonly settles?: DueEntry;
}

/** What went out: every message tried, the failures, and the sends that reached every sink. */
export interface Delivery extends StepResult {
  readonly delivered: readonly Send[];
  /** Sends without a delivery-state record: while any, the batch marker stays short of `recorded`. */
  readonly unrecorded: number;
}

/**
 * Every message to every sink, skipping sinks a message already reached while the store keeps
 * delivery state, and `AlertsSent` counted per cluster (self-tests are not alerts). Failures come
 * back, not thrown; the caller settles the sweep entries of what was delivered.
 */
export async function deliver(
  sends: readonly Send[],
  deps: PipelineDeps,
  budget: TimeBudget,
  health: StoreHealth,
  unsure = false,
): Promise<Delivery> {
  if (sends.length === 0) return { messages: [], failures: [], delivered: [], unrecorded: 0 };
  const messages = sends.map((send) => send.message);
  const report = await deliverAll(
    messages,
    deps.sinks,
    health.deliveryState(deps.store),
    budget,
    deps.observability,
    deps.now,
    unsure,
  );
  const sent = new Map<string, number>();
  for (const { cluster, notification } of report.delivered) {
    if (notification.kind !== 'selftest') sent.set(cluster, (sent.get(cluster) ?? 0) + 1);
  }
  for (const [cluster, count] of sent) deps.observability.alertsSent(cluster, count);
  const delivered = new Set(report.delivered);
  return {
    messages,
    failures: report.failures,
    unrecorded: report.unrecorded,
    delivered: sends.filter((send) => delivered.has(send.message)),
  };
}
