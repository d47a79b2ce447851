import { errorName } from '../common/error-names';
import type { DedupStore } from '../dedup/store';
import type { DeliveryState } from '../delivery/deliver';

/**
 * Whether the dedup store can be used for the rest of one invocation, passed to each step that uses
 * it. The first failure that is not contention marks it down: from then on the batch fails open
 * (alerts go out marked "possibly a duplicate"), keeps no batch record and no delivery state, instead
 * of waiting for a store that is not answering once per problem.
 */
export class StoreHealth {
  private reason: string | undefined;

  /** Why the store is down (the failed call's error name), or `undefined` while it works. */
  get downBecause(): string | undefined {
    return this.reason;
  }

  /** Marks the store down after `error`, unless it already is; returns the error's name. */
  fail(error: unknown): string {
    const reason = errorName(error);
    this.reason ??= reason;
    return reason;
  }

  /** The store to keep delivery state in, while it works: without it, every sink is tried. */
  deliveryState(store: DedupStore): DeliveryState | undefined {
    return this.reason === undefined ? store : undefined;
  }
}
