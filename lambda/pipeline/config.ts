import {
  EnvVar,
  IAM_ROLE_OR_USER_ARN,
  SECRET_NAME,
  SECRET_NAME_MAX_LENGTH,
  SNS_TOPIC_ARN,
  WHOLE_NUMBER_SETTINGS,
  type WholeNumberSetting,
} from '../contract';
import { parseArn } from '../engine/parse/arn';

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
  /**
   * Alerts and follow-ups per window across every cluster of the account, before one account digest.
   * `undefined` when unset: flood control derives it, 5 × `alertCap` (`unsetValue('accountAlertCap')`).
   */
  readonly accountAlertCap?: number;
  /** How long EKS and log-history lookups are reused within one execution environment. */
  readonly contextCacheTtlSeconds: number;
  /**
   * The cluster creator (the stack's `creatorArn`), canonical: every lock-out fix names it and the way to
   * act as it. `undefined` = learned from a `kubernetes-admin` grant in the log, or the query to find it.
   */
  readonly creatorArn?: string;
}

/**
 * An environment variable of the function is missing or malformed; the message names it and shows a
 * valid example. (The stack's own configuration problems are `ConfigError`, in `lib/config`.)
 */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** DynamoDB table names: 3–255 of `[A-Za-z0-9_.-]`. */
const TABLE_NAME = /^[\w.-]{3,255}$/;

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads and checks the settings.
 *
 * @example
 * const config = loadConfig(process.env); // at module scope, so a bad value fails the init phase
 */
export function loadConfig(env: Environment): Config {
  const topicArn = required(env, EnvVar.TopicArn, 'arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor');
  checkTopicArn(EnvVar.TopicArn, topicArn);
  const extraTopicArns = (env[EnvVar.ExtraTopicArns] ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter((arn) => arn.length > 0);
  for (const arn of extraTopicArns) checkTopicArn(EnvVar.ExtraTopicArns, arn);

  const dedupTableName = required(env, EnvVar.DedupTableName, 'eks-auth-doctor-dedup');
  if (!TABLE_NAME.test(dedupTableName)) {
    throw new EnvironmentError(
      `${EnvVar.DedupTableName} "${dedupTableName}" is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -), e.g. ${EnvVar.DedupTableName}=eks-auth-doctor-dedup`,
    );
  }

  const secretName = env[EnvVar.SlackWebhookSecretName]?.trim() ?? '';
  if (secretName !== '' && !SECRET_NAME.test(secretName)) {
    throw new EnvironmentError(
      `${EnvVar.SlackWebhookSecretName} "${secretName}" is not a Secrets Manager name (1-${SECRET_NAME_MAX_LENGTH} of A-Z a-z 0-9 / _ + = . @ -), e.g. ${EnvVar.SlackWebhookSecretName}=eks-auth-doctor/slack-webhook (empty = no Slack)`,
    );
  }

  const creatorArn = env[EnvVar.CreatorArn]?.trim() ?? '';
  if (creatorArn !== '' && !IAM_ROLE_OR_USER_ARN.test(creatorArn)) {
    throw new EnvironmentError(
      `${EnvVar.CreatorArn} "${creatorArn}" is not an IAM role or user ARN, e.g. ${EnvVar.CreatorArn}=arn:aws:iam::123456789012:role/cluster-admin (empty = learned from the log)`,
    );
  }

  return {
    topicArn,
    extraTopicArns,
    dedupTableName,
    slackWebhookSecretName: secretName === '' ? undefined : secretName,
    dedupWindowMinutes: wholeNumber(env, EnvVar.DedupWindowMinutes, WHOLE_NUMBER_SETTINGS.dedupWindowMinutes),
    alertCap: wholeNumber(env, EnvVar.AlertCap, WHOLE_NUMBER_SETTINGS.alertCap),
    ...accountAlertCap(env),
    contextCacheTtlSeconds: wholeNumber(
      env,
      EnvVar.ContextCacheTtlSeconds,
      WHOLE_NUMBER_SETTINGS.contextCacheTtlSeconds,
    ),
    // As the authenticator matches it: a role without its path.
    ...(creatorArn === '' ? {} : { creatorArn: parseArn(creatorArn)?.canonical ?? creatorArn }),
  };
}

function required(env: Environment, name: string, example: string): string {
  const value = env[name]?.trim();
  if (!value) throw new EnvironmentError(`${name} is not set; the stack sets it, e.g. ${name}=${example}`);
  return value;
}

function checkTopicArn(name: string, arn: string): void {
  if (!SNS_TOPIC_ARN.test(arn)) {
    throw new EnvironmentError(
      `${name} holds "${arn}", which is not an SNS topic ARN, e.g. ${name}=arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor`,
    );
  }
}

function wholeNumber(
  env: Environment,
  name: string,
  setting: WholeNumberSetting,
  unset = 'the default when unset',
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return setting.default;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < setting.min || value > setting.max) {
    throw new EnvironmentError(
      `${name} is "${raw}"; it must be a whole number from ${setting.min} to ${setting.max}, e.g. ${name}=${setting.default} (${unset})`,
    );
  }
  return value;
}

/**
 * `ACCOUNT_ALERT_CAP` when set; unset or empty, `{}`: its default follows `ALERT_CAP`
 * (`derivedDefault`), and flood control, the one place that derives it, does.
 */
function accountAlertCap(env: Environment): Pick<Config, 'accountAlertCap'> {
  const name = EnvVar.AccountAlertCap;
  if (!env[name]?.trim()) return {};
  const setting = WHOLE_NUMBER_SETTINGS.accountAlertCap;
  const unset = `empty: ${setting.derivedDefault.times} × ${EnvVar.AlertCap}`;
  return { accountAlertCap: wholeNumber(env, name, setting, unset) };
}
