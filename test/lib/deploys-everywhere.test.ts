import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CHATBOT_NAME, ChatbotUnavailableError } from '../../lib/alert-topic';
import { AuthDoctor } from '../../lib/auth-doctor';
import { AuthDoctorStack } from '../../lib/auth-doctor-stack';
import { readConfig } from '../../lib/config/read-config';
import { ONCALL } from './fixtures';
import { appWith, configured, statementsOf, synthesise } from './synth';

const CHATBOT = { slackWorkspaceId: 'T07EA123LEP', slackChannelId: 'C07EZ1ABC23' };

function stackIn(
  region: string,
  settings: Record<string, unknown> = {},
): { stack: Stack; template: Template } {
  const app = appWith(configured({ clusters: ['prod-eks'], chatbot: CHATBOT, ...settings }));
  const stack = new AuthDoctorStack(app, 'EksAuthDoctor', {
    config: readConfig(app.node),
    env: { account: '111122223333', region },
  });
  return { stack, template: Template.fromStack(stack) };
}

function chatbotNameOf(template: Template): string {
  const [channel] = Object.values(template.findResources('AWS::Chatbot::SlackChannelConfiguration'));
  return channel?.Properties.ConfigurationName as string;
}

describe('the Chatbot channel configuration name', () => {
  it('differs between two regions of one account, so the second region deploys', () => {
    // Act
    const ireland = chatbotNameOf(stackIn('eu-west-1').template);
    const virginia = chatbotNameOf(stackIn('us-east-1').template);

    // Assess
    expect(ireland).not.toBe(virginia);
    expect(ireland).toMatch(/^eks-auth-doctor-[0-9a-f]{8}-eu-west-1$/);
    expect(virginia).toMatch(/^eks-auth-doctor-[0-9a-f]{8}-us-east-1$/);
  });

  it('stays within Chatbot\'s 128 characters of letters, digits, "-" and "_", even for the longest region names', () => {
    // Act
    const names = ['ap-southeast-5', 'eu-central-2', 'ca-west-1'].map((r) =>
      chatbotNameOf(stackIn(r).template),
    );

    // Assess
    for (const name of names) expect(name).toMatch(CHATBOT_NAME);
  });

  it('differs between two stacks in one region', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stacks = ['A', 'B'].map((id) => {
      const stack = new Stack(app, id, { env: { account: '111122223333', region: 'eu-west-1' } });
      new AuthDoctor(stack, 'AuthDoctor', { clusters: ['prod-eks'], chatbot: CHATBOT });
      return stack;
    });

    // Act
    const names = stacks.map((stack) => chatbotNameOf(Template.fromStack(stack)));

    // Assess
    expect(names[0]).not.toBe(names[1]);
  });
});

describe('a partition without AWS Chatbot', () => {
  it('refuses at synth, with the reason and the alternative, when the stack targets an aws-cn region', () => {
    // Act
    const synth = () => stackIn('cn-north-1');

    // Assess
    expect(synth).toThrow(ChatbotUnavailableError);
    expect(synth).toThrow(
      /AWS Chatbot is not available in cn-north-1 \(partition aws-cn\).*slackWebhookSecretName/,
    );
  });

  it('refuses an aws-us-gov region the same way', () => {
    expect(() => stackIn('us-gov-west-1')).toThrow(/partition aws-us-gov/);
  });

  it('leaves the channel and its role out of a region-agnostic template deployed outside the aws partition', () => {
    // Act
    const { template } = synthesise(configured({ clusters: ['prod-eks'], chatbot: CHATBOT }));

    // Assess
    template.hasCondition('EksAuthDoctorInChatbotPartition', {
      'Fn::Equals': [{ Ref: 'AWS::Partition' }, 'aws'],
    });
    template.hasResource('AWS::Chatbot::SlackChannelConfiguration', {
      Condition: 'EksAuthDoctorInChatbotPartition',
    });
    template.hasResource('AWS::IAM::Role', {
      Condition: 'EksAuthDoctorInChatbotPartition',
      Properties: Match.objectLike({
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })],
        }),
      }),
    });
  });

  it('tells the logging set-up that a channel is configured, so a deploy to such a region fails with the reason', () => {
    // Act
    const { template } = synthesise(configured({ clusters: ['prod-eks'], chatbot: CHATBOT }));

    // Assess
    template.hasResourceProperties('Custom::AuthenticatorLogging', { ChatbotConfigured: 'true' });
  });
});

describe('grants', () => {
  it('grant no action the code does not call: no eks:DescribeAccessEntry and no dynamodb:Scan anywhere', () => {
    // Act
    const { template } = synthesise(
      configured({ clusters: ['prod-eks'], alertEmails: ONCALL, canary: true }),
    );
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));

    // Assess
    expect(policies).not.toContain('eks:DescribeAccessEntry');
    expect(policies).not.toContain('dynamodb:Scan');
  });

  it('let the function decrypt a customer-managed-key Slack secret through Secrets Manager only', () => {
    // Prepare
    const key = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

    // Act
    const { stack, template } = synthesise(
      configured({ slackWebhookSecretName: 'eks-auth-doctor/slack', slackWebhookSecretKeyArn: key }),
    );

    // Assess
    expect(statementsOf(stack, template, 'DiagnosisRole')).toContainEqual({
      Sid: 'DecryptSlackWebhookSecret',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: key,
      Condition: {
        StringEquals: {
          'kms:ViaService': {
            'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
          },
        },
      },
    });
  });

  it('let the function use the keys of encrypted extra topics, in any region', () => {
    // Prepare
    const key = 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const topic = 'arn:aws:sns:us-east-1:444455556666:security-findings';

    // Act
    const { stack, template } = synthesise(configured({ extraTopicArns: [topic], extraTopicKeyArns: [key] }));

    // Assess
    const statements = statementsOf(stack, template, 'DiagnosisRole');
    expect(statements).toContainEqual({
      Sid: 'EncryptForExtraTopics',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: key,
    });
    expect(statements).toContainEqual(
      expect.objectContaining({ Sid: 'PublishAlerts', Resource: expect.arrayContaining([topic]) }),
    );
  });

  it('refuse a key alias instead of a key ARN at synth, saying why', () => {
    // Act
    const synth = () =>
      synthesise(configured({ extraTopicKeyArns: ['arn:aws:kms:eu-west-1:111122223333:alias/sns'] }));

    // Assess
    expect(synth).toThrow(
      /extraTopicKeyArns: .* is not a KMS key ARN .*an alias does not work in an IAM policy/,
    );
  });
});

describe('the watch and the canary', () => {
  it('tell the function its clusters and our filter name, and let it read the filters', () => {
    // Act
    const { stack, template } = synthesise(
      configured({ clusters: ['prod-eks', 'staging-eks'], alertEmails: ONCALL }),
    );

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          WATCHED_CLUSTERS: 'prod-eks,staging-eks',
          SUBSCRIPTION_FILTER_NAME: 'eks-auth-doctor-EksAuthDoctor',
          CANARY_ENABLED: 'false',
        }),
      },
    });
    const watch = statementsOf(stack, template, 'DiagnosisRole').find(
      (s) => s.Sid === 'FetchStsResponseLinesAndWatchTheFilter',
    );
    expect(watch?.Action).toContain('logs:DescribeSubscriptionFilters');
  });

  it('has no canary alarm and no canary grant unless asked', () => {
    // Act
    const { stack, template } = synthesise(configured({ clusters: ['prod-eks'], alertEmails: ONCALL }));

    // Assess
    expect(
      Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) => id.includes('Canary')),
    ).toEqual([]);
    expect(statementsOf(stack, template, 'DiagnosisRole').map((s) => s.Sid)).not.toContain('WriteTheCanary');
  });

  it('with the canary on, may write only authenticator-canary-* streams and alarms per cluster after two silent periods', () => {
    // Act
    const { stack, template } = synthesise(
      configured({ clusters: ['prod-eks'], alertEmails: ONCALL, canary: 'true' }),
    );

    // Assess
    const write = statementsOf(stack, template, 'DiagnosisRole').find((s) => s.Sid === 'WriteTheCanary');
    expect(JSON.stringify(write?.Resource)).toContain(
      '/aws/eks/prod-eks/cluster:log-stream:authenticator-canary-*',
    );
    expect(write?.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'EksAuthDoctor',
      MetricName: 'CanarySeen',
      Dimensions: Match.arrayWith([{ Name: 'Cluster', Value: 'prod-eks' }]),
      Period: 900,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ CANARY_ENABLED: 'true' }) },
    });
  });
});
