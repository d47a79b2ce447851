import type { DeliverySink } from '../contract';
import type { Notification } from '../engine/types';

/** How long a sink may still take: the invocation's remaining time, minus a margin to record the outcome. */
export interface TimeBudget {
  remainingMs(): number;
}

/** No deadline: replay and tests without a Lambda context. */
export const UNLIMITED_BUDGET: TimeBudget = { remainingMs: () => Number.POSITIVE_INFINITY };

/**
 * One place a notification goes. `id` names the destination in the delivery state (so a retried
 * invocation skips destinations a message already reached); `kind` is the `Sink` metric dimension.
 */
export interface Sink {
  readonly id: string;
  readonly kind: DeliverySink;
  /** Sends, retrying what is worth retrying; throws `DeliveryError` when it gives up. */
  send(notification: Notification, budget: TimeBudget): Promise<void>;
  /**
   * Sends several in as few calls as the destination allows (SNS `PublishBatch`): one outcome per
   * notification, in order, `undefined` when it went out. Optional: without it, one `send` each.
   */
  sendMany?(
    notifications: readonly Notification[],
    budget: TimeBudget,
  ): Promise<readonly (DeliveryError | undefined)[]>;
}

/**
 * No send starts with less time than this left: the invocation must still record what went out and
 * fail cleanly so Lambda retries the rest (a send cut off by the timeout is the one case that could
 * go out without a record).
 */
export const SEND_RESERVE_MS = 3_000;

/** A sink gave up on a message (after its retries); the invocation fails so Lambda keeps the event. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}
