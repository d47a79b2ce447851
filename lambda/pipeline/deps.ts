import type { ContextSource } from '../context/context-source';
import type { FloodControlSettings } from '../dedup/flood-control';
import type { DedupStore } from '../dedup/store';
import type { DeliveryFailure, OutgoingMessage } from '../delivery/deliver';
import type { Sink } from '../delivery/sink';
import type { Observability } from '../observability/observability';
import type { SelfWatch } from '../watch';

/**
 * What the diagnosis handler works with. The deployed function wires DynamoDB, EKS, CloudWatch Logs,
 * SNS and Slack (`handlers/diagnose.ts`); replay wires memory and recording sinks — same code path.
 */
export interface PipelineDeps {
  readonly settings: FloodControlSettings;
  readonly store: DedupStore;
  readonly context: ContextSource;
  readonly sinks: readonly Sink[];
  readonly observability: Observability;
  /** Epoch ms; injected so windows close in tests and replay without waiting. */
  readonly now: () => number;
  /** The cluster creator the stack was told (`creatorArn`); absent = learned from the log, if at all. */
  readonly creatorArn?: string;
  /** The pipeline watching itself (blindness check, canary); absent in replay. */
  readonly selfWatch?: SelfWatch;
}

/** What one step (a subscription batch, a sweep) sent and what failed to go out. */
export interface StepResult {
  readonly messages: readonly OutgoingMessage[];
  readonly failures: readonly DeliveryFailure[];
  /** Problems left undecided because time ran short: the invocation fails so Lambda retries them. */
  readonly deferred?: number;
}
