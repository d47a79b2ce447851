import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnvVar } from '../../lambda/contract';
import { AUTHENTICATED_PRINCIPALS_QUERY, queryText } from '../../lambda/contract/access-report-query';
import { loadConfig } from '../../lambda/pipeline/config';
import { authenticatorFilterPattern } from '../../lib/filter-pattern';
import { arnOf, FULL_CONFIG, logGroupArns } from './fixtures';
import { configured, type Synthesised, statementsOf, synthesise } from './synth';

let full: Synthesised;
let shipped: Synthesised;
beforeAll(() => {
  full = synthesise(configured(FULL_CONFIG));
  shipped = synthesise();
});

const ref = (logicalIdPart: string, template: Synthesised['template'], type: string) => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(logicalIdPart));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

/**
 * Every resource type the stack creates and how many of each: with the shipped configuration (one
 * placeholder cluster, no optional sink) and with {@link FULL_CONFIG} (two clusters, email, Slack, Chatbot,
 * an extra topic). A change to the stack that adds or removes a resource fails here, naming the type.
 */
const RESOURCE_COUNTS: Readonly<Record<string, readonly [shipped: number, full: number]>> = {
  // The alert topic, its key and policy; an email subscription and a Chatbot channel when configured.
  'AWS::KMS::Key': [1, 1],
  'AWS::SNS::Topic': [1, 1],
  'AWS::SNS::TopicPolicy': [1, 1],
  'AWS::SNS::Subscription': [0, 1],
  'AWS::Chatbot::SlackChannelConfiguration': [0, 1],
  // The diagnosis function's state: dedup table, failed-events queue (and its TLS policy), sweep schedule.
  'AWS::DynamoDB::Table': [1, 1],
  'AWS::SQS::Queue': [1, 1],
  'AWS::SQS::QueuePolicy': [1, 1],
  'AWS::Lambda::EventInvokeConfig': [1, 1],
  'AWS::Events::Rule': [1, 1],
  // Invocation by the EKS log groups (one for all), and by the sweep rule.
  'AWS::Lambda::Permission': [2, 2],
  // Diagnosis; logging set-up onEvent and isComplete; the Provider framework's onEvent, isComplete, onTimeout.
  'AWS::Lambda::Function': [6, 6],
  // Diagnosis, logging set-up handlers, two framework roles, the waiter state machine; the Chatbot channel's.
  'AWS::IAM::Role': [5, 6],
  'AWS::IAM::Policy': [5, 5],
  'AWS::StepFunctions::StateMachine': [1, 1],
  // The diagnosis function's and the logging set-up's own log groups; never a cluster's.
  'AWS::Logs::LogGroup': [2, 2],
  // One logging set-up and one subscription filter per cluster.
  'Custom::AuthenticatorLogging': [1, 2],
  'AWS::Logs::SubscriptionFilter': [1, 2],
  'AWS::CloudWatch::Alarm': [4, 4],
  'AWS::CloudWatch::Dashboard': [1, 1],
  'AWS::Logs::QueryDefinition': [4, 4],
};

const CONFIGURATIONS = [
  ['shipped', 0],
  ['full', 1],
] as const;

describe.each(CONFIGURATIONS)('the resources of the stack with the %s configuration', (name, column) => {
  const synthesised = () => (name === 'shipped' ? shipped : full);

  it.each(Object.entries(RESOURCE_COUNTS))('include the listed number of %s', (type, counts) => {
    synthesised().template.resourceCountIs(type, counts[column]);
  });

  it('are of no type beyond the listed ones', () => {
    // Act
    const resources: Record<string, { Type: string }> = synthesised().template.toJSON().Resources;
    const types = new Set(Object.values(resources).map((resource) => resource.Type));

    // Assess
    const listed = Object.entries(RESOURCE_COUNTS).filter(([, counts]) => counts[column] > 0);
    expect([...types].sort()).toEqual(listed.map(([type]) => type).sort());
  });
});

describe('the synthesised template', () => {
  it('is the same on every synth', () => {
    // Act
    const again = synthesise(configured(FULL_CONFIG));

    // Assess
    expect(JSON.stringify(again.template.toJSON())).toBe(JSON.stringify(full.template.toJSON()));
  });

  it('keeps the logical IDs of the resources whose replacement would lose state or undo a set-up', () => {
    // Act
    const ids = Object.keys(full.template.toJSON().Resources);

    // Assess
    expect(ids).toEqual(
      expect.arrayContaining([
        // Subscribers would have to confirm again; a new key cannot decrypt what is in flight.
        'AuthDoctorAlertsTopic3FE17988',
        'AuthDoctorAlertsKey528D8783',
        // Flood-control state, and the undiagnosed events kept for inspection.
        'AuthDoctorDiagnosisDedupTable7A7546DF',
        'AuthDoctorDiagnosisFailedEventsF7775A70',
        // A replaced set-up deletes the old one (restoring logging); a replaced filter deletes its namesake.
        'AuthDoctorClusterprodeksAuthenticatorLogging0CE8FFFB',
        'AuthDoctorClusterstagingeksAuthenticatorLoggingE51D54B2',
        'AuthDoctorClusterprodeksSubscriptionFilterF1876F2A',
        'AuthDoctorClusterstagingeksSubscriptionFilterA46FA731',
      ]),
    );
  });
});

describe('the cluster log groups', () => {
  it('are never declared by the stack, so deleting the stack cannot delete one', () => {
    // Prepare
    const { template, stack } = full;

    // Act
    const names = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) =>
      JSON.stringify(stack.resolve(g.Properties?.LogGroupName ?? null)),
    );

    // Assess
    expect(names.filter((name) => name.includes('/aws/eks/'))).toEqual([]);
  });
});

describe('the diagnosis function', () => {
  it('runs the newest Node runtime on arm64 with JSON logs in its own log group and reserved concurrency', () => {
    full.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 3,
      LoggingConfig: Match.objectLike({
        LogFormat: 'JSON',
        LogGroup: { Ref: Match.stringLikeRegexp('DiagnosisLogGroup') },
      }),
    });
  });

  it('has a minute, 256 MB, INFO application logs and WARN system logs', () => {
    full.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 60,
      MemorySize: 256,
      LoggingConfig: Match.objectLike({ ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' }),
    });
  });

  it('reserves no concurrency by default, and exactly the configured amount when asked', () => {
    // Act
    const reserved = synthesise({ reservedConcurrency: '5' });

    // Assess
    const functions = Object.values(shipped.template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(1);
    for (const fn of functions) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    reserved.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 5,
    });
  });

  it('leaves the account ceiling empty, for the function to derive as 5 × alertCap, unless it is configured', () => {
    // Act
    const ceiling = synthesise({ accountAlertCap: '60' });

    // Assess
    shipped.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ ACCOUNT_ALERT_CAP: '', ALERT_CAP: '20' }) },
    });
    ceiling.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ ACCOUNT_ALERT_CAP: '60' }) },
    });
  });

  it('gets every environment variable the handler validates at cold start', () => {
    // Prepare
    const { template } = full;
    const topic = ref('AlertsTopic', template, 'AWS::SNS::Topic');
    const table = ref('DedupTable', template, 'AWS::DynamoDB::Table');

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          TOPIC_ARN: { Ref: topic },
          EXTRA_TOPIC_ARNS: 'arn:aws:sns:eu-west-1:111122223333:security-findings',
          DEDUP_TABLE_NAME: { Ref: table },
          SLACK_WEBHOOK_SECRET_NAME: 'eks-auth-doctor/slack-webhook',
          DEDUP_WINDOW_MINUTES: '30',
          ALERT_CAP: '10',
          CONTEXT_CACHE_TTL_SECONDS: '300',
          CREATOR_ARN: 'arn:aws:iam::111122223333:role/platform/cluster-admin',
          POWERTOOLS_SERVICE_NAME: 'eks-auth-doctor',
          POWERTOOLS_METRICS_NAMESPACE: 'EksAuthDoctor',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
      },
    });
  });

  it('sets an environment the function loads back as the configured settings', () => {
    // Prepare
    const [diagnosis] = Object.values(
      full.template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }),
    );
    const variables: Record<string, unknown> = diagnosis?.Properties.Environment.Variables;
    // The topic and the table are references CloudFormation resolves; stand-ins take their place.
    const environment = {
      ...(variables as Record<string, string>),
      [EnvVar.TopicArn]: 'arn:aws:sns:eu-west-1:111122223333:EksAuthDoctor-AlertsTopic',
      [EnvVar.DedupTableName]: 'EksAuthDoctor-DedupTable',
    };

    // Act
    const config = loadConfig(environment);

    // Assess
    expect(config).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:EksAuthDoctor-AlertsTopic',
      extraTopicArns: FULL_CONFIG.extraTopicArns,
      dedupTableName: 'EksAuthDoctor-DedupTable',
      slackWebhookSecretName: FULL_CONFIG.slackWebhookSecretName,
      dedupWindowMinutes: FULL_CONFIG.dedupWindowMinutes,
      alertCap: FULL_CONFIG.alertCap,
      contextCacheTtlSeconds: 300,
      // As the authenticator matches a role: without its path.
      creatorArn: 'arn:aws:iam::111122223333:role/cluster-admin',
    });
  });

  it('leaves the optional sinks empty when they are not configured', () => {
    shipped.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EXTRA_TOPIC_ARNS: '', SLACK_WEBHOOK_SECRET_NAME: '' }) },
    });
  });

  it('leaves the creator to the log when it is not configured', () => {
    shipped.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CREATOR_ARN: '' }) },
    });
    const config = loadConfig({
      [EnvVar.TopicArn]: 'arn:aws:sns:eu-west-1:111122223333:EksAuthDoctor-AlertsTopic',
      [EnvVar.DedupTableName]: 'EksAuthDoctor-DedupTable',
      [EnvVar.CreatorArn]: '',
    });
    expect(config.creatorArn).toBeUndefined();
  });

  it('retries failed asynchronous events twice, then keeps them in an encrypted queue', () => {
    // Prepare
    const { template } = full;
    const queue = ref('FailedEvents', template, 'AWS::SQS::Queue');

    // Assess
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('is invoked every five minutes with the sweep input, by that rule only', () => {
    // Prepare
    const { template } = full;
    const fn = ref('DiagnosisFunction', template, 'AWS::Lambda::Function');
    const rule = ref('DiagnosisSweep', template, 'AWS::Events::Rule');

    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, Input: '{"sweep":true}' })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [rule, 'Arn'] },
    });
  });
});

describe("the stack's own log groups", () => {
  it('keep the configured retention and go with the stack', () => {
    // Act
    const groups = Object.values(full.template.findResources('AWS::Logs::LogGroup'));

    // Assess
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      expect(group.Properties.RetentionInDays).toBe(90);
      expect(group.DeletionPolicy).toBe('Delete');
    }
  });
});

describe('the failed-events queue', () => {
  it('keeps failed events for the longest SQS allows, 14 days, and goes with the stack', () => {
    full.template.hasResource('AWS::SQS::Queue', {
      Properties: { MessageRetentionPeriod: 14 * 24 * 60 * 60 },
      DeletionPolicy: 'Delete',
    });
  });

  it('refuses access without TLS', () => {
    full.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });
});

describe('the dedup table', () => {
  it('goes with the stack: it holds only dedup state', () => {
    full.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  it('is on-demand with pk/sk keys, TTL on expiresAt and point-in-time recovery', () => {
    full.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: Match.absent(),
    });
  });
});

describe('the subscription from each cluster log group', () => {
  it('sends only access-denied lines and cluster-wide breakages to the diagnosis function, under a stable name', () => {
    // Prepare
    const { template } = full;
    const fn = ref('DiagnosisFunction', template, 'AWS::Lambda::Function');

    // Assess
    for (const cluster of FULL_CONFIG.clusters) {
      template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
        LogGroupName: `/aws/eks/${cluster}/cluster`,
        FilterName: 'eks-auth-doctor-EksAuthDoctor',
        FilterPattern: authenticatorFilterPattern().logPatternString,
        DestinationArn: { 'Fn::GetAtt': [fn, 'Arn'] },
      });
    }
  });

  it('is created after its cluster set-up and after the invoke permission', () => {
    // Prepare
    const { template } = full;
    const permission = ref('InvokeFromEksLogGroups', template, 'AWS::Lambda::Permission');
    const filters = template.findResources('AWS::Logs::SubscriptionFilter');

    // Assess
    for (const [logicalId, filter] of Object.entries(filters)) {
      const setup = logicalId
        .replace('SubscriptionFilter', 'AuthenticatorLogging')
        .replace(/[0-9A-F]{8}$/, '');
      expect(filter.DependsOn).toContain(permission);
      expect((filter.DependsOn as string[]).some((d) => d.startsWith(setup))).toBe(true);
    }
  });
});

describe('the permission for CloudWatch Logs to invoke the function', () => {
  it('is one statement covering the /aws/eks/* log groups of this account and region', () => {
    // Prepare
    const { template } = full;
    const fn = ref('DiagnosisFunction', template, 'AWS::Lambda::Function');

    // Act
    const fromLogs = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (p) => p.Properties.Principal === 'logs.amazonaws.com',
    );

    // Assess
    expect(fromLogs).toHaveLength(1);
    expect(fromLogs[0]?.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
      Principal: 'logs.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: arnOf('logs', 'log-group:/aws/eks/*'),
    });
  });
});

describe('the logging set-up of existing clusters', () => {
  it('is one custom resource per cluster with its log group, retention, filter name and restore choice', () => {
    for (const cluster of FULL_CONFIG.clusters) {
      full.template.hasResourceProperties('Custom::AuthenticatorLogging', {
        ClusterName: cluster,
        LogGroupName: `/aws/eks/${cluster}/cluster`,
        LogRetentionDays: '90',
        SubscriptionFilterName: 'eks-auth-doctor-EksAuthDoctor',
        ManageLogging: 'true',
        RestoreLoggingOnDelete: 'true',
      });
    }
  });

  it('leaves logging on by default when the stack is deleted', () => {
    shipped.template.hasResourceProperties('Custom::AuthenticatorLogging', {
      RestoreLoggingOnDelete: 'false',
    });
  });

  it('polls for completion through the Provider framework', () => {
    full.template.hasResourceProperties('AWS::StepFunctions::StateMachine', Match.anyValue());
    full.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.isComplete',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    full.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.onEvent',
      Runtime: 'nodejs24.x',
    });
  });

  it('is served by the Provider framework and goes with the stack (the handler keeps the log group)', () => {
    // Prepare
    const { template } = full;
    const framework = ref('ProviderframeworkonEvent', template, 'AWS::Lambda::Function');

    // Assess
    template.allResources('Custom::AuthenticatorLogging', {
      Properties: Match.objectLike({ ServiceToken: { 'Fn::GetAtt': [framework, 'Arn'] } }),
      DeletionPolicy: 'Delete',
    });
  });

  it('gives onEvent two minutes and isComplete one, with one role and one log group for both', () => {
    // Prepare
    const { template } = full;
    const role = ref('AuthenticatorLoggingHandlerRole', template, 'AWS::IAM::Role');
    const logGroup = ref('AuthenticatorLoggingLogGroup', template, 'AWS::Logs::LogGroup');
    const shared = {
      MemorySize: 256,
      Role: { 'Fn::GetAtt': [role, 'Arn'] },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroup } },
    };

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.onEvent',
      Timeout: 120,
      ...shared,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.isComplete',
      Timeout: 60,
      ...shared,
    });
  });

  it('polls every 30 seconds for up to 45 minutes, as a cluster busy with an upgrade takes long', () => {
    // Act
    const [machine] = Object.values(full.template.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(full.stack.resolve(machine?.Properties.DefinitionString));

    // Assess
    expect(definition).toContain('\\"IntervalSeconds\\":30,\\"MaxAttempts\\":90,\\"BackoffRate\\":1');
  });
});

describe('the IAM statements of the diagnosis function', () => {
  it('grants exactly the reads, writes and publishes the contract lists, scoped to the configured resources', () => {
    // Prepare
    const { template, stack } = full;
    const topic = ref('AlertsTopic', template, 'AWS::SNS::Topic');
    const key = ref('AlertsKey', template, 'AWS::KMS::Key');
    const table = ref('DedupTable', template, 'AWS::DynamoDB::Table');
    const queue = ref('FailedEvents', template, 'AWS::SQS::Queue');
    const logGroup = ref('DiagnosisLogGroup', template, 'AWS::Logs::LogGroup');

    // Act
    const statements = statementsOf(stack, template, 'DiagnosisRole');

    // Assess
    const expected = [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
      },
      {
        Sid: 'ReadWatchedClusters',
        Effect: 'Allow',
        Action: ['eks:DescribeCluster', 'eks:ListAccessEntries'],
        Resource: [arnOf('eks', 'cluster/prod-eks'), arnOf('eks', 'cluster/staging-eks')],
      },
      {
        Sid: 'FetchStsResponseLinesAndWatchTheFilter',
        Effect: 'Allow',
        Action: ['logs:DescribeSubscriptionFilters', 'logs:FilterLogEvents'],
        Resource: [...logGroupArns('prod-eks'), ...logGroupArns('staging-eks')],
      },
      {
        Sid: 'UseDedupTable',
        Effect: 'Allow',
        Action: [
          'dynamodb:BatchGetItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        Resource: { 'Fn::GetAtt': [table, 'Arn'] },
      },
      {
        Sid: 'PublishAlerts',
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: ['arn:aws:sns:eu-west-1:111122223333:security-findings', { Ref: topic }],
      },
      {
        Sid: 'EncryptForAlertTopic',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [key, 'Arn'] },
      },
      {
        Sid: 'ReadSlackWebhook',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: arnOf('secretsmanager', 'secret:eks-auth-doctor/slack-webhook-??????'),
      },
      {
        Effect: 'Allow',
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
      },
    ];
    expect(statements).toHaveLength(expected.length);
    expect(statements).toEqual(expect.arrayContaining(expected));
  });

  it('has no statement on "*"', () => {
    // Act
    const resources = statementsOf(full.stack, full.template, 'DiagnosisRole').flatMap((s) =>
      [s.Resource].flat(),
    );

    // Assess
    expect(resources).not.toContain('*');
  });
});

describe('the IAM statements of the logging set-up handlers', () => {
  it('may only describe, switch logging of, and prepare the log groups of the configured clusters', () => {
    // Prepare
    const { template, stack } = full;
    const logGroup = ref('AuthenticatorLoggingLogGroup', template, 'AWS::Logs::LogGroup');

    // Act
    const statements = statementsOf(stack, template, 'AuthenticatorLoggingHandlerRole');

    // Assess
    const clusters = [arnOf('eks', 'cluster/prod-eks'), arnOf('eks', 'cluster/staging-eks')];
    const expected = [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
      },
      { Sid: 'DescribeWatchedClusters', Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: clusters },
      {
        Sid: 'SwitchAuthenticatorLogging',
        Effect: 'Allow',
        Action: ['eks:DescribeUpdate', 'eks:UpdateClusterConfig'],
        Resource: clusters,
      },
      {
        Sid: 'PrepareClusterLogGroups',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:DescribeSubscriptionFilters', 'logs:PutRetentionPolicy'],
        Resource: [...logGroupArns('prod-eks'), ...logGroupArns('staging-eks')],
      },
    ];
    expect(statements).toHaveLength(expected.length);
    expect(statements).toEqual(expect.arrayContaining(expected));
  });

  it('gives the Provider framework roles no AWS managed policy', () => {
    // Act
    const managed = Object.entries(full.template.findResources('AWS::IAM::Role'))
      .filter(([, role]) => role.Properties.ManagedPolicyArns)
      .map(([id]) => id);

    // Assess
    expect(managed).toEqual([]);
  });
});

describe('the alert topic', () => {
  it('is named for the product and lets CloudWatch alarms of this account publish', () => {
    // Prepare
    const { template } = full;
    const topic = ref('AlertsTopic', template, 'AWS::SNS::Topic');

    // Assess
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'eks-auth-doctor' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: topic },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  it('has a key that goes with the stack', () => {
    full.template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  it('is encrypted with its own rotating key and refuses publishing without TLS', () => {
    // Prepare
    const { template } = full;
    const key = ref('AlertsKey', template, 'AWS::KMS::Key');

    // Assess
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('lets CloudWatch alarms use the key with exactly the statement the SNS guide gives for AWS service publishers', () => {
    // Prepare
    const key = Object.values(full.template.findResources('AWS::KMS::Key'))[0];

    // Act
    const statements = full.stack.resolve(key?.Properties.KeyPolicy.Statement) as Record<string, unknown>[];

    // Assess
    expect(statements.filter((s) => JSON.stringify(s.Principal).includes('cloudwatch'))).toEqual([
      {
        Sid: 'AllowCloudWatchAlarmsToUseTheKey',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
      },
    ]);
    // Chatbot is a subscriber (SNS decrypts before delivering): it needs no key statement.
    expect(JSON.stringify(statements)).not.toContain('chatbot.amazonaws.com');
  });

  it('lets the alarms, which notify it, publish: every alarm action is the alert topic', () => {
    // Prepare
    const topic = ref('AlertsTopic', full.template, 'AWS::SNS::Topic');

    // Act
    const alarms = Object.values(full.template.findResources('AWS::CloudWatch::Alarm'));

    // Assess
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
  });

  it('subscribes each alert email', () => {
    full.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('is delivered to the configured Slack channel through AWS Chatbot with read-only guardrails', () => {
    // Prepare
    const { template } = full;
    const topic = ref('AlertsTopic', template, 'AWS::SNS::Topic');

    // Assess
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T07EA123LEP',
      SlackChannelId: 'C07EZ1ABC23',
      SnsTopicArns: [{ Ref: topic }],
      GuardrailPolicies: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] },
      ],
    });
  });

  it('gives the Chatbot channel a stable name and a role only AWS Chatbot can assume', () => {
    // Prepare
    const { template } = full;
    const role = ref('SlackChannelConfigurationRole', template, 'AWS::IAM::Role');

    // Assess
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: {
        'Fn::Join': ['', [Match.stringLikeRegexp('^eks-auth-doctor-[0-9a-f]{8}-$'), { Ref: 'AWS::Region' }]],
      },
      IamRoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' } },
        ],
      },
      Policies: Match.absent(),
    });
  });

  it('has no Chatbot channel and no subscription when none is configured', () => {
    shipped.template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    shipped.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('the alarms', () => {
  it('watch function errors, throttles, queued failed events and delivery failures, and notify the alert topic', () => {
    // Prepare
    const { template } = full;
    const topic = ref('AlertsTopic', template, 'AWS::SNS::Topic');

    // Act
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));

    // Assess
    const watched = alarms.map((a) => a.Properties.MetricName ?? 'DeliveryFailures').sort();
    expect(watched).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'DeliveryFailures',
      'Errors',
      'Throttles',
    ]);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topic }],
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('counts delivery failures of both sinks', () => {
    full.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(sns, 0) + FILL(slack, 0)' }),
        Match.objectLike({
          Id: 'slack',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'EksAuthDoctor',
              MetricName: 'DeliveryFailures',
              Dimensions: [
                { Name: 'Sink', Value: 'slack' },
                { Name: 'service', Value: 'eks-auth-doctor' },
              ],
            },
          }),
        }),
      ]),
    });
  });
});

describe('the dashboard', () => {
  it('graphs denials by category and by cluster, alerts sent vs suppressed, and two Logs Insights tables', () => {
    // Prepare
    const { template, stack } = full;

    // Act
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(stack.resolve(dashboard?.Properties.DashboardBody));

    // Assess
    expect(body).toContain(
      `SEARCH('{EksAuthDoctor,Category,Cluster,service} MetricName=\\\\\\"Denials\\\\\\"', 'Sum', 300)`,
    );
    expect(body).toContain('Cluster=\\\\\\"prod-eks\\\\\\"');
    expect(body).toContain('Cluster=\\\\\\"staging-eks\\\\\\"');
    expect(body).toContain('MetricName=\\\\\\"AlertsSent\\\\\\"');
    expect(body).toContain('MetricName=\\\\\\"AlertsSuppressed\\\\\\"');
    expect(body).toContain('Classified denials (latest)');
    expect(body).toContain('stats sum(count) as denials');
  });

  it('shows who authenticates on the watched clusters, in one table over their log groups', () => {
    // Act
    const body = JSON.stringify(full.template.findResources('AWS::CloudWatch::Dashboard'));

    // Assess
    expect(body).toContain('Who authenticated, as what (access report)');
    expect(body).toContain('count_distinct(username) as usernames');
    for (const cluster of FULL_CONFIG.clusters) expect(body).toContain(`/aws/eks/${cluster}/cluster`);
  });
});

describe('the saved Logs Insights queries', () => {
  it("are filed under eks-auth-doctor/<stack name> in the console's saved-query list", () => {
    // Act
    const names = Object.values(full.template.findResources('AWS::Logs::QueryDefinition')).map(
      (q) => q.Properties.Name,
    );

    // Assess
    expect(names.sort()).toEqual([
      'eks-auth-doctor/EksAuthDoctor/Classified denials (latest)',
      'eks-auth-doctor/EksAuthDoctor/Cluster creator (kubernetes-admin grants, CONFIG_MAP clusters)',
      'eks-auth-doctor/EksAuthDoctor/Latest authenticator lines',
      'eks-auth-doctor/EksAuthDoctor/Who authenticated, as what (access report)',
    ]);
  });

  it('save the access report question (who authenticated, as what) on every cluster log group, as the CLI asks it', () => {
    // Prepare
    const groups = FULL_CONFIG.clusters.map((c) => `/aws/eks/${c}/cluster`);

    // Assess
    full.template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      LogGroupNames: groups,
      QueryString: queryText(AUTHENTICATED_PRINCIPALS_QUERY),
    });
  });

  it("save the runbook's creator query and latest-lines query on every cluster log group", () => {
    // Prepare
    const groups = FULL_CONFIG.clusters.map((c) => `/aws/eks/${c}/cluster`);

    // Assess
    full.template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      LogGroupNames: groups,
      QueryString: Match.stringLikeRegexp(
        'filter @logStream like /authenticator/\\n\\| filter @message like "username=kubernetes-admin"',
      ),
    });
    full.template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      LogGroupNames: groups,
      QueryString:
        'fields @timestamp, @message\n| filter @logStream like /authenticator/\n| sort @timestamp desc\n| limit 1000',
    });
  });

  it('save the classified-events query on the diagnosis function log', () => {
    // Prepare
    const logGroup = ref('DiagnosisLogGroup', full.template, 'AWS::Logs::LogGroup');

    // Assess
    full.template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      LogGroupNames: [{ Ref: logGroup }],
      QueryString: Match.stringLikeRegexp('filter message = "finding"'),
    });
  });
});

describe('the shipped placeholder cluster', () => {
  it('synthesises with a warning that names the placeholder and how to name real clusters', () => {
    Annotations.fromStack(shipped.stack).hasWarning(
      '*',
      Match.stringLikeRegexp('"my-cluster" is the placeholder .* cdk deploy -c clusters='),
    );
  });

  it('gives no such warning once real clusters are configured', () => {
    Annotations.fromStack(full.stack).hasNoWarning('*', Match.stringLikeRegexp('placeholder'));
  });
});
