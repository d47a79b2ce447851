import {
  CLUSTER_NAME,
  IAM_ROLE_OR_USER_ARN,
  SECRET_NAME,
  SECRET_NAME_MAX_LENGTH,
  SNS_TOPIC_ARN,
  WHOLE_NUMBER_SETTINGS,
} from '../../lambda/contract';
import type { ChatbotChannel } from '../alert-topic';
import { DEFAULTS } from '../auth-doctor';
import type { AuthDoctorConfig } from './auth-doctor-config';
import {
  numberFrom,
  optionalObject,
  optionalText,
  type Report,
  stringList,
  wholeNumber,
  yesNo,
} from './value-parsers';

/**
 * One configuration key: its default, how it is read from context, and how it is checked. The table is
 * data, one entry per key, in the order the README documents them.
 */
export interface Setting<K extends keyof AuthDoctorConfig = keyof AuthDoctorConfig> {
  readonly key: K;
  readonly defaultValue: AuthDoctorConfig[K] | undefined;
  /** Reads and checks a raw context value; `undefined` after reporting a problem (or when unset). */
  readonly read: (raw: unknown, report: Report) => AuthDoctorConfig[K] | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SLACK_WORKSPACE_ID = /^[0-9A-Z]{1,255}$/;
const SLACK_CHANNEL_ID = /^[A-Za-z0-9]{1,255}$/;
/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const clusters: Setting<'clusters'> = {
  key: 'clusters',
  defaultValue: undefined,
  read(raw, report) {
    const names = stringList(raw, 'clusters', 'prod-eks,staging-eks', report);
    if (!names) return undefined;
    if (names.length === 0) {
      report(
        'clusters: no cluster is configured. List the EKS clusters to watch. Example: -c clusters=prod-eks,staging-eks',
      );
      return undefined;
    }
    let valid = true;
    names.forEach((name, index) => {
      if (!CLUSTER_NAME.test(name)) {
        valid = false;
        report(
          `clusters[${index}]: ${JSON.stringify(name)} cannot be an EKS cluster name (1–100 letters, digits, hyphens ` +
            `or underscores, starting with a letter or digit). Example: -c clusters=prod-eks`,
        );
      } else if (names.indexOf(name) !== index) {
        valid = false;
        report(`clusters[${index}]: ${JSON.stringify(name)} is listed twice. List each cluster once.`);
      }
    });
    return valid ? names : undefined;
  },
};

const alertEmails: Setting<'alertEmails'> = {
  key: 'alertEmails',
  defaultValue: [],
  read(raw, report) {
    const emails = stringList(raw, 'alertEmails', 'oncall@example.com,platform@example.com', report);
    if (!emails) return undefined;
    const bad = emails.filter((email) => !EMAIL.test(email));
    for (const email of bad) {
      report(
        `alertEmails: ${JSON.stringify(email)} is not an email address (it needs a name, an @ and a domain). ` +
          'Example: -c alertEmails=oncall@example.com',
      );
    }
    return bad.length === 0 ? emails : undefined;
  },
};

const slackWebhookSecretName: Setting<'slackWebhookSecretName'> = {
  key: 'slackWebhookSecretName',
  defaultValue: undefined,
  read(raw, report) {
    const name = optionalText(raw, 'slackWebhookSecretName', 'eks-auth-doctor/slack-webhook', report);
    if (name === undefined) return undefined;
    const example = 'Example: -c slackWebhookSecretName=eks-auth-doctor/slack-webhook';
    if (/^https?:\/\//i.test(name)) {
      report(
        'slackWebhookSecretName: looks like a webhook URL. Never put the URL in configuration (it ends up in the ' +
          "template); store it in a Secrets Manager secret and give that secret's name. " +
          example,
      );
      return undefined;
    }
    if (name.startsWith('arn:')) {
      report(
        `slackWebhookSecretName: ${JSON.stringify(name)} is an ARN; give the secret's name instead. ${example}`,
      );
      return undefined;
    }
    if (!SECRET_NAME.test(name)) {
      report(
        `slackWebhookSecretName: ${JSON.stringify(name)} is not a Secrets Manager secret name ` +
          `(1–${SECRET_NAME_MAX_LENGTH} letters, digits and /_+=.@- only). ${example}`,
      );
      return undefined;
    }
    return name;
  },
};

const chatbot: Setting<'chatbot'> = {
  key: 'chatbot',
  defaultValue: undefined,
  read(raw, report): ChatbotChannel | undefined {
    const example = '-c chatbot.slackWorkspaceId=T07EA123LEP -c chatbot.slackChannelId=C07EZ1ABC23';
    const value = optionalObject(raw, 'chatbot', example, report);
    if (!value) return undefined;
    const workspace = value.slackWorkspaceId;
    const channel = value.slackChannelId;
    const unknownKeys = Object.keys(value).filter((k) => k !== 'slackWorkspaceId' && k !== 'slackChannelId');
    if (unknownKeys.length > 0) {
      report(
        `chatbot: unknown key(s) ${unknownKeys.join(', ')}; only slackWorkspaceId and slackChannelId are read. Example: ${example}`,
      );
      return undefined;
    }
    if (!workspace && !channel) return undefined;
    if (!workspace || !channel) {
      const [present, missing] = workspace
        ? ['slackWorkspaceId', 'slackChannelId']
        : ['slackChannelId', 'slackWorkspaceId'];
      report(
        `chatbot: ${present} is set (${JSON.stringify(workspace || channel)}) but ${missing} is missing; AWS Chatbot needs both, ` +
          `as shown in its console after authorising the workspace. Example: ${example}`,
      );
      return undefined;
    }
    let valid = true;
    if (typeof workspace !== 'string' || !SLACK_WORKSPACE_ID.test(workspace)) {
      valid = false;
      report(
        `chatbot.slackWorkspaceId: ${JSON.stringify(workspace)} is not a Slack workspace ID (upper-case letters and ` +
          `digits, e.g. T07EA123LEP). Example: ${example}`,
      );
    }
    if (typeof channel !== 'string' || !SLACK_CHANNEL_ID.test(channel)) {
      valid = false;
      report(
        `chatbot.slackChannelId: ${JSON.stringify(channel)} is not a Slack channel ID — use the ID (e.g. C07EZ1ABC23, ` +
          `shown in the channel details), not its #name. Example: ${example}`,
      );
    }
    return valid ? { slackWorkspaceId: workspace as string, slackChannelId: channel as string } : undefined;
  },
};

const dedupWindowMinutes: Setting<'dedupWindowMinutes'> = {
  key: 'dedupWindowMinutes',
  defaultValue: DEFAULTS.dedupWindowMinutes,
  read: (raw, report) =>
    wholeNumber(raw, 'dedupWindowMinutes', WHOLE_NUMBER_SETTINGS.dedupWindowMinutes, report),
};

const alertCap: Setting<'alertCap'> = {
  key: 'alertCap',
  defaultValue: DEFAULTS.alertCap,
  read: (raw, report) => wholeNumber(raw, 'alertCap', WHOLE_NUMBER_SETTINGS.alertCap, report),
};

const accountAlertCap: Setting<'accountAlertCap'> = {
  key: 'accountAlertCap',
  // Unset, it follows alertCap (the contract's `derivedDefault`): the construct derives it.
  defaultValue: undefined,
  read(raw, report) {
    if (raw === undefined || raw === null || raw === '') return undefined;
    return wholeNumber(
      raw,
      'accountAlertCap',
      WHOLE_NUMBER_SETTINGS.accountAlertCap,
      report,
      ' (unset: 5 × alertCap)',
    );
  },
};

const logRetentionDays: Setting<'logRetentionDays'> = {
  key: 'logRetentionDays',
  defaultValue: DEFAULTS.logRetention,
  read(raw, report) {
    const days = numberFrom(raw);
    if (typeof days !== 'number' || !(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
      report(
        `logRetentionDays: ${JSON.stringify(raw)} is not a retention CloudWatch Logs accepts ` +
          `(${LOG_RETENTION_DAYS.join(', ')}). Example: -c logRetentionDays=30`,
      );
      return undefined;
    }
    return days;
  },
};

const reservedConcurrency: Setting<'reservedConcurrency'> = {
  key: 'reservedConcurrency',
  defaultValue: DEFAULTS.reservedConcurrency,
  read(raw, report) {
    if (raw === null || raw === 'none') return null;
    return wholeNumber(
      raw,
      'reservedConcurrency',
      WHOLE_NUMBER_SETTINGS.reservedConcurrency,
      report,
      ' (or none)',
    );
  },
};

const restoreLoggingOnDelete: Setting<'restoreLoggingOnDelete'> = {
  key: 'restoreLoggingOnDelete',
  defaultValue: DEFAULTS.restoreLoggingOnDelete,
  read: (raw, report) => yesNo(raw, 'restoreLoggingOnDelete', report),
};

const extraTopicArns: Setting<'extraTopicArns'> = {
  key: 'extraTopicArns',
  defaultValue: [],
  read(raw, report) {
    const example = '-c extraTopicArns=arn:aws:sns:eu-west-1:111122223333:security-findings';
    const arns = stringList(
      raw,
      'extraTopicArns',
      'arn:aws:sns:eu-west-1:111122223333:security-findings',
      report,
    );
    if (!arns) return undefined;
    let valid = true;
    for (const arn of arns) {
      // Standard topics only: a FIFO topic needs a message group ID, which the function does not send.
      if (arn.endsWith('.fifo')) {
        valid = false;
        report(`extraTopicArns: ${JSON.stringify(arn)} is a FIFO topic; use a standard topic. ${example}`);
      } else if (!SNS_TOPIC_ARN.test(arn)) {
        valid = false;
        report(`extraTopicArns: ${JSON.stringify(arn)} is not an SNS topic ARN. ${example}`);
      }
    }
    return valid ? arns : undefined;
  },
};

/** A KMS key ARN (not an alias: IAM policies match the key, and an alias ARN would grant nothing). */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;

function kmsKeyArn(raw: string, key: string, example: string, report: Report): boolean {
  if (KMS_KEY_ARN.test(raw)) return true;
  report(
    `${key}: ${JSON.stringify(raw)} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; ` +
      `an alias does not work in an IAM policy). Example: -c ${key}=${example}`,
  );
  return false;
}

const KEY_EXAMPLE = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const slackWebhookSecretKeyArn: Setting<'slackWebhookSecretKeyArn'> = {
  key: 'slackWebhookSecretKeyArn',
  defaultValue: undefined,
  read(raw, report) {
    const arn = optionalText(raw, 'slackWebhookSecretKeyArn', KEY_EXAMPLE, report);
    if (arn === undefined) return undefined;
    return kmsKeyArn(arn, 'slackWebhookSecretKeyArn', KEY_EXAMPLE, report) ? arn : undefined;
  },
};

const extraTopicKeyArns: Setting<'extraTopicKeyArns'> = {
  key: 'extraTopicKeyArns',
  defaultValue: [],
  read(raw, report) {
    const arns = stringList(raw, 'extraTopicKeyArns', KEY_EXAMPLE, report);
    if (!arns) return undefined;
    const valid = arns.map((arn) => kmsKeyArn(arn, 'extraTopicKeyArns', KEY_EXAMPLE, report)).every(Boolean);
    return valid ? arns : undefined;
  },
};

const CREATOR_EXAMPLE = 'arn:aws:iam::111122223333:role/cluster-admin';

const creatorArn: Setting<'creatorArn'> = {
  key: 'creatorArn',
  defaultValue: undefined,
  read(raw, report) {
    const arn = optionalText(raw, 'creatorArn', CREATOR_EXAMPLE, report);
    if (arn === undefined) return undefined;
    if (IAM_ROLE_OR_USER_ARN.test(arn)) return arn;
    report(
      `creatorArn: ${JSON.stringify(arn)} is not an IAM role or user ARN (the principal that created the ` +
        `clusters: arn:aws:iam::<account>:role/<name> or …:user/<name>; an assumed-role ARN names its role ` +
        `instead). Example: -c creatorArn=${CREATOR_EXAMPLE}`,
    );
    return undefined;
  },
};

const canary: Setting<'canary'> = {
  key: 'canary',
  defaultValue: DEFAULTS.canary,
  read: (raw, report) => yesNo(raw, 'canary', report),
};

const allowNoSinks: Setting<'allowNoSinks'> = {
  key: 'allowNoSinks',
  defaultValue: false,
  read: (raw, report) => yesNo(raw, 'allowNoSinks', report),
};

export const SETTINGS: readonly Setting[] = [
  clusters,
  alertEmails,
  slackWebhookSecretName,
  slackWebhookSecretKeyArn,
  chatbot,
  dedupWindowMinutes,
  alertCap,
  accountAlertCap,
  logRetentionDays,
  reservedConcurrency,
  restoreLoggingOnDelete,
  extraTopicArns,
  extraTopicKeyArns,
  creatorArn,
  canary,
  allowNoSinks,
] as readonly Setting[];
