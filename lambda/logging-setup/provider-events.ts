import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/**
 * The shapes the CDK Provider framework exchanges with a user handler: `onEvent` answers with a physical
 * ID and data; `isComplete` is then called with the event plus that answer until it says complete.
 */
export type OnEventRequest = CloudFormationCustomResourceEvent;

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

export type IsCompleteRequest = CloudFormationCustomResourceEvent & {
  readonly PhysicalResourceId: string;
  readonly Data?: Readonly<Record<string, unknown>>;
};

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Readonly<Record<string, string>>;
}
