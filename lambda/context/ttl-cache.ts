/**
 * A small time-bounded cache for the execution environment: one EKS lookup per cluster (or principal)
 * per TTL instead of one per invocation, which during a denial storm is the difference between a
 * handful of API calls and throttling. Concurrent callers of a missing key share one lookup.
 *
 * Bounded: past `capacity` entries the oldest is dropped.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { readonly value: Promise<T>; readonly expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly capacity = 5_000,
  ) {}

  /**
   * The cached value of `key`, or the result of `load`, kept for `ttlMs`, or for `ttlFor(value)` when
   * that is shorter (e.g. a failed lookup is retried sooner). A rejected load is not kept.
   */
  get(key: string, load: () => Promise<T>, ttlFor?: (value: T) => number): Promise<T> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = load();
    this.set(key, value, now + this.ttlMs);
    value.then(
      (loaded) => {
        if (ttlFor && this.entries.get(key)?.value === value)
          this.set(key, value, now + Math.min(this.ttlMs, ttlFor(loaded)));
      },
      () => {
        if (this.entries.get(key)?.value === value) this.entries.delete(key);
      },
    );
    return value;
  }

  private set(key: string, value: Promise<T>, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
