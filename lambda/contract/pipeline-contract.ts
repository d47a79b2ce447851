/**
 * Names the stack shares with the diagnosis Lambda. The Lambda emits these (Powertools EMF metrics and
 * structured log keys); the stack graphs, alarms and queries on them. Changing one side alone breaks the
 * dashboard silently, so they live in one place.
 */
export const SERVICE_NAME = 'eks-auth-doctor';

/** EKS cluster names: 1–100 letters, digits, hyphens and underscores, starting with a letter or digit. */
export const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** An SNS topic ARN, as the stack accepts it for extra topics and the Lambda for every topic it publishes to. */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** Where EKS writes a cluster's control-plane logs, the `authenticator-*` streams among them. */
export function clusterLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}
export const METRICS_NAMESPACE = 'EksAuthDoctor';

/** Powertools adds this dimension to every metric, with the value {@link SERVICE_NAME}. */
export const SERVICE_DIMENSION = 'service';

export const Metric = {
  /** Dimensions: Cluster, Category. */
  Denials: 'Denials',
  /** Dimension: Cluster. */
  AlertsSent: 'AlertsSent',
  /** Dimension: Cluster. */
  AlertsSuppressed: 'AlertsSuppressed',
  /** Service dimension only. */
  MalformedRecords: 'MalformedRecords',
  /** Dimension: Sink (`sns` | `slack`). */
  DeliveryFailures: 'DeliveryFailures',
} as const;

export const DELIVERY_SINKS = ['sns', 'slack'] as const;
export type DeliverySink = (typeof DELIVERY_SINKS)[number];

/** The structured log entry the Lambda writes once per finding (`message: "finding"`). */
export const FINDING_LOG_MESSAGE = 'finding';

/** Flood control when not configured otherwise: repeats of a problem within the window are counted, not sent. */
export const DEFAULT_DEDUP_WINDOW_MINUTES = 60;
/** Alerts per cluster per window before the rest go into one digest. */
export const DEFAULT_ALERT_CAP = 20;

/** How long the Lambda caches `DescribeCluster` and access-entry answers. */
export const CONTEXT_CACHE_TTL_SECONDS = 300;

/** The dedup sweep: an EventBridge schedule invoking the same function with this input. */
export const SWEEP_INPUT = { sweep: true } as const;
export const SWEEP_RATE_MINUTES = 5;
