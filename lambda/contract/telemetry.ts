/**
 * What the diagnosis function emits and the stack watches: Powertools EMF metrics and the structured log
 * entry of each finding. The stack graphs, alarms and queries on these names; changing one side alone
 * breaks the dashboard silently, so both read them from here.
 */

export const METRICS_NAMESPACE = 'EksAuthDoctor';

/** Powertools adds this dimension to every metric, with the value `SERVICE_NAME`. */
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

/** The values of the `Sink` dimension of {@link Metric.DeliveryFailures}; the alarm sums every one. */
export const DELIVERY_SINKS = ['sns', 'slack'] as const;
export type DeliverySink = (typeof DELIVERY_SINKS)[number];

/** The structured log entry the Lambda writes once per finding (`message: "finding"`). */
export const FINDING_LOG_MESSAGE = 'finding';
