import type { SWEEP_INPUT } from '../contract';
import { DeliveryError, type TimeBudget, UNLIMITED_BUDGET } from '../delivery/sink';
import type { PipelineDeps, StepResult } from './deps';
import { processSubscription } from './process-subscription';
import { runSweep } from './sweep';

/** The part of the Lambda context the pipeline uses. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  /** The function's own ARN: its account is the cluster's when the payload does not say (Lambda always sets it). */
  readonly invokedFunctionArn?: string;
}

/** What an invocation did (returned for tests and replay; Lambda ignores it for async events). */
export interface InvocationResult extends StepResult {
  readonly kind: 'subscription' | 'sweep' | 'ignored';
}

/**
 * The diagnosis function: CloudWatch Logs subscription events (`{ awslogs: { data } }`) and the
 * scheduled dedup sweep (`{ sweep: true }`) share one function, one table and one set of sinks.
 *
 * Bad input never throws (it is logged and counted). A delivery that still fails after the sinks'
 * retries fails the invocation, after metrics are flushed, so Lambda's async retries and the
 * on-failure destination keep the event; the retry re-sends only what did not go out.
 *
 * @example
 * export const handler = createDiagnoseHandler(deps); // deps built once per execution environment
 */
export function createDiagnoseHandler(deps: PipelineDeps) {
  return async (event: unknown, context?: InvocationContext): Promise<InvocationResult> => {
    const budget: TimeBudget = context
      ? { remainingMs: () => context.getRemainingTimeInMillis() }
      : UNLIMITED_BUDGET;
    let result: InvocationResult;
    try {
      if (isSubscriptionEvent(event)) {
        result = {
          kind: 'subscription',
          ...(await processSubscription(event.awslogs.data, deps, budget, context?.invokedFunctionArn)),
        };
      } else if (isSweepEvent(event)) {
        result = { kind: 'sweep', ...(await runSweep(deps, budget)) };
      } else {
        deps.observability.malformed(
          1,
          'the event is neither a CloudWatch Logs subscription nor {"sweep": true}',
        );
        result = { kind: 'ignored', messages: [], failures: [] };
      }
    } finally {
      deps.observability.flush();
    }
    if ((result.deferred ?? 0) > 0) {
      throw new TimeShortError(
        `${result.deferred} problems were left undecided for Lambda's retry: the invocation ran short of time (what was decided went out${result.failures.length > 0 ? `, except ${result.failures.length} messages` : ''})`,
      );
    }
    if (result.failures.length > 0) {
      const sinks = [...new Set(result.failures.map((failure) => failure.sink.kind))].join(' and ');
      const first = result.failures[0]?.reason ?? '';
      throw new DeliveryError(
        `${result.failures.length} of ${result.messages.length} messages could not be delivered to ${sinks} (first: ${first}); Lambda will retry the event and re-send only what did not go out`,
      );
    }
    return result;
  };
}

/** The invocation ran short of time and left work for Lambda's retry (nothing was counted twice or lost). */
export class TimeShortError extends Error {
  override readonly name = 'TimeShortError';
}

function isSubscriptionEvent(event: unknown): event is { awslogs: { data: unknown } } {
  return (
    typeof event === 'object' &&
    event !== null &&
    'awslogs' in event &&
    typeof event.awslogs === 'object' &&
    event.awslogs !== null
  );
}

function isSweepEvent(event: unknown): event is typeof SWEEP_INPUT {
  return typeof event === 'object' && event !== null && 'sweep' in event && event.sweep === true;
}
