import {
  CONTEXT_CACHE_TTL_SECONDS,
  DEFAULT_ALERT_CAP,
  DEFAULT_DEDUP_WINDOW_MINUTES,
  SNS_TOPIC_ARN,
} from '../contract/pipeline-contract';

/**
 * The diagnosis function's settings, read from the environment the stack sets. Validated once at cold
 * start: a bad value fails the init phase with a message naming the variable, instead of failing (or
 * silently misbehaving) on the first denial hours later.
 */
export interface Config {
  /** The SNS topic every alert is published to. */
  readonly topicArn: string;
  /** More topics that receive the same messages (e.g. a dedicated AWS Chatbot topic). */
  readonly extraTopicArns: readonly string[];
  readonly dedupTableName: string;
  /** Secrets Manager secret holding the Slack incoming-webhook URL; `undefined` = no Slack. */
  readonly slackWebhookSecretName?: string;
  /** How long repeats of one problem are counted before their follow-up goes out. */
  readonly dedupWindowMinutes: number;
  /** Alerts per cluster per window before the rest are folded into one digest. */
  readonly alertCap: number;
  /** How long EKS and log-history lookups are reused within one execution environment. */
  readonly contextCacheTtlSeconds: number;
}

/** An environment variable is missing or malformed; the message names it and shows a valid example. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** DynamoDB table names: 3–255 of `[A-Za-z0-9_.-]`. */
const TABLE_NAME = /^[\w.-]{3,255}$/;
/** Secrets Manager names or ARNs: letters, digits and `/_+=.@-` (plus `:` in an ARN). */
const SECRET_NAME = /^[\w/+=.@:-]{1,2048}$/;

/**
 * Reads and checks the settings.
 *
 * @example
 * const config = loadConfig(process.env); // at module scope, so a bad value fails the init phase
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const topicArn = required(env, 'TOPIC_ARN', 'arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor');
  checkTopicArn('TOPIC_ARN', topicArn);
  const extraTopicArns = (env.EXTRA_TOPIC_ARNS ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter((arn) => arn.length > 0);
  for (const arn of extraTopicArns) checkTopicArn('EXTRA_TOPIC_ARNS', arn);

  const dedupTableName = required(env, 'DEDUP_TABLE_NAME', 'eks-auth-doctor-dedup');
  if (!TABLE_NAME.test(dedupTableName)) {
    throw new ConfigError(
      `DEDUP_TABLE_NAME "${dedupTableName}" is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -), e.g. DEDUP_TABLE_NAME=eks-auth-doctor-dedup`,
    );
  }

  const secretName = env.SLACK_WEBHOOK_SECRET_NAME?.trim() ?? '';
  if (secretName !== '' && !SECRET_NAME.test(secretName)) {
    throw new ConfigError(
      `SLACK_WEBHOOK_SECRET_NAME "${secretName}" is not a Secrets Manager name, e.g. SLACK_WEBHOOK_SECRET_NAME=eks-auth-doctor/slack-webhook (empty = no Slack)`,
    );
  }

  return {
    topicArn,
    extraTopicArns,
    dedupTableName,
    slackWebhookSecretName: secretName === '' ? undefined : secretName,
    dedupWindowMinutes: wholeNumber(
      env,
      'DEDUP_WINDOW_MINUTES',
      DEFAULT_DEDUP_WINDOW_MINUTES,
      1,
      7 * 24 * 60,
    ),
    alertCap: wholeNumber(env, 'ALERT_CAP', DEFAULT_ALERT_CAP, 1, 10_000),
    contextCacheTtlSeconds: wholeNumber(
      env,
      'CONTEXT_CACHE_TTL_SECONDS',
      CONTEXT_CACHE_TTL_SECONDS,
      0,
      86_400,
    ),
  };
}

function required(env: Readonly<Record<string, string | undefined>>, name: string, example: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is not set; the stack sets it, e.g. ${name}=${example}`);
  return value;
}

function checkTopicArn(name: string, arn: string): void {
  if (!SNS_TOPIC_ARN.test(arn)) {
    throw new ConfigError(
      `${name} holds "${arn}", which is not an SNS topic ARN, e.g. ${name}=arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor`,
    );
  }
}

function wholeNumber(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} is "${raw}"; it must be a whole number from ${min} to ${max}, e.g. ${name}=${fallback} (the default when unset)`,
    );
  }
  return value;
}
