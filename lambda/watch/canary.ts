import {
  type CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import { hasErrorName } from '../common/error-names';
import { CANARY_MARKER, CANARY_STREAM_PREFIX, clusterLogGroupName } from '../contract';

/**
 * The canary: a dead man's switch for filter → function → store. On a schedule the sweep writes one
 * marked synthetic denial into an `authenticator-canary-<day>` stream of each cluster log group; the
 * subscription filter passes it (it is an ordinary `access denied`), the function recognises it, sends
 * nothing and counts it (`CanarySeen`); the stack's alarm fires when none came back for two periods.
 *
 * Recognition needs both the stream and the marker, as the self-test's does: the stream name is chosen
 * by whoever calls PutLogEvents (EKS, or this function), never by a client of the cluster.
 */

/** One stream per day keeps the group's stream list short; events expire with the group's retention. */
export function canaryStreamName(now: number): string {
  return `${CANARY_STREAM_PREFIX}${new Date(now).toISOString().slice(0, 10)}`;
}

/** The canary line, in the authenticator's own format. */
export function canaryLine(now: number): string {
  const stamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `time="${stamp}" level=warning msg="access denied" client="127.0.0.1:0" error="${CANARY_MARKER} ${now}" method=POST path=/authenticate`;
}

export function isCanaryStream(logStream: string): boolean {
  return logStream.startsWith(CANARY_STREAM_PREFIX);
}

/** Canary lines of a canary stream's batch; anything else in such a stream is not a canary. */
export function countCanaries(events: readonly CloudWatchLogsLogEvent[]): number {
  return events.filter((event) => event.message.includes(`error="${CANARY_MARKER} `)).length;
}

/** Writes one canary line; creates the day's stream first when it is not there yet. */
export async function writeCanary(
  logs: CloudWatchLogsClient,
  clusterName: string,
  now: number,
): Promise<void> {
  const logGroupName = clusterLogGroupName(clusterName);
  const logStreamName = canaryStreamName(now);
  try {
    await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  } catch (error) {
    if (!hasErrorName(error, 'ResourceAlreadyExistsException')) throw error;
  }
  await logs.send(
    new PutLogEventsCommand({
      logGroupName,
      logStreamName,
      logEvents: [{ timestamp: now, message: canaryLine(now) }],
    }),
  );
}
