import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EKSClient } from '@aws-sdk/client-eks';
import {
  describeCluster,
  findCluster,
  isAuthenticatorLogged,
  isUpdateDone,
  type LoggingChange,
  setAuthenticatorLogging,
} from './cluster-logging';
import { ClusterNotFoundError } from './errors';
import { ensureLogGroup } from './log-group';
import { type LoggingRecord, physicalIdOf, recordOf } from './logging-record';
import { type LoggingSetupRequest, readLoggingSetupRequest } from './properties';
import type {
  IsCompleteRequest,
  IsCompleteResponse,
  OnEventRequest,
  OnEventResponse,
} from './provider-events';
import { assertSubscriptionSlot } from './subscription-slot';

/** The AWS clients and the region the set-up runs against. */
export interface LoggingSetupDeps {
  readonly eks: EKSClient;
  readonly logs: CloudWatchLogsClient;
  readonly region: string;
}

/**
 * `onEvent`: does every check first, then changes as little as possible.
 *
 * Create/update: the cluster must exist; our subscription filter must fit on its log group; the log group
 * is created if EKS has not yet; `authenticator` is switched on only if it is off. Delete: the cluster and
 * the log group stay as they are, unless this stack switched logging on and was told to restore it.
 */
export async function applyLoggingSetup(
  event: OnEventRequest,
  deps: LoggingSetupDeps,
): Promise<OnEventResponse> {
  const request = readLoggingSetupRequest(event.ResourceProperties);
  if (event.RequestType === 'Delete') return restoreOnDelete(event.PhysicalResourceId, request, deps);

  const cluster = await describeCluster(deps.eks, request.clusterName, deps.region);
  await assertSubscriptionSlot(deps.logs, request.logGroupName, request.subscriptionFilterName);
  const logGroup = await ensureLogGroup(deps.logs, request.logGroupName, request.logRetentionDays);

  if (!request.manageLogging) {
    return answer(
      { clusterName: request.clusterName, enabledByStack: false },
      logGroup,
      'owned-by-cluster-construct',
    );
  }
  if (isAuthenticatorLogged(cluster)) {
    // Logging we switched on earlier stays ours, even though it is on now.
    const previous = event.RequestType === 'Update' ? recordOf(event.PhysicalResourceId) : undefined;
    const enabledByStack = previous?.clusterName === request.clusterName && previous.enabledByStack;
    return answer({ clusterName: request.clusterName, enabledByStack }, logGroup, 'already-enabled');
  }
  const change = await setAuthenticatorLogging(deps.eks, request.clusterName, true);
  return answer(
    { clusterName: request.clusterName, enabledByStack: true },
    logGroup,
    'enabled-by-stack',
    change,
    'on',
  );
}

/**
 * `isComplete`: waits for the update `onEvent` started (`DescribeUpdate`), or, when the cluster was busy
 * with another update, keeps asking until it can make its own change.
 */
export async function isLoggingSetupComplete(
  event: IsCompleteRequest,
  deps: LoggingSetupDeps,
): Promise<IsCompleteResponse> {
  const request = readLoggingSetupRequest(event.ResourceProperties);
  const updateId = stringData(event, 'UpdateId');
  if (updateId) return { IsComplete: await isUpdateDone(deps.eks, request.clusterName, updateId) };

  const pending = stringData(event, 'PendingState');
  if (pending !== 'on' && pending !== 'off') return { IsComplete: true };
  const wanted = pending === 'on';
  const cluster = await findCluster(deps.eks, request.clusterName);
  if (!cluster) {
    // Deleted meanwhile: nothing left to restore; on create/update that is the operator's error.
    if (event.RequestType === 'Delete') return { IsComplete: true };
    throw new ClusterNotFoundError(request.clusterName, deps.region);
  }
  if (isAuthenticatorLogged(cluster) === wanted) return { IsComplete: true };
  // A change started here is not remembered; the next poll sees it in DescribeCluster once it is done.
  const change = await setAuthenticatorLogging(deps.eks, request.clusterName, wanted);
  return { IsComplete: change.kind === 'unchanged' };
}

async function restoreOnDelete(
  physicalId: string,
  request: LoggingSetupRequest,
  deps: LoggingSetupDeps,
): Promise<OnEventResponse> {
  const record = recordOf(physicalId);
  const unchanged: OnEventResponse = { PhysicalResourceId: physicalId };
  if (!record?.enabledByStack || !request.restoreLoggingOnDelete) return unchanged;
  const cluster = await findCluster(deps.eks, record.clusterName);
  if (!cluster || !isAuthenticatorLogged(cluster)) return unchanged;
  const change = await setAuthenticatorLogging(deps.eks, record.clusterName, false);
  return { PhysicalResourceId: physicalId, Data: pendingData(change, 'off') };
}

function answer(
  record: LoggingRecord,
  logGroup: 'created' | 'existed',
  authenticatorLogging: string,
  change?: LoggingChange,
  wanted?: 'on' | 'off',
): OnEventResponse {
  return {
    PhysicalResourceId: physicalIdOf(record),
    Data: {
      LogGroup: logGroup,
      AuthenticatorLogging: authenticatorLogging,
      ...(change && wanted ? pendingData(change, wanted) : {}),
    },
  };
}

function pendingData(change: LoggingChange, wanted: 'on' | 'off'): Record<string, string> {
  if (change.kind === 'started') return { UpdateId: change.updateId };
  if (change.kind === 'busy') return { PendingState: wanted };
  return {};
}

function stringData(event: IsCompleteRequest, key: string): string | undefined {
  const value = event.Data?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
