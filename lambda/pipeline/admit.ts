import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import { shortId } from '../dedup/flood-control';
import type { Observability } from '../observability/observability';
import { decodeSubscriptionData, isLogEvent, ownerAccountOf } from '../subscription/decode';
import { clusterNameOf, isAuthenticatorStream } from '../subscription/log-source';

/** A subscription payload worth diagnosing: authenticator lines of one stream of one cluster. */
export interface AdmittedBatch {
  /** From the log group name, which EKS chose: trusted. */
  readonly cluster: string;
  readonly logStream: string;
  /** At least one; each with an ID, a timestamp and a message. */
  readonly events: readonly CloudWatchLogsLogEvent[];
  /** The same events give the same ID: how a retried invocation is recognised. */
  readonly batchId: string;
  /** The payload's `owner`: the account the log group, and so the cluster, is in (when 12 digits). */
  readonly owner?: string;
}

/**
 * The first step: decode `awslogs.data` and keep only what the engine should read — data messages of
 * an authenticator stream, from a log group named `/aws/eks/<cluster>/cluster`, events with the
 * fields the pipeline relies on. `undefined` when nothing is left; what was bad is logged and counted,
 * never thrown.
 */
export function admit(data: unknown, observability: Observability): AdmittedBatch | undefined {
  const decoded = decodeSubscriptionData(data);
  if (!decoded.ok) {
    observability.malformed(1, decoded.reason);
    return undefined;
  }
  const payload = decoded.data;
  if (payload.messageType === 'CONTROL_MESSAGE' || !isAuthenticatorStream(payload.logStream))
    return undefined;
  const cluster = clusterNameOf(payload.logGroup);
  if (cluster === undefined) {
    observability.malformed(
      1,
      `log group ${JSON.stringify(payload.logGroup.slice(0, 300))} is not /aws/eks/<cluster>/cluster`,
    );
    return undefined;
  }
  const events = payload.logEvents.filter(isLogEvent);
  if (events.length < payload.logEvents.length) {
    observability.malformed(
      payload.logEvents.length - events.length,
      'log events without id, timestamp (whole epoch ms a Date can hold) or message',
    );
  }
  if (events.length === 0) return undefined;
  const batchId = batchIdOf(payload.logGroup, payload.logStream, events);
  return { cluster, logStream: payload.logStream, events, batchId, owner: ownerAccountOf(payload) };
}

/**
 * The identity of a subscription payload for retries: the same events give the same ID. Event IDs
 * are unique per log group, so the first and last with the count and stream pin the batch down.
 */
function batchIdOf(logGroup: string, logStream: string, events: readonly CloudWatchLogsLogEvent[]): string {
  const first = events[0]?.id ?? '';
  const last = events.at(-1)?.id ?? '';
  return shortId(`${logGroup}\n${logStream}\n${first}\n${last}\n${events.length}`);
}
