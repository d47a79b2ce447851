import { describe, expect, it } from 'vitest';
import { EnvVar, WHOLE_NUMBER_SETTINGS } from '../../../lambda/contract';
import { EnvironmentError, loadConfig } from '../../../lambda/pipeline/config';

const REQUIRED = {
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor',
  DEDUP_TABLE_NAME: 'eks-auth-doctor-dedup',
};

describe('configuration from the environment', () => {
  it('applies the documented defaults when only the required variables are set', () => {
    // Act
    const config = loadConfig(REQUIRED);

    // Assess
    expect(config).toEqual({
      topicArn: REQUIRED.TOPIC_ARN,
      extraTopicArns: [],
      dedupTableName: REQUIRED.DEDUP_TABLE_NAME,
      slackWebhookSecretName: undefined,
      dedupWindowMinutes: 60,
      alertCap: 20,
      contextCacheTtlSeconds: 300,
    });
  });

  it('reads every optional setting', () => {
    // Act
    const config = loadConfig({
      ...REQUIRED,
      EXTRA_TOPIC_ARNS:
        ' arn:aws:sns:eu-west-1:123456789012:chatbot , arn:aws-cn:sns:cn-north-1:123456789012:ops',
      SLACK_WEBHOOK_SECRET_NAME: 'eks-auth-doctor/slack-webhook',
      DEDUP_WINDOW_MINUTES: '15',
      ALERT_CAP: '5',
      CONTEXT_CACHE_TTL_SECONDS: '0',
    });

    // Assess
    expect(config).toMatchObject({
      extraTopicArns: [
        'arn:aws:sns:eu-west-1:123456789012:chatbot',
        'arn:aws-cn:sns:cn-north-1:123456789012:ops',
      ],
      slackWebhookSecretName: 'eks-auth-doctor/slack-webhook',
      dedupWindowMinutes: 15,
      alertCap: 5,
      contextCacheTtlSeconds: 0,
    });
  });

  it('reads the cluster creator as the authenticator matches it: a role without its path, a user as given', () => {
    // Act
    const role = loadConfig({
      ...REQUIRED,
      CREATOR_ARN: ' arn:aws:iam::123456789012:role/platform/cluster-admin ',
    });
    const user = loadConfig({ ...REQUIRED, CREATOR_ARN: 'arn:aws:iam::123456789012:user/ops/alice' });

    // Assess
    expect(role.creatorArn).toBe('arn:aws:iam::123456789012:role/cluster-admin');
    expect(user.creatorArn).toBe('arn:aws:iam::123456789012:user/ops/alice');
  });

  it('refuses a creator that is not an IAM role or user ARN, naming the variable and an example', () => {
    // Act & Assess
    expect(() =>
      loadConfig({ ...REQUIRED, CREATOR_ARN: 'arn:aws:sts::123456789012:assumed-role/admin/alice' }),
    ).toThrow(
      new EnvironmentError(
        'CREATOR_ARN "arn:aws:sts::123456789012:assumed-role/admin/alice" is not an IAM role or user ARN, e.g. CREATOR_ARN=arn:aws:iam::123456789012:role/cluster-admin (empty = learned from the log)',
      ),
    );
  });

  it('treats an empty Slack secret name as "no Slack"', () => {
    // Act
    const config = loadConfig({ ...REQUIRED, SLACK_WEBHOOK_SECRET_NAME: '' });

    // Assess
    expect(config.slackWebhookSecretName).toBeUndefined();
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['a missing topic', { DEDUP_TABLE_NAME: 'dedup' }, /^TOPIC_ARN is not set.*TOPIC_ARN=arn:aws:sns:/],
    ['a missing table', { TOPIC_ARN: REQUIRED.TOPIC_ARN }, /^DEDUP_TABLE_NAME is not set.*DEDUP_TABLE_NAME=/],
    [
      'a topic that is not an SNS ARN',
      { ...REQUIRED, TOPIC_ARN: 'my-topic' },
      /TOPIC_ARN holds "my-topic".*e\.g\./,
    ],
    [
      'a bad extra topic',
      { ...REQUIRED, EXTRA_TOPIC_ARNS: 'arn:aws:sqs:eu-west-1:123456789012:q' },
      /^EXTRA_TOPIC_ARNS/,
    ],
    [
      'a table name with spaces',
      { ...REQUIRED, DEDUP_TABLE_NAME: 'my table' },
      /^DEDUP_TABLE_NAME "my table"/,
    ],
    [
      'a window that is not a number',
      { ...REQUIRED, DEDUP_WINDOW_MINUTES: 'sixty' },
      /^DEDUP_WINDOW_MINUTES is "sixty".*DEDUP_WINDOW_MINUTES=60/,
    ],
    ['a cap of zero', { ...REQUIRED, ALERT_CAP: '0' }, /^ALERT_CAP is "0"; it must be a whole number from 1/],
    [
      'a negative TTL',
      { ...REQUIRED, CONTEXT_CACHE_TTL_SECONDS: '-5' },
      /^CONTEXT_CACHE_TTL_SECONDS is "-5"/,
    ],
    ['a fractional window', { ...REQUIRED, DEDUP_WINDOW_MINUTES: '2.5' }, /^DEDUP_WINDOW_MINUTES/],
    [
      'a secret name with spaces',
      { ...REQUIRED, SLACK_WEBHOOK_SECRET_NAME: 'my secret' },
      /^SLACK_WEBHOOK_SECRET_NAME/,
    ],
  ];

  it.each(bad)(
    'rejects %s with an EnvironmentError naming the variable and an example',
    (_name, env, message) => {
      // Act
      const load = () => loadConfig(env);

      // Assess
      expect(load).toThrow(EnvironmentError);
      expect(load).toThrow(message);
    },
  );
});

describe('the account-wide ceiling', () => {
  it('is left to follow the cluster cap when ACCOUNT_ALERT_CAP is unset or empty', () => {
    // Act
    const unset = loadConfig({ ...REQUIRED, ALERT_CAP: '30' });
    const empty = loadConfig({ ...REQUIRED, ALERT_CAP: '30', ACCOUNT_ALERT_CAP: ' ' });

    // Assess
    expect(unset).not.toHaveProperty('accountAlertCap');
    expect(empty).not.toHaveProperty('accountAlertCap');
  });

  it('reads ACCOUNT_ALERT_CAP when set, and says what empty means when it is not a number', () => {
    // Act
    const set = loadConfig({ ...REQUIRED, ACCOUNT_ALERT_CAP: '40' });
    const bad = () => loadConfig({ ...REQUIRED, ACCOUNT_ALERT_CAP: 'lots' });

    // Assess
    expect(set.accountAlertCap).toBe(40);
    expect(bad).toThrow(EnvironmentError);
    expect(bad).toThrow(
      'ACCOUNT_ALERT_CAP is "lots"; it must be a whole number from 1 to 5000, e.g. ACCOUNT_ALERT_CAP=100 (empty: 5 × ALERT_CAP)',
    );
  });
});

describe('the ranges of the whole-number variables', () => {
  const ranges = [
    [EnvVar.DedupWindowMinutes, 'dedupWindowMinutes', 1, 1440],
    [EnvVar.AlertCap, 'alertCap', 1, 1000],
    [EnvVar.AccountAlertCap, 'accountAlertCap', 1, 5000],
    [EnvVar.ContextCacheTtlSeconds, 'contextCacheTtlSeconds', 0, 86_400],
  ] as const;

  it('are the ranges of the shared contract, which the stack checks too', () => {
    // Assess
    for (const [, key, min, max] of ranges) {
      expect(WHOLE_NUMBER_SETTINGS[key]).toMatchObject({ min, max });
    }
  });

  it.each(ranges)('accept %s at both ends of its range', (variable, key, min, max) => {
    // Act
    const atMin = loadConfig({ ...REQUIRED, [variable]: String(min) });
    const atMax = loadConfig({ ...REQUIRED, [variable]: String(max) });

    // Assess
    expect(atMin[key]).toBe(min);
    expect(atMax[key]).toBe(max);
  });

  it.each(ranges)('refuse %s just outside its range, naming the range', (variable, _key, min, max) => {
    // Act
    const below = () => loadConfig({ ...REQUIRED, [variable]: String(min - 1) });
    const above = () => loadConfig({ ...REQUIRED, [variable]: String(max + 1) });

    // Assess
    expect(below).toThrow(EnvironmentError);
    expect(above).toThrow(`${variable} is "${max + 1}"; it must be a whole number from ${min} to ${max}`);
  });
});

describe('the Slack secret name', () => {
  it('may be as long as Secrets Manager allows a name to be (512)', () => {
    // Prepare
    const longest = `eks-auth-doctor/${'s'.repeat(512 - 'eks-auth-doctor/'.length)}`;

    // Act
    const config = loadConfig({ ...REQUIRED, [EnvVar.SlackWebhookSecretName]: longest });

    // Assess
    expect(config.slackWebhookSecretName).toBe(longest);
  });

  it('is refused one character longer, and as an ARN, since the variable holds a name', () => {
    // Act
    const tooLong = () => loadConfig({ ...REQUIRED, [EnvVar.SlackWebhookSecretName]: 's'.repeat(513) });
    const arn = () =>
      loadConfig({
        ...REQUIRED,
        [EnvVar.SlackWebhookSecretName]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf',
      });

    // Assess
    expect(tooLong).toThrow(/^SLACK_WEBHOOK_SECRET_NAME "s{513}" is not a Secrets Manager name \(1-512 of/);
    expect(arn).toThrow(EnvironmentError);
  });
});
