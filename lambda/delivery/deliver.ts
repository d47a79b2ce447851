import { errorName } from '../common/error-names';
import { type DedupStore, retryStateExpiry } from '../dedup/store';
import type { Notification } from '../engine/types';
import type { Observability } from '../observability/observability';
import { SEND_RESERVE_MS, type Sink, type TimeBudget } from './sink';

/** One message to send, with the stable ID its delivery state is kept under. */
export interface OutgoingMessage {
  readonly cluster: string;
  readonly messageId: string;
  readonly notification: Notification;
}

export interface DeliveryFailure {
  readonly message: OutgoingMessage;
  readonly sink: Sink;
  readonly reason: string;
}

export interface DeliveryReport {
  /** Messages that reached every sink (now or in an earlier attempt). */
  readonly delivered: readonly OutgoingMessage[];
  readonly failures: readonly DeliveryFailure[];
  /** Sends whose delivery state was not written (no store, or the write failed): a retry may repeat them. */
  readonly unrecorded: number;
}

/** The note on a message a retry sends to a sink the earlier attempt may have reached without recording it. */
export const RETRY_DUPLICATE_NOTE =
  'Possibly a duplicate: an earlier attempt of this batch may have sent it without recording that it did.';

/** Why a message was left for the retry without being tried. */
export const OUT_OF_TIME = 'not sent: the invocation is about to time out; the retry sends it';

/** Delivery state lives on the dedup store; `undefined` when there is none to trust. */
export type DeliveryState = Pick<DedupStore, 'deliveredSinks' | 'markDelivered'>;

/**
 * Sends every message to every sink, skipping the sinks a message already reached (a retried
 * invocation re-sends nothing that went out) and recording each success.
 *
 * Sinks run side by side and never wait for each other, so a Slack outage cannot hold SNS back;
 * within one sink messages go one by one (Slack allows about one message per second per webhook).
 * Failures are returned, not thrown: the caller finishes its bookkeeping, then fails the invocation.
 */
export async function deliverAll(
  messages: readonly OutgoingMessage[],
  sinks: readonly Sink[],
  state: DeliveryState | undefined,
  budget: TimeBudget,
  observability: Observability,
  now: () => number = Date.now,
  unsure = false,
): Promise<DeliveryReport> {
  const already = await Promise.all(
    messages.map((message) => alreadyDelivered(message, state, observability)),
  );
  const failures: DeliveryFailure[] = [];
  let unrecorded = 0;
  // Unsure: the earlier attempt may have sent these without recording it; say so on the copies.
  const notificationOf = (message: OutgoingMessage) =>
    unsure
      ? { ...message.notification, notes: [...message.notification.notes, RETRY_DUPLICATE_NOTE] }
      : message.notification;
  const fail = (message: OutgoingMessage, sink: Sink, reason: string) => {
    failures.push({ message, sink, reason });
    observability.deliveryFailure(sink.kind, reason);
  };
  const record = async (message: OutgoingMessage, sink: Sink) => {
    if (!state) {
      unrecorded++;
      return;
    }
    await state
      .markDelivered(message.cluster, message.messageId, sink.id, retryStateExpiry(now()))
      .catch((error: unknown) => {
        unrecorded++;
        observability.warn('delivery state not recorded', {
          messageId: message.messageId,
          sink: sink.kind,
          error: errorName(error),
        });
      });
  };
  await Promise.all(
    sinks.map(async (sink) => {
      const pending = messages.filter((_, i) => !already[i]?.has(sink.id));
      if (pending.length > 1 && sink.sendMany) {
        if (budget.remainingMs() < SEND_RESERVE_MS) {
          for (const message of pending) fail(message, sink, OUT_OF_TIME);
          return;
        }
        // One call per 10 messages; each entry's outcome is its own, and so is its delivery state.
        const outcomes = await sink.sendMany(pending.map(notificationOf), budget);
        await Promise.all(
          pending.map(async (message, i) => {
            const outcome = outcomes[i];
            if (outcome) fail(message, sink, outcome.message);
            else await record(message, sink);
          }),
        );
        return;
      }
      for (const message of pending) {
        // Checked before every send: what is not sent now is sent by the retry, not cut off mid-way.
        if (budget.remainingMs() < SEND_RESERVE_MS) {
          fail(message, sink, OUT_OF_TIME);
          continue;
        }
        try {
          await sink.send(notificationOf(message), budget);
        } catch (error) {
          fail(message, sink, error instanceof Error ? error.message : String(error));
          continue;
        }
        await record(message, sink);
      }
    }),
  );
  const failed = new Set(failures.map((failure) => failure.message));
  return { delivered: messages.filter((message) => !failed.has(message)), failures, unrecorded };
}

/** Fail open: without delivery state every sink is tried (a duplicate beats a lost alert). */
async function alreadyDelivered(
  message: OutgoingMessage,
  state: DeliveryState | undefined,
  observability: Observability,
): Promise<ReadonlySet<string>> {
  if (!state) return new Set();
  try {
    return await state.deliveredSinks(message.cluster, message.messageId);
  } catch (error) {
    observability.warn('delivery state unreadable; sending anyway', {
      messageId: message.messageId,
      error: errorName(error),
    });
    return new Set();
  }
}
