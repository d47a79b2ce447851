/**
 * How long a context lookup (DescribeCluster, ListAccessEntries, FilterLogEvents) may take before the
 * alert goes out without its context: the race in `withTimeout` gives up then, and the client's
 * `requestTimeout` ends the request itself.
 */
export const LOOKUP_TIMEOUT_MS = 3_000;

/**
 * What the diagnosis function's AWS SDK clients are built with (and the bench's, so it measures them).
 * `cacheMiddleware`: the middleware stack is resolved once per command class, not on every call (the
 * SDK's option: "the additional time saved (0-1ms per request)"; measured here 0.11 ms less CPU per
 * DescribeCluster, 0.08 ms per PublishBatch). The SDK uses the cache only for calls made without
 * per-call options, so no call passes any: a lookup's time limit is the client's, not an abort signal.
 */
export const SDK_CLIENT_DEFAULTS = { cacheMiddleware: true } as const;

/** The lookup clients' settings: one retry at most, and the lookup time limit on every request. */
export const LOOKUP_CLIENT_OPTIONS = {
  ...SDK_CLIENT_DEFAULTS,
  maxAttempts: 2,
  requestHandler: { requestTimeout: LOOKUP_TIMEOUT_MS },
} as const;
