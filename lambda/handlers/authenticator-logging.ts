import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import {
  applyLoggingSetup,
  isLoggingSetupComplete,
  type LoggingSetupDeps,
} from '../logging-setup/logging-setup';
import type {
  IsCompleteRequest,
  IsCompleteResponse,
  OnEventRequest,
  OnEventResponse,
} from '../logging-setup/provider-events';

/**
 * The `Custom::AuthenticatorLogging` handler (CDK Provider framework): turns on the `authenticator`
 * control-plane log of an existing EKS cluster and prepares its log group for our subscription filter.
 * The logic lives in `lambda/logging-setup`; this file only builds the clients.
 */
// A deliberate cache: one set of clients per Lambda execution environment.
let deps: LoggingSetupDeps | undefined;

function clients(): LoggingSetupDeps {
  deps ??= {
    eks: new EKSClient({}),
    logs: new CloudWatchLogsClient({}),
    region: process.env.AWS_REGION ?? 'the deployment region',
    now: Date.now,
  };
  return deps;
}

export const onEvent = (event: OnEventRequest): Promise<OnEventResponse> =>
  applyLoggingSetup(event, clients());

export const isComplete = (event: IsCompleteRequest): Promise<IsCompleteResponse> =>
  isLoggingSetupComplete(event, clients());
