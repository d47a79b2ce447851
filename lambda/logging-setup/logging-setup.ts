import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EKSClient } from '@aws-sdk/client-eks';
import { chatbotUnavailableReason } from '../contract';
import {
  assertUsable,
  describeCluster,
  findCluster,
  isAuthenticatorLogged,
  isUpdateDone,
  type LoggingChange,
  readinessOf,
  setAuthenticatorLogging,
} from './cluster-logging';
import { ChatbotRegionError, ClusterNotFoundError, ClusterNotReadyError } from './errors';
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
  /** Epoch ms; how long a CREATING/UPDATING cluster has been waited for. */
  readonly now: () => number;
}

/**
 * `onEvent`: does every check first, then changes as little as possible.
 *
 * Create/update: the cluster must exist and not be FAILED or DELETING; a configured Chatbot channel must
 * be in a region with AWS Chatbot; our subscription filter must fit on its log group; the log group is
 * created if EKS has not yet; `authenticator` is switched on only if it is off — at once when the cluster
 * is ACTIVE, by `isComplete` once a CREATING/UPDATING cluster is (within the wait limit). Delete: the cluster and
 * the log group stay as they are, unless this stack switched logging on and was told to restore it.
 */
export async function applyLoggingSetup(
  event: OnEventRequest,
  deps: LoggingSetupDeps,
): Promise<OnEventResponse> {
  const request = readLoggingSetupRequest(event.ResourceProperties);
  if (event.RequestType === 'Delete') return restoreOnDelete(event.PhysicalResourceId, request, deps);

  // Every check before any change: the cluster, its state, Chatbot's region, the filter quota.
  const cluster = await describeCluster(deps.eks, request.clusterName, deps.region);
  assertUsable(cluster, request.clusterName);
  if (request.chatbotConfigured) {
    const reason = chatbotUnavailableReason(deps.region);
    if (reason) throw new ChatbotRegionError(reason);
  }
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
  // CREATING/UPDATING clusters refuse the change; isComplete makes it once the cluster is ACTIVE.
  const change: LoggingChange =
    readinessOf(cluster) === 'wait'
      ? { kind: 'busy' }
      : await setAuthenticatorLogging(deps.eks, request.clusterName, true);
  return answer(
    { clusterName: request.clusterName, enabledByStack: true },
    logGroup,
    'enabled-by-stack',
    change,
    'on',
    deps.now(),
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
  if (event.RequestType !== 'Delete') assertUsable(cluster, request.clusterName);
  if (isAuthenticatorLogged(cluster) === wanted) return { IsComplete: true };
  const startedAt = Number(stringData(event, 'WaitStartedAt') ?? Number.NaN);
  const waited = Number.isFinite(startedAt) ? deps.now() - startedAt : 0;
  if (event.RequestType !== 'Delete' && waited > request.waitLimitSeconds * 1000) {
    throw new ClusterNotReadyError(
      request.clusterName,
      cluster.status ?? 'busy',
      Math.round(waited / 60_000),
    );
  }
  if (readinessOf(cluster) === 'wait') return { IsComplete: false };
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
  now?: number,
): OnEventResponse {
  return {
    PhysicalResourceId: physicalIdOf(record),
    Data: {
      LogGroup: logGroup,
      AuthenticatorLogging: authenticatorLogging,
      ...(change && wanted ? pendingData(change, wanted, now) : {}),
    },
  };
}

function pendingData(change: LoggingChange, wanted: 'on' | 'off', now?: number): Record<string, string> {
  if (change.kind === 'started') return { UpdateId: change.updateId };
  if (change.kind === 'busy') {
    return { PendingState: wanted, ...(now === undefined ? {} : { WaitStartedAt: String(now) }) };
  }
  return {};
}

function stringData(event: IsCompleteRequest, key: string): string | undefined {
  const value = event.Data?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
