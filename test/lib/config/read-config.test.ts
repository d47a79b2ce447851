import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/config/config-error';
import { readConfig } from '../../../lib/config/read-config';
import { appWith, configured } from '../synth';

/** Reads the configuration of an app built from cdk.json plus the given context, as `cdk synth -c …` would. */
function read(context: Record<string, unknown>) {
  return readConfig(appWith(context).node);
}

function problemsOf(context: Record<string, unknown>): readonly string[] {
  try {
    read(context);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the shipped configuration', () => {
  it('reads as the documented defaults with the placeholder cluster', () => {
    // Act
    const config = read({});

    // Assess
    expect(config).toEqual({
      clusters: ['my-cluster'],
      alertEmails: [],
      dedupWindowMinutes: 60,
      alertCap: 20,
      logRetentionDays: 30,
      reservedConcurrency: null,
      restoreLoggingOnDelete: false,
      extraTopicArns: [],
      extraTopicKeyArns: [],
      canary: false,
      allowNoSinks: false,
    });
  });
});

describe('command-line overrides', () => {
  it('take comma-separated lists and numeric and boolean strings as -c passes them', () => {
    // Act
    const config = read({
      clusters: 'prod-eks, staging-eks',
      alertEmails: 'oncall@example.com',
      dedupWindowMinutes: '15',
      reservedConcurrency: 'none',
      restoreLoggingOnDelete: 'true',
      extraTopicArns: '["arn:aws:sns:eu-west-1:111122223333:security-findings"]',
    });

    // Assess
    expect(config).toMatchObject({
      clusters: ['prod-eks', 'staging-eks'],
      alertEmails: ['oncall@example.com'],
      dedupWindowMinutes: 15,
      reservedConcurrency: null,
      restoreLoggingOnDelete: true,
      extraTopicArns: ['arn:aws:sns:eu-west-1:111122223333:security-findings'],
    });
  });

  it('win over the cdk.json object, and chatbot fields can be set one by one', () => {
    // Act
    const config = read({
      ...configured({
        clusters: ['from-cdk-json'],
        chatbot: { slackWorkspaceId: 'T07EA123LEP', slackChannelId: 'C0OLD' },
      }),
      clusters: 'from-command-line',
      'chatbot.slackChannelId': 'C07EZ1ABC23',
    });

    // Assess
    expect(config.clusters).toEqual(['from-command-line']);
    expect(config.chatbot).toEqual({ slackWorkspaceId: 'T07EA123LEP', slackChannelId: 'C07EZ1ABC23' });
  });

  it('keep a secret name and leave an empty one unset', () => {
    expect(read({ slackWebhookSecretName: 'eks-auth-doctor/slack-webhook' }).slackWebhookSecretName).toBe(
      'eks-auth-doctor/slack-webhook',
    );
    expect(read({ slackWebhookSecretName: '' })).not.toHaveProperty('slackWebhookSecretName');
  });
});

describe('the ranges of the whole-number settings', () => {
  const ranges = [
    ['dedupWindowMinutes', 1, 1440],
    ['alertCap', 1, 1000],
    ['accountAlertCap', 1, 5000],
    ['reservedConcurrency', 1, 1000],
  ] as const;

  it.each(ranges)('accept %s at both ends of its range', (key, min, max) => {
    // Act
    const atMin = read({ [key]: String(min) });
    const atMax = read({ [key]: max });

    // Assess
    expect(atMin[key]).toBe(min);
    expect(atMax[key]).toBe(max);
  });

  it.each(ranges)('refuse %s just outside its range, naming the range', (key, min, max) => {
    expect(problemsOf({ [key]: String(min - 1) })).toEqual([
      expect.stringMatching(
        new RegExp(`^${key}: "${min - 1}" is not a whole number from ${min} to ${max}\\.`),
      ),
    ]);
    expect(problemsOf({ [key]: max + 1 })).toEqual([
      expect.stringMatching(new RegExp(`^${key}: ${max + 1} is not a whole number from ${min} to ${max}\\.`)),
    ]);
  });
});

describe('the account-wide ceiling', () => {
  it('is left unset, to follow alertCap, when not given or given empty', () => {
    expect(read({ alertCap: '30' })).not.toHaveProperty('accountAlertCap');
    expect(read({ accountAlertCap: '' })).not.toHaveProperty('accountAlertCap');
  });

  it('is refused below 1 with an example that says what unset means', () => {
    expect(problemsOf({ accountAlertCap: '0' })).toEqual([
      'accountAlertCap: "0" is not a whole number from 1 to 5000. Example: -c accountAlertCap=100 (unset: 5 × alertCap)',
    ]);
  });
});

describe('the Slack secret name', () => {
  it('may be as long as Secrets Manager allows a name to be (512)', () => {
    // Prepare
    const longest = 's'.repeat(512);

    // Act
    const config = read({ slackWebhookSecretName: longest });

    // Assess
    expect(config.slackWebhookSecretName).toBe(longest);
  });

  it('is refused one character longer', () => {
    expect(problemsOf({ slackWebhookSecretName: 's'.repeat(513) })).toEqual([
      expect.stringMatching(
        /^slackWebhookSecretName: "s{513}" is not a Secrets Manager secret name \(1–512 /,
      ),
    ]);
  });
});

describe('a configuration error', () => {
  it('names a cluster name that cannot exist, with the value and an example', () => {
    expect(problemsOf({ clusters: 'prod-eks,my cluster!' })).toEqual([
      expect.stringMatching(
        /^clusters\[1\]: "my cluster!" cannot be an EKS cluster name .* Example: -c clusters=prod-eks$/,
      ),
    ]);
  });

  it('rejects a cluster name longer than EKS allows', () => {
    expect(problemsOf({ clusters: 'a'.repeat(101) })).toEqual([
      expect.stringMatching(/^clusters\[0\]: "a{101}" cannot be/),
    ]);
  });

  it('rejects an empty cluster list and a cluster listed twice', () => {
    expect(problemsOf({ clusters: '' })).toEqual([
      expect.stringMatching(/^clusters: no cluster is configured/),
    ]);
    expect(problemsOf({ clusters: 'prod-eks,prod-eks' })).toEqual([
      expect.stringMatching(/^clusters\[1\]: "prod-eks" is listed twice/),
    ]);
  });

  it('names an email without @', () => {
    expect(problemsOf({ alertEmails: 'oncall.example.com' })).toEqual([
      expect.stringMatching(
        /^alertEmails: "oncall.example.com" is not an email address .* Example: -c alertEmails=oncall@example.com$/,
      ),
    ]);
  });

  it('refuses a webhook URL where the secret name belongs, without echoing the URL', () => {
    // Act
    const problems = problemsOf({
      slackWebhookSecretName: 'https://hooks.slack.com/services/T000/B000/XXXX',
    });

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^slackWebhookSecretName: looks like a webhook URL\. Never put the URL/),
    ]);
    expect(problems.join()).not.toContain('hooks.slack.com');
  });

  it('refuses a secret ARN and a name with characters Secrets Manager does not allow', () => {
    expect(
      problemsOf({ slackWebhookSecretName: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x' }),
    ).toEqual([expect.stringMatching(/is an ARN; give the secret's name instead/)]);
    expect(problemsOf({ slackWebhookSecretName: 'slack webhook' })).toEqual([
      expect.stringMatching(/^slackWebhookSecretName: "slack webhook" is not a Secrets Manager secret name/),
    ]);
  });

  it('names a chatbot channel ID given without a workspace', () => {
    expect(problemsOf({ 'chatbot.slackChannelId': 'C07EZ1ABC23' })).toEqual([
      expect.stringMatching(
        /^chatbot: slackChannelId is set \("C07EZ1ABC23"\) but slackWorkspaceId is missing; .* Example: -c chatbot.slackWorkspaceId=T07EA123LEP/,
      ),
    ]);
  });

  it('names a channel name given where the channel ID belongs', () => {
    expect(problemsOf({ chatbot: '{"slackWorkspaceId":"T07EA123LEP","slackChannelId":"#alerts"}' })).toEqual([
      expect.stringMatching(/^chatbot\.slackChannelId: "#alerts" is not a Slack channel ID — use the ID/),
    ]);
  });

  it('names numbers out of range and retentions CloudWatch Logs does not offer', () => {
    // Act
    const problems = problemsOf({
      dedupWindowMinutes: '0',
      alertCap: 'many',
      logRetentionDays: '31',
      reservedConcurrency: '2.5',
    });

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(
        /^dedupWindowMinutes: "0" is not a whole number from 1 to 1440\. Example: -c dedupWindowMinutes=60$/,
      ),
      expect.stringMatching(/^alertCap: "many" is not a whole number from 1 to 1000/),
      expect.stringMatching(
        /^logRetentionDays: "31" is not a retention CloudWatch Logs accepts \(1, 3, 5, .*\)\. Example: -c logRetentionDays=30$/,
      ),
      expect.stringMatching(/^reservedConcurrency: "2.5" is not a whole number from 1 to 1000/),
    ]);
  });

  it('names a FIFO topic and something that is not a topic ARN among the extra topics', () => {
    expect(
      problemsOf({
        extraTopicArns: 'arn:aws:sns:eu-west-1:111122223333:alerts.fifo,arn:aws:sqs:eu-west-1:111122223333:q',
      }),
    ).toEqual([
      expect.stringMatching(/^extraTopicArns: ".*alerts\.fifo" is a FIFO topic/),
      expect.stringMatching(/^extraTopicArns: ".*:sqs:.*" is not an SNS topic ARN/),
    ]);
  });

  it('takes the cluster creator as an IAM role or user ARN', () => {
    // Act
    const role = read({ creatorArn: 'arn:aws:iam::111122223333:role/platform/cluster-admin' });
    const user = read({ creatorArn: 'arn:aws-cn:iam::111122223333:user/alice' });

    // Assess
    expect(role.creatorArn).toBe('arn:aws:iam::111122223333:role/platform/cluster-admin');
    expect(user.creatorArn).toBe('arn:aws-cn:iam::111122223333:user/alice');
  });

  it('names a creator that is an assumed-role session, a group or not an ARN at all', () => {
    expect(problemsOf({ creatorArn: 'arn:aws:sts::111122223333:assumed-role/cluster-admin/alice' })).toEqual([
      expect.stringMatching(
        /^creatorArn: "arn:aws:sts::111122223333:assumed-role\/cluster-admin\/alice" is not an IAM role or user ARN .*an assumed-role ARN names its role instead.*Example: -c creatorArn=arn:aws:iam::111122223333:role\/cluster-admin$/,
      ),
    ]);
    expect(problemsOf({ creatorArn: 'arn:aws:iam::111122223333:group/admins' })).toEqual([
      expect.stringMatching(/^creatorArn: ".*:group\/admins" is not an IAM role or user ARN/),
    ]);
    expect(problemsOf({ creatorArn: 'cluster-admin' })).toEqual([
      expect.stringMatching(/^creatorArn: "cluster-admin" is not an IAM role or user ARN/),
    ]);
  });

  it('names an unknown key of the cdk.json object, with the setting it most likely misspells', () => {
    expect(problemsOf(configured({ cluster: ['prod-eks'], colour: 'red' }))).toEqual([
      expect.stringMatching(
        /^cluster: not a setting of eks-auth-doctor \(did you mean clusters\?\)\. The settings are: clusters, /,
      ),
      expect.stringMatching(/^colour: not a setting of eks-auth-doctor \(a typo\?\)\. The settings are: /),
    ]);
  });

  it('lists every problem at once in one message', () => {
    // Act
    const thrown = (() => {
      try {
        read({ clusters: 'bad name', alertEmails: 'nobody', restoreLoggingOnDelete: 'yes' });
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toMatch(/^The eks-auth-doctor configuration is not valid/);
    expect((thrown as ConfigError).problems).toHaveLength(3);
    expect((thrown as ConfigError).message).toContain('restoreLoggingOnDelete: "yes" is not true or false');
  });
});

describe('a -c key that is not ours', () => {
  it.each([
    ['cluster', 'clusters'],
    ['alertEmail', 'alertEmails'],
    ['slackWebhook', 'slackWebhookSecretName'],
    ['slackWebhookUrl', 'slackWebhookSecretName'],
    ['slackChannelId', 'chatbot.slackChannelId'],
    ['dedupWindow', 'dedupWindowMinutes'],
    ['AlertCap', 'alertCap'],
    ['allowNoSink', 'allowNoSinks'],
  ])('fails the synth when it is close to one of ours: -c %s → did you mean %s?', (typed, meant) => {
    // Act
    const problems = problemsOf({ clusters: 'prod-eks', alertEmails: 'oncall@example.com', [typed]: 'x' });

    // Assess
    expect(problems).toEqual([
      `${typed}: not a setting of eks-auth-doctor; did you mean ${meant}? Example: -c ${meant}=…`,
    ]);
  });

  it("is left alone when it is close to none of ours (CDK's and other tools' context)", () => {
    const config = read({
      clusters: 'prod-eks',
      alertEmails: 'oncall@example.com',
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:newStyleStackSynthesis': true,
      'acknowledged-issue-numbers': [32775],
      environment: 'prod',
    });

    expect(config.clusters).toEqual(['prod-eks']);
  });
});

describe('a configuration without any sink', () => {
  it('fails the synth: a pipeline that alerts nobody is a mistake (the typo -c alertEmail is named too)', () => {
    expect(problemsOf({ clusters: 'prod-eks', alertEmail: 'x@example.com' })).toEqual([
      'alertEmail: not a setting of eks-auth-doctor; did you mean alertEmails? Example: -c alertEmails=…',
      expect.stringMatching(
        /^no sink is configured: every alert would go to a topic nobody reads\. Give at least one of alertEmails, slackWebhookSecretName, chatbot or extraTopicArns .* or -c allowNoSinks=true /,
      ),
    ]);
  });

  it.each([
    ['alertEmails', { alertEmails: 'oncall@example.com' }],
    ['slackWebhookSecretName', { slackWebhookSecretName: 'eks-auth-doctor/slack-webhook' }],
    ['chatbot', { 'chatbot.slackWorkspaceId': 'T07EA123LEP', 'chatbot.slackChannelId': 'C07EZ1ABC23' }],
    ['extraTopicArns', { extraTopicArns: 'arn:aws:sns:eu-west-1:111122223333:security-findings' }],
    ['-c allowNoSinks=true', { allowNoSinks: 'true' }],
  ])('synthesises with %s', (_sink, context) => {
    expect(read({ clusters: 'prod-eks', ...context }).clusters).toEqual(['prod-eks']);
  });

  it('synthesises for the shipped placeholder, which cannot be deployed anyway', () => {
    expect(read({}).clusters).toEqual(['my-cluster']);
  });
});
