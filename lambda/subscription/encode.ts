import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsDecodedData, CloudWatchLogsLogEvent } from 'aws-lambda';

/** CloudWatch Logs delivers up to 1 MB (uncompressed) of events per subscription payload. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** And at most 10,000 events, the PutLogEvents batch limit. */
export const MAX_PAYLOAD_EVENTS = 10_000;

/** `awslogs.data` as CloudWatch Logs sends it: JSON → gzip → base64. For replay, tests and the bench. */
export function encodeSubscriptionData(data: CloudWatchLogsDecodedData): string {
  return gzipSync(JSON.stringify(data)).toString('base64');
}

/** The `owner` of a payload whose account is not known (replay without `--account`): read as unknown. */
export const UNKNOWN_OWNER = '000000000000';

/** A DATA_MESSAGE for one stream, shaped like the real thing. */
export function subscriptionPayload(
  logGroup: string,
  logStream: string,
  logEvents: CloudWatchLogsLogEvent[],
  owner = UNKNOWN_OWNER,
): CloudWatchLogsDecodedData {
  return {
    messageType: 'DATA_MESSAGE',
    owner,
    logGroup,
    logStream,
    subscriptionFilters: ['eks-auth-doctor'],
    logEvents,
  };
}

/**
 * Cuts a stream's events into payloads the way CloudWatch Logs does: one stream per payload, each at
 * most 1 MB of JSON and 10,000 events.
 */
export class PayloadBatcher {
  private events: CloudWatchLogsLogEvent[] = [];
  private bytes = 0;

  /** Adds an event; returns the full batch it closed, if adding it would have overflowed one. */
  add(event: CloudWatchLogsLogEvent): CloudWatchLogsLogEvent[] | undefined {
    // JSON of one event: the message (escapes can double it), id, timestamp and punctuation.
    const size = Buffer.byteLength(JSON.stringify(event.message)) + event.id.length + 48;
    let closed: CloudWatchLogsLogEvent[] | undefined;
    if (
      this.events.length > 0 &&
      (this.bytes + size > MAX_PAYLOAD_BYTES - 512 || this.events.length >= MAX_PAYLOAD_EVENTS)
    ) {
      closed = this.flush();
    }
    this.events.push(event);
    this.bytes += size;
    return closed;
  }

  /** The events not yet handed out (possibly none). */
  flush(): CloudWatchLogsLogEvent[] {
    const events = this.events;
    this.events = [];
    this.bytes = 0;
    return events;
  }
}
