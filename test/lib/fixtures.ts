/** The one sink most tests need: a configuration without any is refused (issue 13). */
export const ONCALL = ['oncall@example.com'];

/** A configuration that switches every option on, as a multi-cluster production account would. */
export const FULL_CONFIG = {
  clusters: ['prod-eks', 'staging-eks'],
  alertEmails: ONCALL,
  slackWebhookSecretName: 'eks-auth-doctor/slack-webhook',
  chatbot: { slackWorkspaceId: 'T07EA123LEP', slackChannelId: 'C07EZ1ABC23' },
  dedupWindowMinutes: 30,
  alertCap: 10,
  logRetentionDays: 90,
  reservedConcurrency: 3,
  restoreLoggingOnDelete: true,
  extraTopicArns: ['arn:aws:sns:eu-west-1:111122223333:security-findings'],
  creatorArn: 'arn:aws:iam::111122223333:role/platform/cluster-admin',
};

/** `arn:<partition>:<service>:<region>:<account>:<resource>` as an environment-agnostic template renders it. */
export function arnOf(service: string, resource: string): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${resource}`,
      ],
    ],
  };
}

export const logGroupArns = (cluster: string) => [
  arnOf('logs', `log-group:/aws/eks/${cluster}/cluster`),
  arnOf('logs', `log-group:/aws/eks/${cluster}/cluster:*`),
];
