import { describe, expect, it } from 'vitest';
import { MemoryDedupStore } from '../../../lambda/dedup/memory-store';
import { StoreHealth } from '../../../lambda/pipeline/store-health';

const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });

describe('the health of the dedup store during an invocation', () => {
  it('is up, and keeps delivery state in the store, until a call fails', () => {
    // Prepare
    const store = new MemoryDedupStore();

    // Act
    const health = new StoreHealth();

    // Assess
    expect(health.downBecause).toBeUndefined();
    expect(health.deliveryState(store)).toBe(store);
  });

  it('is down after a failure, named by the first one, and keeps no delivery state', () => {
    // Prepare
    const health = new StoreHealth();

    // Act
    const first = health.fail(throttled);
    const second = health.fail(unreachable);

    // Assess
    expect([first, second]).toEqual(['ThrottlingException', 'TimeoutError']);
    expect(health.downBecause).toBe('ThrottlingException');
    expect(health.deliveryState(new MemoryDedupStore())).toBeUndefined();
  });
});
