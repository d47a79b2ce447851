import type { ChatbotChannel } from '../alert-topic';

/** The cdk.json context key holding the configuration object; each of its keys can be overridden with `-c key=value`. */
export const CONFIG_CONTEXT_KEY = 'eks-auth-doctor';

/** The shipped default cluster name: a placeholder that synthesises but cannot be deployed. */
export const PLACEHOLDER_CLUSTER = 'my-cluster';

/** The configuration of the ready-made stack, validated. */
export interface AuthDoctorConfig {
  /** Names of existing EKS clusters in the target region. */
  readonly clusters: readonly string[];
  readonly alertEmails: readonly string[];
  /** An existing Secrets Manager secret whose value is the Slack webhook URL. */
  readonly slackWebhookSecretName?: string;
  /** The customer-managed KMS key of that secret, if any. */
  readonly slackWebhookSecretKeyArn?: string;
  readonly chatbot?: ChatbotChannel;
  readonly dedupWindowMinutes: number;
  readonly alertCap: number;
  /** Alerts and follow-ups per window across all clusters; unset: 5 × `alertCap`. */
  readonly accountAlertCap?: number;
  readonly logRetentionDays: number;
  /** `null`: no reserved concurrency. */
  readonly reservedConcurrency: number | null;
  readonly restoreLoggingOnDelete: boolean;
  readonly extraTopicArns: readonly string[];
  /** KMS keys of extra topics encrypted with a customer-managed key. */
  readonly extraTopicKeyArns: readonly string[];
  /** The cluster creator's IAM role or user ARN, named in every lock-out fix. */
  readonly creatorArn?: string;
  /** The end-to-end canary and its alarms. */
  readonly canary: boolean;
  /** Deploy even though no sink is configured (no email, Slack, Chatbot or extra topic): alerts reach nobody. */
  readonly allowNoSinks: boolean;
}
