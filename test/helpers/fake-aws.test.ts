import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  EKSClient,
  ListAccessEntriesCommand,
  ListAssociatedAccessPoliciesCommand,
} from '@aws-sdk/client-eks';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws, filterPatternMatcher } from './fake-aws';

const ALICE = { accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret' };
const ALICE_ARN = 'arn:aws:iam::111122223333:user/alice';

let fake: FakeAws;
beforeAll(async () => {
  fake = await new FakeAws().start();
});
afterAll(() => fake.stop());

function clientConfig(region = 'eu-west-1', credentials = ALICE) {
  return { endpoint: fake.url, region, credentials, maxAttempts: 1 };
}

describe('FakeAws STS (query protocol)', () => {
  it('answers GetCallerIdentity for the access key that signed the request', async () => {
    // Prepare
    fake.identity('AKIDALICE', { arn: ALICE_ARN, account: '111122223333', userId: 'AIDAALICE' });
    const sts = new STSClient(clientConfig());

    // Act
    const identity = await sts.send(new GetCallerIdentityCommand({}));

    // Assess
    expect(identity).toMatchObject({ Arn: ALICE_ARN, Account: '111122223333', UserId: 'AIDAALICE' });
    expect(fake.calls('sts:GetCallerIdentity').at(-1)).toMatchObject({
      region: 'eu-west-1',
      accessKeyId: 'AKIDALICE',
      method: 'POST',
    });
  });

  it('hands out role credentials whose caller is the assumed-role ARN with the session name', async () => {
    fake.assumableRole('arn:aws:iam::111122223333:role/EksAdmin', {
      accessKeyId: 'ASIAEKSADMIN',
      roleId: 'AROAEKSADMIN',
    });
    const sts = new STSClient(clientConfig());

    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111122223333:role/EksAdmin',
        RoleSessionName: 'doctor',
      }),
    );
    const asRole = new STSClient(
      clientConfig('eu-west-1', {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
      }),
    );
    const identity = await asRole.send(new GetCallerIdentityCommand({}));

    expect(assumed.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/EksAdmin/doctor');
    expect(assumed.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(identity.Arn).toBe('arn:aws:sts::111122223333:assumed-role/EksAdmin/doctor');
    expect(identity.UserId).toBe('AROAEKSADMIN:doctor');
  });

  it('refuses AssumeRole of a role it does not know with AccessDenied, naming the caller', async () => {
    const sts = new STSClient(clientConfig());

    const error = await sts
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/Nope', RoleSessionName: 's' }))
      .catch((caught: unknown) => caught as Error);

    expect(error).toMatchObject({ name: 'AccessDenied' });
    expect((error as Error).message).toBe(
      `User: ${ALICE_ARN} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Nope`,
    );
  });

  it('fails every call signed with a rejected key, as AWS does for expired credentials', async () => {
    fake.rejectKey('ASIAEXPIRED', 'ExpiredToken');
    const sts = new STSClient(
      clientConfig('eu-west-1', { accessKeyId: 'ASIAEXPIRED', secretAccessKey: 'x' }),
    );

    const error = await sts.send(new GetCallerIdentityCommand({})).catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      name: 'ExpiredToken',
      message: 'The security token included in the request is expired',
    });
  });
});

describe('FakeAws EKS (REST-JSON)', () => {
  const cluster = {
    name: 'prod',
    arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
    endpoint: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
    status: 'ACTIVE' as const,
    createdAt: 1_700_000_000,
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' as const },
    logging: { clusterLogging: [{ types: ['authenticator'], enabled: true }] },
  };
  const role = 'arn:aws:iam::111122223333:role/team/Dev';

  beforeAll(() => {
    fake
      .cluster('eu-west-1', cluster)
      .accessEntry(
        'eu-west-1',
        'prod',
        { principalArn: role, type: 'STANDARD', username: 'dev', kubernetesGroups: [] },
        [
          {
            policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
            accessScope: { type: 'cluster' },
          },
        ],
      );
  });

  it('describes a cluster of the region the request was signed for', async () => {
    const eks = new EKSClient(clientConfig());

    const { cluster: described } = await eks.send(new DescribeClusterCommand({ name: 'prod' }));

    expect(described?.endpoint).toBe(cluster.endpoint);
    expect(described?.accessConfig?.authenticationMode).toBe('API_AND_CONFIG_MAP');
    expect(described?.createdAt).toEqual(new Date(1_700_000_000_000));
    expect(fake.calls('eks:DescribeCluster').at(-1)?.path).toBe('/clusters/prod');
  });

  it('does not find the same cluster name in another region', async () => {
    const eks = new EKSClient(clientConfig('us-east-1'));

    const error = await eks
      .send(new DescribeClusterCommand({ name: 'prod' }))
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'No cluster found for name: prod.',
    });
  });

  it('describes an access entry by its principal ARN, path included, and lists its policies', async () => {
    const eks = new EKSClient(clientConfig());

    const { accessEntry } = await eks.send(
      new DescribeAccessEntryCommand({ clusterName: 'prod', principalArn: role }),
    );
    const { associatedAccessPolicies } = await eks.send(
      new ListAssociatedAccessPoliciesCommand({ clusterName: 'prod', principalArn: role }),
    );
    const { accessEntries } = await eks.send(new ListAccessEntriesCommand({ clusterName: 'prod' }));

    expect(accessEntry).toMatchObject({ principalArn: role, username: 'dev', clusterName: 'prod' });
    expect(associatedAccessPolicies?.map((policy) => policy.policyArn)).toEqual([
      'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
    ]);
    expect(accessEntries).toEqual([role]);
    expect(fake.calls('eks:DescribeAccessEntry').at(-1)?.params).toEqual({
      clusterName: 'prod',
      principalArn: role,
    });
  });

  it('answers ResourceNotFoundException for a principal without an entry', async () => {
    const eks = new EKSClient(clientConfig());

    const error = await eks
      .send(
        new DescribeAccessEntryCommand({
          clusterName: 'prod',
          principalArn: 'arn:aws:iam::111122223333:role/Dev',
        }),
      )
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified access entry resource is not found.',
    });
  });

  it('fails a scripted operation with AccessDeniedException, then answers again', async () => {
    fake.fail('eks:DescribeCluster', 'AccessDenied', { times: 1 });
    const eks = new EKSClient(clientConfig());

    const error = await eks
      .send(new DescribeClusterCommand({ name: 'prod' }))
      .catch((caught: unknown) => caught);
    const next = await eks.send(new DescribeClusterCommand({ name: 'prod' }));

    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${ALICE_ARN} is not authorized to perform: eks:DescribeCluster`,
    });
    expect(next.cluster?.name).toBe('prod');
  });
});

describe('FakeAws CloudWatch Logs (JSON 1.1)', () => {
  const group = '/aws/eks/prod/cluster';
  const t0 = Date.parse('2026-01-10T10:00:00Z');

  beforeAll(() => {
    fake.logEvents('eu-west-1', group, [
      { logStreamName: 'authenticator-abc', timestamp: t0, message: 'msg="access denied" arn=role/Dev' },
      {
        logStreamName: 'authenticator-abc',
        timestamp: t0 + 1000,
        message: 'msg="access granted" arn=role/Ops',
      },
      { logStreamName: 'kube-apiserver-abc', timestamp: t0 + 2000, message: 'msg="access denied" apiserver' },
      {
        logStreamName: 'authenticator-def',
        timestamp: t0 + 3000,
        message: 'msg="access denied" arn=role/Ops',
      },
    ]);
  });

  it('filters by stream prefix, time range and filter pattern, in time order', async () => {
    const logs = new CloudWatchLogsClient(clientConfig());

    const { events } = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: group,
        logStreamNamePrefix: 'authenticator',
        startTime: t0 + 500,
        filterPattern: '"access denied"',
      }),
    );

    expect(events?.map((event) => event.message)).toEqual(['msg="access denied" arn=role/Ops']);
    expect(fake.calls('logs:FilterLogEvents').at(-1)?.params).toMatchObject({
      logGroupName: group,
      logStreamNamePrefix: 'authenticator',
      startTime: t0 + 500,
    });
  });

  it('pages with nextToken', async () => {
    const logs = new CloudWatchLogsClient(clientConfig());

    const first = await logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 3 }));
    const second = await logs.send(
      new FilterLogEventsCommand({ logGroupName: group, limit: 3, nextToken: first.nextToken }),
    );

    expect(first.events).toHaveLength(3);
    expect(second.events).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
  });

  it('answers ResourceNotFoundException for a log group that does not exist', async () => {
    const logs = new CloudWatchLogsClient(clientConfig());

    const error = await logs
      .send(new FilterLogEventsCommand({ logGroupName: '/aws/eks/other/cluster' }))
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
    });
  });

  it('runs a Logs Insights query: Running, then Complete with the scripted rows', async () => {
    fake.insightsQuery({ runningPolls: 1, results: [[{ field: 'arn', value: 'arn:aws:iam::1:role/Dev' }]] });
    const logs = new CloudWatchLogsClient(clientConfig());

    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupName: group,
        startTime: 0,
        endTime: 1,
        queryString: 'fields @message',
      }),
    );
    const running = await logs.send(new GetQueryResultsCommand({ queryId }));
    const complete = await logs.send(new GetQueryResultsCommand({ queryId }));

    expect(running.status).toBe('Running');
    expect(complete.status).toBe('Complete');
    expect(complete.results).toEqual([[{ field: 'arn', value: 'arn:aws:iam::1:role/Dev' }]]);
    expect(fake.calls('logs:StartQuery').at(-1)?.params).toMatchObject({ queryString: 'fields @message' });
  });
});

describe('FakeAws IAM (query protocol)', () => {
  it('returns a role with its path, and NoSuchEntity for an unknown one', async () => {
    fake.iamRole({
      roleName: 'Dev',
      path: '/team/',
      arn: 'arn:aws:iam::111122223333:role/team/Dev',
      roleId: 'AROADEV',
    });
    const iam = new IAMClient(clientConfig('us-east-1'));

    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'Dev' }));
    const error = await iam.send(new GetRoleCommand({ RoleName: 'Nope' })).catch((caught: unknown) => caught);

    expect(Role).toMatchObject({ Path: '/team/', Arn: 'arn:aws:iam::111122223333:role/team/Dev' });
    expect(error).toMatchObject({ name: 'NoSuchEntityException' });
  });
});

describe('filterPatternMatcher', () => {
  it('needs every term, any one of the ?-terms, and none of the excluded ones', () => {
    const matches = filterPatternMatcher('"access denied" ?Dev ?Ops -selftest');

    expect(matches('msg="access denied" arn=role/Dev')).toBe(true);
    expect(matches('msg="access denied" arn=role/Other')).toBe(false);
    expect(matches('msg="access granted" arn=role/Dev')).toBe(false);
    expect(matches('msg="access denied" arn=role/Dev selftest')).toBe(false);
  });
});

describe('FakeAws SNS (query protocol)', () => {
  const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:alerts';

  it('accepts a Publish to a known topic with its subject, structure and attributes, and answers a message ID', async () => {
    // Prepare
    fake.topic(TOPIC);
    const sns = new SNSClient(clientConfig());

    // Act
    const answer = await sns.send(
      new PublishCommand({
        TopicArn: TOPIC,
        Subject: 'EKS auth: one',
        Message: 'hello',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'alert' } },
      }),
    );

    // Assess
    const published = fake.publishedTo(TOPIC).at(-1);
    expect(published).toMatchObject({
      via: 'Publish',
      subject: 'EKS auth: one',
      message: 'hello',
      attributes: { kind: 'alert' },
      messageId: answer.MessageId,
    });
  });

  it('refuses a Publish to a topic that does not exist with NotFound', async () => {
    // Prepare
    const sns = new SNSClient(clientConfig());

    // Act
    const publish = sns.send(new PublishCommand({ TopicArn: `${TOPIC}-gone`, Message: 'hello' }));

    // Assess
    await expect(publish).rejects.toMatchObject({
      name: 'NotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('reports each PublishBatch entry alone: the scripted failure in Failed, the others in Successful, with status 200', async () => {
    // Prepare
    fake.topic(TOPIC);
    fake.failBatchEntries((entry) => entry.message === 'two');
    const sns = new SNSClient(clientConfig());

    // Act
    const answer = await sns.send(
      new PublishBatchCommand({
        TopicArn: TOPIC,
        PublishBatchRequestEntries: ['one', 'two', 'three'].map((message) => ({
          Id: message,
          Message: message,
        })),
      }),
    );

    // Assess
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(answer.Successful?.map((entry) => entry.Id)).toEqual(['one', 'three']);
    expect(answer.Failed).toEqual([
      { Id: 'two', Code: 'InternalError', Message: 'Internal error', SenderFault: false },
    ]);
    expect(
      fake
        .publishedTo(TOPIC)
        .slice(-2)
        .map((m) => [m.via, m.message]),
    ).toEqual([
      ['PublishBatch', 'one'],
      ['PublishBatch', 'three'],
    ]);
  });

  it("marks an entry SNS would refuse (a subject of 100 characters) as the sender's fault", async () => {
    // Prepare
    fake.topic(TOPIC);
    const sns = new SNSClient(clientConfig());

    // Act
    const answer = await sns.send(
      new PublishBatchCommand({
        TopicArn: TOPIC,
        PublishBatchRequestEntries: [{ Id: 'long', Message: 'x', Subject: 's'.repeat(100) }],
      }),
    );

    // Assess
    expect(answer.Failed).toMatchObject([{ Id: 'long', Code: 'InvalidParameter', SenderFault: true }]);
  });

  it.each([
    ['11 entries', 11, 1, 'TooManyEntriesInBatchRequestException'],
    ['two entries with one Id', 2, 1, 'BatchEntryIdsNotDistinctException'],
    ['10 entries of 30 KB (over 256 KB together)', 10, 30_000, 'BatchRequestTooLongException'],
  ])('refuses a whole PublishBatch of %s as SNS does', async (_case, count, size, name) => {
    // Prepare
    fake.topic(TOPIC);
    const sns = new SNSClient(clientConfig());
    const sameId = name === 'BatchEntryIdsNotDistinctException';
    const entries = Array.from({ length: count }, (_, i) => ({
      Id: sameId ? 'same' : `m${i}`,
      Message: 'x'.repeat(size),
    }));
    const before = fake.published.length;

    // Act
    const publish = sns.send(
      new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries }),
    );

    // Assess
    await expect(publish).rejects.toMatchObject({ name });
    expect(fake.published.length).toBe(before);
  });

  it('throttles SNS with its own error code when told to', async () => {
    // Prepare
    fake.topic(TOPIC).fail('sns:Publish', 'Throttling', { times: 1 });
    const sns = new SNSClient(clientConfig());

    // Act
    const publish = sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' }));

    // Assess
    await expect(publish).rejects.toMatchObject({
      name: 'ThrottledException',
      $metadata: { httpStatusCode: 429 },
    });
  });
});
