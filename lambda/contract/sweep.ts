/**
 * The dedup sweep: an EventBridge schedule invoking the diagnosis function with this input, which sends
 * the follow-ups and digests whose windows closed. The stack schedules it, the handler recognises it and
 * replay runs it on the log's own clock.
 */
export const SWEEP_INPUT = { sweep: true } as const;

/** How often the sweep runs. */
export const SWEEP_RATE_MINUTES = 5;
