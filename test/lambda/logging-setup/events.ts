import type { IsCompleteRequest, OnEventRequest } from '../../../lambda/logging-setup/provider-events';

/** Test fixtures: Provider-framework events for one `Custom::AuthenticatorLogging` resource. */
export const CLUSTER = 'prod-eks';
export const LOG_GROUP = `/aws/eks/${CLUSTER}/cluster`;
export const OUR_FILTER = 'eks-auth-doctor-EksAuthDoctor';

export interface PropertyOverrides {
  readonly ManageLogging?: string;
  readonly RestoreLoggingOnDelete?: string;
  readonly ClusterName?: string;
}

function properties(overrides: PropertyOverrides = {}) {
  return {
    ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider',
    ClusterName: CLUSTER,
    LogGroupName: LOG_GROUP,
    LogRetentionDays: '30',
    SubscriptionFilterName: OUR_FILTER,
    ManageLogging: 'true',
    RestoreLoggingOnDelete: 'false',
    ...overrides,
  };
}

const common = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider',
  ResponseURL: 'https://127.0.0.1/response',
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/EksAuthDoctor/1',
  RequestId: 'request-1',
  LogicalResourceId: 'AuthenticatorLogging',
  ResourceType: 'Custom::AuthenticatorLogging',
};

export function createEvent(overrides?: PropertyOverrides): OnEventRequest {
  return { ...common, RequestType: 'Create', ResourceProperties: properties(overrides) };
}

export function updateEvent(physicalId: string, overrides?: PropertyOverrides): OnEventRequest {
  return {
    ...common,
    RequestType: 'Update',
    PhysicalResourceId: physicalId,
    ResourceProperties: properties(overrides),
    OldResourceProperties: properties(),
  };
}

export function deleteEvent(physicalId: string, overrides?: PropertyOverrides): OnEventRequest {
  return {
    ...common,
    RequestType: 'Delete',
    PhysicalResourceId: physicalId,
    ResourceProperties: properties(overrides),
  };
}

/** What the framework hands `isComplete`: the event plus `onEvent`'s answer. */
export function completeEvent(
  event: OnEventRequest,
  answer: { PhysicalResourceId: string; Data?: Readonly<Record<string, string>> },
): IsCompleteRequest {
  return { ...event, ...answer } as IsCompleteRequest;
}
