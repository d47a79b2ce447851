import { LoggingSetupPropertiesError } from './errors';

/** What one `Custom::AuthenticatorLogging` resource asks for, read from its ResourceProperties. */
export interface LoggingSetupRequest {
  readonly clusterName: string;
  /** `/aws/eks/<cluster>/cluster`: where EKS writes the authenticator streams. */
  readonly logGroupName: string;
  /** Retention for the log group when this resource has to create it; an existing group keeps its own. */
  readonly logRetentionDays: number;
  /** Our subscription filter's name, so a quota check can tell our own slot from someone else's. */
  readonly subscriptionFilterName: string;
  /**
   * Whether this resource owns the cluster's `authenticator` log type. False for clusters defined in the
   * same CDK app: their own `clusterLogging` carries it, and two writers of one setting drift.
   */
  readonly manageLogging: boolean;
  /** Turn authenticator logging off again on delete, when this stack turned it on. */
  readonly restoreLoggingOnDelete: boolean;
  /** The stack has a Chatbot channel: refuse regions without AWS Chatbot. */
  readonly chatbotConfigured: boolean;
  /** How long to wait for a CREATING/UPDATING cluster (seconds): a little less than the Provider's total timeout. */
  readonly waitLimitSeconds: number;
}

/** 40 minutes: the stack's Provider gives up after 45. */
export const DEFAULT_WAIT_LIMIT_SECONDS = 40 * 60;

/**
 * Reads the resource properties. CloudFormation hands every scalar over as a string, so numbers and
 * booleans are accepted in both forms.
 */
export function readLoggingSetupRequest(properties: Readonly<Record<string, unknown>>): LoggingSetupRequest {
  return {
    clusterName: text(properties, 'ClusterName'),
    logGroupName: text(properties, 'LogGroupName'),
    logRetentionDays: positiveInteger(properties, 'LogRetentionDays'),
    subscriptionFilterName: text(properties, 'SubscriptionFilterName'),
    manageLogging: flag(properties, 'ManageLogging'),
    restoreLoggingOnDelete: flag(properties, 'RestoreLoggingOnDelete'),
    chatbotConfigured: flag(properties, 'ChatbotConfigured'),
    waitLimitSeconds:
      properties.WaitLimitSeconds === undefined
        ? DEFAULT_WAIT_LIMIT_SECONDS
        : positiveInteger(properties, 'WaitLimitSeconds'),
  };
}

function text(properties: Readonly<Record<string, unknown>>, key: string): string {
  const value = properties[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new LoggingSetupPropertiesError(key, value, 'a non-empty string');
  }
  return value;
}

function positiveInteger(properties: Readonly<Record<string, unknown>>, key: string): number {
  const value = properties[key];
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new LoggingSetupPropertiesError(key, value, 'a positive whole number');
  }
  return parsed;
}

function flag(properties: Readonly<Record<string, unknown>>, key: string): boolean {
  const value = properties[key];
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false' || value === undefined) return false;
  throw new LoggingSetupPropertiesError(key, value, '"true" or "false"');
}
