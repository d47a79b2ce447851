import { errorName } from '../common/error-names';
import { type DueEntry, retryStateExpiry, type StoredMessage } from '../dedup/store';
import { deliverAll, type OutgoingMessage } from '../delivery/deliver';
import type { TimeBudget } from '../delivery/sink';
import type { Notification } from '../engine/types';
import type { AdmittedBatch } from './admit';
import type { PipelineDeps, StepResult } from './deps';
import type { StoreHealth } from './store-health';

// The last step, persist and deliver: what a batch sends is kept before it is sent, so a retried
// invocation re-sends it instead of counting the batch again; then it goes to every sink. The sweep
// delivers through the same `deliver`.

/** A message to send, and the sweep entry its delivery settles (a closed window's follow-up, a digest). */
export interface Send {
  readonly message: OutgoingMessage;
  readonly settles?: DueEntry;
}

/** What went out: every message tried, the failures, and the sends that reached every sink. */
export interface Delivery extends StepResult {
  readonly delivered: readonly Send[];
}

/**
 * A retry of this batch: an earlier attempt counted it and kept its messages (self-tests included);
 * they are sent again to the sinks they missed, and nothing is counted twice. `undefined` for a batch
 * never counted — or when the store cannot say, which marks it down: the batch then fails open.
 */
export async function priorAttempt(
  batch: AdmittedBatch,
  deps: PipelineDeps,
  health: StoreHealth,
): Promise<Send[] | undefined> {
  const prior = await deps.store.getBatch(batch.cluster, batch.batchId).catch((error: unknown) => {
    health.fail(error);
    return undefined;
  });
  return prior?.flatMap((stored) => restore(batch.cluster, stored));
}

/**
 * Keeps what the batch sends, before it is sent. Nothing is kept while the store is down; a failed
 * write is logged, and a retry would then count the batch afresh.
 */
export async function persist(
  batch: AdmittedBatch,
  sends: readonly Send[],
  deps: PipelineDeps,
  health: StoreHealth,
  now: number,
): Promise<void> {
  if (health.downBecause !== undefined) return;
  const stored: StoredMessage[] = sends.map(({ message }) => ({
    messageId: message.messageId,
    body: JSON.stringify(message.notification),
  }));
  await deps.store
    .putBatch(batch.cluster, batch.batchId, stored, retryStateExpiry(now))
    .catch((error: unknown) =>
      deps.observability.warn('batch record not stored', { cluster: batch.cluster, error: errorName(error) }),
    );
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
): Promise<Delivery> {
  if (sends.length === 0) return { messages: [], failures: [], delivered: [] };
  const messages = sends.map((send) => send.message);
  const report = await deliverAll(
    messages,
    deps.sinks,
    health.deliveryState(deps.store),
    budget,
    deps.observability,
    deps.now,
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
    delivered: sends.filter((send) => delivered.has(send.message)),
  };
}

/** A stored message as it was sent; none for a body that no longer parses. */
function restore(cluster: string, stored: StoredMessage): Send[] {
  let notification: Notification;
  try {
    notification = JSON.parse(stored.body) as Notification;
  } catch {
    return [];
  }
  return [{ message: { cluster, messageId: stored.messageId, notification } }];
}
