import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeSubscriptionFiltersCommand,
  ResourceNotFoundException as LogsResourceNotFoundException,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeClusterCommand,
  DescribeUpdateCommand,
  EKSClient,
  InvalidParameterException,
  type LogType,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateClusterConfigCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isComplete, onEvent } from '../../../lambda/handlers/authenticator-logging';
import {
  CLUSTER,
  completeEvent,
  createEvent,
  deleteEvent,
  LOG_GROUP,
  OUR_FILTER,
  updateEvent,
} from './events';

const eks = mockClient(EKSClient);
const logs = mockClient(CloudWatchLogsClient);
const meta = { $metadata: {} };

function clusterLogging(...enabledTypes: LogType[]) {
  return {
    cluster: {
      name: CLUSTER,
      logging: {
        clusterLogging: [
          { types: enabledTypes, enabled: true },
          {
            types: (['api', 'audit', 'authenticator'] as LogType[]).filter((t) => !enabledTypes.includes(t)),
            enabled: false,
          },
        ],
      },
    },
  };
}

/** A log group that exists and has no filters, and an EKS that accepts one update. */
function quietAccount() {
  logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [] });
  logs.on(CreateLogGroupCommand).rejects(new ResourceAlreadyExistsException({ message: 'exists', ...meta }));
  eks.on(UpdateClusterConfigCommand).resolves({ update: { id: 'update-1', status: 'InProgress' } });
}

const previousRegion = process.env.AWS_REGION;
beforeAll(() => {
  process.env.AWS_REGION = 'eu-west-1';
});
afterAll(() => {
  process.env.AWS_REGION = previousRegion;
});
beforeEach(() => {
  eks.reset();
  logs.reset();
});

describe('a cluster whose authenticator log is already on', () => {
  it('changes nothing on the cluster and records that logging was found on', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging('api', 'authenticator'));

    // Act
    const answer = await onEvent(createEvent());
    const done = await isComplete(completeEvent(createEvent(), answer));

    // Assess
    expect(eks).not.toHaveReceivedCommand(UpdateClusterConfigCommand);
    expect(answer.PhysicalResourceId).toBe(`eks-auth-doctor/${CLUSTER}/authenticator-left-as-found`);
    expect(answer.Data).toEqual({ LogGroup: 'existed', AuthenticatorLogging: 'already-enabled' });
    expect(done.IsComplete).toBe(true);
  });

  it('keeps the record that this stack turned it on when an update finds it still on', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging('authenticator'));
    const ours = `eks-auth-doctor/${CLUSTER}/authenticator-enabled-by-stack`;

    // Act
    const answer = await onEvent(updateEvent(ours));

    // Assess
    expect(answer.PhysicalResourceId).toBe(ours);
    expect(eks).not.toHaveReceivedCommand(UpdateClusterConfigCommand);
  });
});

describe('a cluster whose authenticator log is off', () => {
  it('enables only the authenticator type and waits for the update to succeed', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging('api', 'audit'));
    eks
      .on(DescribeUpdateCommand)
      .resolvesOnce({ update: { id: 'update-1', status: 'InProgress' } })
      .resolves({ update: { id: 'update-1', status: 'Successful' } });

    // Act
    const answer = await onEvent(createEvent());
    const first = await isComplete(completeEvent(createEvent(), answer));
    const second = await isComplete(completeEvent(createEvent(), answer));

    // Assess
    expect(eks).toHaveReceivedCommandWith(UpdateClusterConfigCommand, {
      name: CLUSTER,
      logging: { clusterLogging: [{ types: ['authenticator'], enabled: true }] },
    });
    expect(eks).toHaveReceivedCommandWith(DescribeUpdateCommand, { name: CLUSTER, updateId: 'update-1' });
    expect(answer.PhysicalResourceId).toBe(`eks-auth-doctor/${CLUSTER}/authenticator-enabled-by-stack`);
    expect(first.IsComplete).toBe(false);
    expect(second.IsComplete).toBe(true);
  });

  it('fails the deployment with the update errors when EKS reports the update failed', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging());
    eks.on(DescribeUpdateCommand).resolves({
      update: {
        id: 'update-1',
        status: 'Failed',
        errors: [{ errorCode: 'AccessDenied', errorMessage: 'no role' }],
      },
    });
    const answer = await onEvent(createEvent());

    // Act
    const waiting = isComplete(completeEvent(createEvent(), answer));

    // Assess
    await expect(waiting).rejects.toThrow(/ended as Failed \(update update-1\): AccessDenied: no role/);
  });
});

describe('a cluster that is busy with another update', () => {
  it('polls again instead of failing, and enables logging once the other update is over', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging('api'));
    eks
      .on(UpdateClusterConfigCommand)
      .rejectsOnce(
        new ResourceInUseException({
          message: 'Cannot LoggingUpdate because cluster prod-eks currently has update in progress',
          ...meta,
        }),
      )
      .rejectsOnce(new ResourceInUseException({ message: 'update in progress', ...meta }))
      .resolves({ update: { id: 'update-2', status: 'InProgress' } });

    // Act
    const answer = await onEvent(createEvent());
    const stillBusy = await isComplete(completeEvent(createEvent(), answer));
    const started = await isComplete(completeEvent(createEvent(), answer));
    eks.on(DescribeClusterCommand).resolves(clusterLogging('api', 'authenticator'));
    const finished = await isComplete(completeEvent(createEvent(), answer));

    // Assess
    expect(answer.Data).toMatchObject({ PendingState: 'on' });
    expect(answer.PhysicalResourceId).toBe(`eks-auth-doctor/${CLUSTER}/authenticator-enabled-by-stack`);
    expect([stillBusy.IsComplete, started.IsComplete, finished.IsComplete]).toEqual([false, false, true]);
    expect(eks).toHaveReceivedCommandTimes(UpdateClusterConfigCommand, 3);
  });
});

describe('an update EKS says is not needed', () => {
  it('counts "No changes needed" as success', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging());
    eks.on(UpdateClusterConfigCommand).rejects(
      new InvalidParameterException({
        message: 'No changes needed for the logging config provided',
        ...meta,
      }),
    );

    // Act
    const answer = await onEvent(createEvent());
    const done = await isComplete(completeEvent(createEvent(), answer));

    // Assess
    expect(answer.Data).not.toHaveProperty('UpdateId');
    expect(answer.Data).not.toHaveProperty('PendingState');
    expect(done.IsComplete).toBe(true);
  });

  it('still fails on any other InvalidParameterException', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging());
    eks
      .on(UpdateClusterConfigCommand)
      .rejects(new InvalidParameterException({ message: 'Logging type foo is not supported', ...meta }));

    // Act
    const starting = onEvent(createEvent());

    // Assess
    await expect(starting).rejects.toThrow(/Logging type foo is not supported/);
  });
});

describe('a cluster that does not exist', () => {
  it('fails the deployment naming the cluster and the region', async () => {
    // Prepare
    quietAccount();
    eks
      .on(DescribeClusterCommand)
      .rejects(new ResourceNotFoundException({ message: 'No cluster found', ...meta }));

    // Act
    const starting = onEvent(createEvent());

    // Assess
    await expect(starting).rejects.toThrow(/EKS cluster "prod-eks" was not found in region eu-west-1/);
    expect(logs).not.toHaveReceivedCommand(CreateLogGroupCommand);
  });
});

describe('the cluster log group', () => {
  it('is created with the configured retention when EKS has not created it yet', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(clusterLogging('authenticator'));
    logs
      .on(DescribeSubscriptionFiltersCommand)
      .rejects(new LogsResourceNotFoundException({ message: 'no group', ...meta }));
    logs.on(CreateLogGroupCommand).resolves({});
    logs.on(PutRetentionPolicyCommand).resolves({});

    // Act
    const answer = await onEvent(createEvent());

    // Assess
    expect(logs).toHaveReceivedCommandWith(CreateLogGroupCommand, { logGroupName: LOG_GROUP });
    expect(logs).toHaveReceivedCommandWith(PutRetentionPolicyCommand, {
      logGroupName: LOG_GROUP,
      retentionInDays: 30,
    });
    expect(answer.Data).toMatchObject({ LogGroup: 'created' });
  });

  it('keeps the retention of a group that already existed', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging('authenticator'));

    // Act
    await onEvent(createEvent());

    // Assess
    expect(logs).not.toHaveReceivedCommand(PutRetentionPolicyCommand);
  });
});

describe('the subscription filter quota', () => {
  it('fails before changing anything when two other filters already hold the slots, listing them', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(clusterLogging());
    logs.on(DescribeSubscriptionFiltersCommand).resolves({
      subscriptionFilters: [
        { filterName: 'siem', destinationArn: 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/siem' },
        { filterName: 'datadog', destinationArn: 'arn:aws:lambda:eu-west-1:111122223333:function:dd' },
      ],
    });

    // Act
    const starting = onEvent(createEvent());

    // Assess
    await expect(starting).rejects.toThrow(
      /already has 2 subscription filters \("siem" → arn:aws:firehose:.*; "datadog" → arn:aws:lambda:.*\).*delete-subscription-filter/,
    );
    expect(eks).not.toHaveReceivedCommand(UpdateClusterConfigCommand);
    expect(logs).not.toHaveReceivedCommand(CreateLogGroupCommand);
  });

  it('does not count our own filter against the quota on an update', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging('authenticator'));
    logs.on(DescribeSubscriptionFiltersCommand).resolves({
      subscriptionFilters: [
        { filterName: 'siem', destinationArn: 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/siem' },
        { filterName: OUR_FILTER, destinationArn: 'arn:aws:lambda:eu-west-1:111122223333:function:ours' },
      ],
    });

    // Act
    const answer = await onEvent(updateEvent(`eks-auth-doctor/${CLUSTER}/authenticator-left-as-found`));

    // Assess
    expect(answer.PhysicalResourceId).toBe(`eks-auth-doctor/${CLUSTER}/authenticator-left-as-found`);
  });
});

describe('a cluster whose logging belongs to a cluster construct in the same app', () => {
  it('prepares the log group but never touches the cluster logging setting', async () => {
    // Prepare
    quietAccount();
    eks.on(DescribeClusterCommand).resolves(clusterLogging());

    // Act
    const answer = await onEvent(createEvent({ ManageLogging: 'false' }));

    // Assess
    expect(eks).not.toHaveReceivedCommand(UpdateClusterConfigCommand);
    expect(answer.Data).toMatchObject({ AuthenticatorLogging: 'owned-by-cluster-construct' });
  });
});

describe('deleting the stack', () => {
  const enabledByStack = `eks-auth-doctor/${CLUSTER}/authenticator-enabled-by-stack`;
  const leftAsFound = `eks-auth-doctor/${CLUSTER}/authenticator-left-as-found`;

  it('leaves the cluster and the log group alone by default', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(clusterLogging('authenticator'));

    // Act
    const answer = await onEvent(deleteEvent(enabledByStack));
    const done = await isComplete(completeEvent(deleteEvent(enabledByStack), answer));

    // Assess
    expect(eks).not.toHaveReceivedCommand(UpdateClusterConfigCommand);
    expect(logs).not.toHaveReceivedAnyCommand();
    expect(done.IsComplete).toBe(true);
  });

  it('turns authenticator logging off again when this stack turned it on and restoring was asked for', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(clusterLogging('api', 'authenticator'));
    eks.on(UpdateClusterConfigCommand).resolves({ update: { id: 'update-9', status: 'InProgress' } });
    eks.on(DescribeUpdateCommand).resolves({ update: { id: 'update-9', status: 'Successful' } });
    const event = deleteEvent(enabledByStack, { RestoreLoggingOnDelete: 'true' });

    // Act
    const answer = await onEvent(event);
    const done = await isComplete(completeEvent(event, answer));

    // Assess
    expect(eks).toHaveReceivedCommandWith(UpdateClusterConfigCommand, {
      name: CLUSTER,
      logging: { clusterLogging: [{ types: ['authenticator'], enabled: false }] },
    });
    expect(done.IsComplete).toBe(true);
  });

  it('leaves logging on when it was already on before this stack, even with restoring asked for', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(clusterLogging('authenticator'));

    // Act
    await onEvent(deleteEvent(leftAsFound, { RestoreLoggingOnDelete: 'true' }));

    // Assess
    expect(eks).not.toHaveReceivedCommand(UpdateClusterConfigCommand);
  });

  it('succeeds when the cluster is already gone', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .rejects(new ResourceNotFoundException({ message: 'No cluster found', ...meta }));

    // Act
    const answer = await onEvent(deleteEvent(enabledByStack, { RestoreLoggingOnDelete: 'true' }));

    // Assess
    expect(answer).toEqual({ PhysicalResourceId: enabledByStack });
    expect(eks).not.toHaveReceivedCommand(UpdateClusterConfigCommand);
  });

  it('does nothing for the physical ID of a create that failed', async () => {
    // Prepare
    const failedCreateId = 'AuthenticatorLogging-request-1';

    // Act
    const answer = await onEvent(deleteEvent(failedCreateId, { RestoreLoggingOnDelete: 'true' }));

    // Assess
    expect(answer).toEqual({ PhysicalResourceId: failedCreateId });
    expect(eks).not.toHaveReceivedAnyCommand();
  });
});
