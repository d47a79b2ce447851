/**
 * How loud an alert should be. `critical`: nodes or everyone are locked out. `high`: a real person or
 * workload is locked out and needs a change. `medium`: a client-side credential problem the user fixes
 * themselves. `low`: noise anyone on the internet can produce (forged or garbage tokens). `info`: not a
 * problem. Each category entry and each sub-cause names its own.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
