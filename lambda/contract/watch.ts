/**
 * The pipeline watching itself: what the stack configures and the diagnosis function reads back for
 * the blindness check (is `authenticator` logging still on, is our subscription filter still there?)
 * and for the opt-in canary (a marked synthetic denial that must come back through filter → function).
 */
export const WatchEnvVar = {
  /** The watched clusters' names, comma-separated (literal names or the names CloudFormation resolved). */
  Clusters: 'WATCHED_CLUSTERS',
  /** Our subscription filter's name on every cluster log group. */
  SubscriptionFilterName: 'SUBSCRIPTION_FILTER_NAME',
  /** `true` when the stack enabled the canary. */
  Canary: 'CANARY_ENABLED',
} as const;

/**
 * How often one cluster is checked for blindness: two cheap reads (DescribeCluster,
 * DescribeSubscriptionFilters) per cluster every quarter of an hour, well inside both APIs' rates, and
 * a breakage is reported within one interval plus one sweep.
 */
export const WATCH_INTERVAL_MINUTES = 15;

/**
 * How often the canary writes its marked line into each cluster log group. The alarm fires when no
 * canary came back for two such periods; the sweep (every 5 minutes) writes it when due, so the gap
 * between two canaries is at most 20 minutes and one missed sweep never trips the alarm.
 */
export const CANARY_INTERVAL_MINUTES = 15;

/** The stream the canary writes into; EKS's own streams are `authenticator-<hash>`. */
export const CANARY_STREAM_PREFIX = 'authenticator-canary-';

/** The `error=` text of the canary line; the authenticator never writes an error that starts with it. */
export const CANARY_MARKER = 'eks-auth-doctor canary';

/** The metric the function emits per cluster for each canary it recognised (dimension: Cluster). */
export const CANARY_METRIC = 'CanarySeen';
