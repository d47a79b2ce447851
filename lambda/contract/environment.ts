/**
 * The environment variables of the diagnosis function: the stack sets them (`lib/diagnosis-function.ts`)
 * and the function reads them once at cold start (`lambda/pipeline/config.ts`). A name changed on one
 * side only would leave the function with a default, or failing its cold start, so both read it here.
 */
export const EnvVar = {
  /** The stack's alert topic: every alert is published to it. */
  TopicArn: 'TOPIC_ARN',
  /** Further topics receiving the same messages, comma-separated; empty = none. */
  ExtraTopicArns: 'EXTRA_TOPIC_ARNS',
  /** The dedup table of flood control. */
  DedupTableName: 'DEDUP_TABLE_NAME',
  /** The Secrets Manager secret holding the Slack webhook URL; empty = no Slack. */
  SlackWebhookSecretName: 'SLACK_WEBHOOK_SECRET_NAME',
  /** Whole minutes; see `WHOLE_NUMBER_SETTINGS.dedupWindowMinutes`. */
  DedupWindowMinutes: 'DEDUP_WINDOW_MINUTES',
  /** See `WHOLE_NUMBER_SETTINGS.alertCap`. */
  AlertCap: 'ALERT_CAP',
  /** See `WHOLE_NUMBER_SETTINGS.accountAlertCap`; empty = its derived default, 5 × ALERT_CAP. */
  AccountAlertCap: 'ACCOUNT_ALERT_CAP',
  /** Whole seconds; see `WHOLE_NUMBER_SETTINGS.contextCacheTtlSeconds`. */
  ContextCacheTtlSeconds: 'CONTEXT_CACHE_TTL_SECONDS',
  /** The cluster creator's IAM role or user ARN, named in every lock-out fix; empty = learned from the log. */
  CreatorArn: 'CREATOR_ARN',
} as const;

/** Powertools' own variables, which the stack sets so that logger and metrics agree with the dashboard. */
export const PowertoolsEnvVar = {
  ServiceName: 'POWERTOOLS_SERVICE_NAME',
  MetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  LogLevel: 'POWERTOOLS_LOG_LEVEL',
} as const;
