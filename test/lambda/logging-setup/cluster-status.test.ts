import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeSubscriptionFiltersCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  type ClusterStatus,
  DescribeClusterCommand,
  EKSClient,
  type LogType,
  UpdateClusterConfigCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  applyLoggingSetup,
  isLoggingSetupComplete,
  type LoggingSetupDeps,
} from '../../../lambda/logging-setup/logging-setup';
import { CLUSTER, completeEvent, createEvent } from './events';

const eks = mockClient(EKSClient);
const logs = mockClient(CloudWatchLogsClient);
const T0 = Date.UTC(2024, 4, 1, 14, 0);
const clock = { now: T0 };

function deps(region = 'eu-west-1'): LoggingSetupDeps {
  return {
    eks: new EKSClient({ region }),
    logs: new CloudWatchLogsClient({ region }),
    region,
    now: () => clock.now,
  };
}

function cluster(status: ClusterStatus, ...enabled: LogType[]) {
  return {
    cluster: {
      name: CLUSTER,
      status,
      logging: { clusterLogging: [{ types: enabled, enabled: true }] },
    },
  };
}

beforeEach(() => {
  eks.reset();
  logs.reset();
  clock.now = T0;
  logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [] });
  logs
    .on(CreateLogGroupCommand)
    .rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));
  eks.on(UpdateClusterConfigCommand).resolves({ update: { id: 'update-1', status: 'InProgress' } });
});

describe('the cluster status, checked before anything is changed', () => {
  it('enables logging at once on an ACTIVE cluster', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(cluster('ACTIVE'));

    // Act
    const answer = await applyLoggingSetup(createEvent(), deps());

    // Assess
    expect(answer.Data?.UpdateId).toBe('update-1');
    expect(eks).toHaveReceivedCommandTimes(UpdateClusterConfigCommand, 1);
  });

  it.each(['CREATING', 'UPDATING', 'PENDING'] as const)(
    'waits for a %s cluster instead of asking EKS for a change it refuses',
    async (status) => {
      // Prepare
      eks.on(DescribeClusterCommand).resolves(cluster(status));

      // Act
      const answer = await applyLoggingSetup(createEvent(), deps());
      clock.now = T0 + 10 * 60_000;
      const stillWaiting = await isLoggingSetupComplete(completeEvent(createEvent(), answer), deps());

      // Assess
      expect(answer.Data).toMatchObject({ PendingState: 'on', WaitStartedAt: String(T0) });
      expect(stillWaiting).toEqual({ IsComplete: false });
      expect(eks).toHaveReceivedCommandTimes(UpdateClusterConfigCommand, 0);
    },
  );

  it('makes the change once the waited-for cluster is ACTIVE', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolvesOnce(cluster('UPDATING')).resolves(cluster('ACTIVE'));
    const answer = await applyLoggingSetup(createEvent(), deps());

    // Act
    const poll = await isLoggingSetupComplete(completeEvent(createEvent(), answer), deps());

    // Assess
    expect(poll).toEqual({ IsComplete: false });
    expect(eks).toHaveReceivedCommandWith(UpdateClusterConfigCommand, {
      name: CLUSTER,
      logging: { clusterLogging: [{ types: ['authenticator'], enabled: true }] },
    });
  });

  it('gives up with the reason, the status and the command to check, before the Provider times out', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(cluster('UPDATING'));
    const answer = await applyLoggingSetup(createEvent(), deps());
    clock.now = T0 + 41 * 60_000;

    // Act
    const poll = isLoggingSetupComplete(completeEvent(createEvent(), answer), deps());

    // Assess
    await expect(poll).rejects.toThrow(
      `EKS cluster "${CLUSTER}" is still UPDATING after 41 minutes, the longest this deployment waits. ` +
        `Deploy again once "aws eks describe-cluster --name ${CLUSTER} --query cluster.status" says ACTIVE.`,
    );
  });

  it('needs no wait when logging is already on, whatever the cluster is doing', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(cluster('UPDATING', 'authenticator'));

    // Act
    const answer = await applyLoggingSetup(createEvent(), deps());

    // Assess
    expect(answer.Data).toEqual({ LogGroup: 'existed', AuthenticatorLogging: 'already-enabled' });
  });

  it('fails a FAILED cluster naming it, before touching the log group', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(cluster('FAILED'));

    // Act
    const setup = applyLoggingSetup(createEvent(), deps());

    // Assess
    await expect(setup).rejects.toThrow(
      `EKS cluster "${CLUSTER}" is in status FAILED: EKS cannot change its logging.`,
    );
    expect(logs).toHaveReceivedCommandTimes(CreateLogGroupCommand, 0);
    expect(eks).toHaveReceivedCommandTimes(UpdateClusterConfigCommand, 0);
  });

  it('fails a DELETING cluster naming it and what to do', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(cluster('DELETING'));

    // Act
    const setup = applyLoggingSetup(createEvent(), deps());

    // Assess
    await expect(setup).rejects.toThrow(
      `EKS cluster "${CLUSTER}" is being deleted (status DELETING). Remove it from the "clusters" setting, then deploy again.`,
    );
  });

  it('fails when the cluster turns FAILED while waited for', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolvesOnce(cluster('CREATING')).resolves(cluster('FAILED'));
    const answer = await applyLoggingSetup(createEvent(), deps());

    // Act
    const poll = isLoggingSetupComplete(completeEvent(createEvent(), answer), deps());

    // Assess
    await expect(poll).rejects.toThrow(/is in status FAILED/);
  });
});

describe('a configured Chatbot channel', () => {
  it('fails the deployment to a region without AWS Chatbot with the reason and the alternative, before any change', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(cluster('ACTIVE'));
    const event = createEvent();
    const withChatbot = {
      ...event,
      ResourceProperties: { ...event.ResourceProperties, ChatbotConfigured: 'true' },
    } as typeof event;

    // Act
    const setup = applyLoggingSetup(withChatbot, deps('cn-northwest-1'));

    // Assess
    await expect(setup).rejects.toThrow(
      /^AWS Chatbot is not available in cn-northwest-1 \(partition aws-cn\).*"slackWebhookSecretName"/,
    );
    expect(eks).toHaveReceivedCommandTimes(UpdateClusterConfigCommand, 0);
    expect(logs).toHaveReceivedCommandTimes(CreateLogGroupCommand, 0);
  });

  it('deploys where Chatbot exists', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves(cluster('ACTIVE', 'authenticator'));
    const event = createEvent();
    const withChatbot = {
      ...event,
      ResourceProperties: { ...event.ResourceProperties, ChatbotConfigured: 'true' },
    } as typeof event;

    // Act
    const answer = await applyLoggingSetup(withChatbot, deps('eu-west-1'));

    // Assess
    expect(answer.Data?.AuthenticatorLogging).toBe('already-enabled');
  });
});
