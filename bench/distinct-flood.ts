import { performance } from 'node:perf_hooks';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import { SDK_CLIENT_DEFAULTS } from '../lambda/common/sdk-clients';
import { LiveContextSource } from '../lambda/context/context-source';
import { EksLookup } from '../lambda/context/eks-lookup';
import { LogHistoryLookup } from '../lambda/context/log-history';
import { clusterLogGroupName } from '../lambda/contract';
import { DynamoDbDedupStore } from '../lambda/dedup/dynamodb-store';
import { SnsSink, snsPublisher } from '../lambda/delivery/sns';
import { RecordingObservability } from '../lambda/observability/observability';
import { createDiagnoseHandler } from '../lambda/pipeline/handler';
import {
  encodeSubscriptionData,
  MAX_PAYLOAD_BYTES,
  subscriptionPayload,
} from '../lambda/subscription/encode';
import { startLocalDynamoDb } from '../test/helpers/local-dynamodb';
import { HANDLER_ENV, localAws } from './handler-bench';
import { median } from './median';

/** The deployed function's timeout, which the handler's time checks count down from. */
const TIMEOUT_MS = 60_000;
const LINES = 3_000;
const START = Date.parse('2026-11-24T00:00:00Z');

/**
 * `handler_distinct_flood_s`: one 1 MB subscription payload of 3,000 distinct forged lines (each a
 * new forged hostname (most of them), token date or STS RequestId, each from its own client address: what anonymous
 * clients can send) through the real handler with its dedup state in DynamoDB (dynalite on
 * 127.0.0.1, a fresh table per run), AWS otherwise answered in process; seconds end to end, median of
 * `runs`. The handler gets a Lambda context counting down from 60 s, so it runs its time checks as
 * deployed; a run that left work for a retry fails the bench instead of printing a figure.
 */
export async function benchDistinctFlood(runs = 3): Promise<Record<string, number>> {
  const dynamodb = await startLocalDynamoDb();
  try {
    const data = distinctFloodPayload();
    // The diagnosis function's client settings, on a request handler that answers in process.
    const config = {
      ...SDK_CLIENT_DEFAULTS,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
      requestHandler: localAws as never,
    };
    const seconds: number[] = [];
    for (let run = 0; run < runs; run++) {
      const now = () => Date.parse('2026-11-24T00:05:00Z');
      const handler = createDiagnoseHandler({
        settings: { windowMs: 3_600_000, cap: 20 },
        store: new DynamoDbDedupStore(dynamodb.client, await dynamodb.createTable()),
        context: new LiveContextSource(
          new EksLookup(new EKSClient(config)),
          new LogHistoryLookup(new CloudWatchLogsClient(config)),
          300_000,
          now,
        ),
        sinks: [new SnsSink(snsPublisher(new SNSClient(config)), HANDLER_ENV.TOPIC_ARN)],
        observability: new RecordingObservability(),
        now,
      });
      const started = performance.now();
      const context = { getRemainingTimeInMillis: () => TIMEOUT_MS - (performance.now() - started) };
      const result = await handler({ awslogs: { data } }, context);
      seconds.push((performance.now() - started) / 1000);
      if (result.messages.length === 0) throw new Error('the distinct flood sent no probe-activity alert');
    }
    return { handler_distinct_flood_s: Math.round(median(seconds) * 100) / 100 };
  } finally {
    await dynamodb.close();
  }
}

/** 3,000 distinct forged lines, padded (a longer forged hostname) to fill one 1 MB payload. */
export function distinctFloodPayload(): string {
  const lines = (pad: number) => Array.from({ length: LINES }, (_, i) => forgedLine(i, pad));
  const size = (messages: readonly string[]) =>
    300 +
    messages.reduce((sum, message, i) => sum + Buffer.byteLength(JSON.stringify(event(i, message))) + 1, 0);
  // Only the hostname lines are padded; 1 % room for rounding.
  const unpadded = lines(0);
  const hosts = unpadded.filter((line) => line.includes('unexpected hostname')).length;
  const deficit = MAX_PAYLOAD_BYTES * 0.99 - size(unpadded);
  if (deficit < 0)
    throw new Error(`3,000 distinct forged lines take ${size(unpadded)} bytes, over one payload`);
  const pad = Math.floor(deficit / hosts);
  const messages = lines(pad);
  if (size(messages) > MAX_PAYLOAD_BYTES) throw new Error('the distinct flood does not fit one payload');
  const payload = subscriptionPayload(
    clusterLogGroupName('bench'),
    'authenticator-0123456789abcdef',
    messages.map((message, i) => event(i, message)),
    '111122223333',
  );
  return encodeSubscriptionData(payload);
}

function event(i: number, message: string): CloudWatchLogsLogEvent {
  return { id: String(i).padStart(56, '0'), timestamp: START + i * 20, message };
}

/** Line `i`: a probe anyone can send, with text of its own. */
function forgedLine(i: number, pad: number): string {
  const time = new Date(START + i * 20).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const client = `10.${(i >> 8) & 255}.${i & 255}.1:443`;
  const requestId = `${hex(i, 8)}-${hex(i * 7, 4)}-4${hex(i * 13, 3)}-a${hex(i * 31, 3)}-${hex(i * 97, 12)}`;
  const sts = (code: string) =>
    `sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: {"Error":{"Code":"${code}","Message":"The security token included in the request is invalid.","Type":"Sender"},"RequestId":"${requestId}"}`;
  // Mostly forged hostnames (the shortest probe line: 3,000 of them fit one payload), with new
  // token dates and STS RequestIds among them.
  let error = `input token was not properly formatted: unexpected hostname "${'x'.repeat(pad)}${hex(i, 6)}.x" in pre-signed URL`;
  if (i % 50 === 0) error = sts(i % 100 === 0 ? 'InvalidClientTokenId' : 'SignatureDoesNotMatch');
  else if (i % 5 === 1)
    error = `input token was not properly formatted: X-Amz-Date parameter is expired (15 minute expiration) ${new Date(
      START - (i + 20) * 60_000,
    )
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, ' +0000 UTC')}`;
  return `time="${time}" level=warning msg="access denied" client="${client}" error=${JSON.stringify(error)} method=POST path=/authenticate`;
}

function hex(value: number, width: number): string {
  return (Math.imul(value + 1, 2_654_435_761) >>> 0).toString(16).padStart(width, '0').slice(-width);
}
