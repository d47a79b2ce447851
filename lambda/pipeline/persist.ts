import { errorName } from '../common/error-names';
import { retryStateExpiry, type StoredMessage } from '../dedup/store';
import type { Notification } from '../engine/types';
import type { AdmittedBatch } from './admit';
import type { Send } from './deliver';
import type { PipelineDeps } from './deps';
import type { StoreHealth } from './store-health';

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
 * Keeps what the batch sends, before sending it, so that a retried invocation re-sends these messages
 * instead of counting the batch again. Nothing is kept while the store is down; a failed write is
 * logged, and a retry would then count the batch afresh.
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

function restore(cluster: string, stored: StoredMessage): Send[] {
  try {
    return [
      {
        message: {
          cluster,
          messageId: stored.messageId,
          notification: JSON.parse(stored.body) as Notification,
        },
      },
    ];
  } catch {
    return [];
  }
}
