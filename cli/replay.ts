import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import { OfflineContextSource } from '../lambda/context/context-source';
import {
  clusterLogGroupName,
  DEFAULT_ALERT_CAP,
  DEFAULT_DEDUP_WINDOW_MINUTES,
  type DeliverySink,
  SWEEP_INPUT,
  SWEEP_RATE_MINUTES,
} from '../lambda/contract';
import { MemoryDedupStore } from '../lambda/dedup/memory-store';
import type { Sink } from '../lambda/delivery/sink';
import { snsPublishInput } from '../lambda/delivery/sns';
import { parseLine } from '../lambda/engine/parse/parse';
import { renderSlack, type SlackMessage } from '../lambda/engine/render';
import type { Notification } from '../lambda/engine/types';
import { RecordingObservability } from '../lambda/observability/observability';
import { createDiagnoseHandler } from '../lambda/pipeline/handler';
import {
  encodeSubscriptionData,
  PayloadBatcher,
  subscriptionPayload,
  UNKNOWN_OWNER,
} from '../lambda/subscription/encode';

/** One message the deployed pipeline would have sent. */
export type ReplayedMessage =
  | { readonly sink: 'sns'; readonly notification: Notification; readonly publish: PublishCommandInput }
  | { readonly sink: 'slack'; readonly notification: Notification; readonly body: SlackMessage };

/** Replay runs with the deployed defaults of flood control (window and cap). */
export interface ReplayOptions {
  readonly clusterName: string;
  /** The cluster's AWS account (`--account`): tells principals of other accounts apart. */
  readonly accountId?: string;
}

export interface ReplaySummary {
  readonly lines: number;
  readonly payloads: number;
  readonly denials: number;
  readonly malformed: number;
  readonly messages: number;
}

/** The deployed schedule (`rate(5 minutes)`), replayed on the log's own clock. */
const SWEEP_EVERY_MS = SWEEP_RATE_MINUTES * 60_000;
/** The stream replayed lines pretend to come from. */
export const REPLAY_STREAM = 'authenticator-replay';
export const REPLAY_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:eks-auth-doctor-replay';

/**
 * Runs log lines through the deployed handler — the same decode, engine, dedup and flood rules,
 * notifications and renderers — with local stand-ins: an in-memory dedup store (same operations and
 * conditions as the DynamoDB one), no AWS lookups, and sinks that hand each message to `onMessage`
 * instead of sending it.
 *
 * Lines are wrapped as real subscription payloads (gzip + base64, one stream, ≤ 1 MB each). Time is
 * the log's own: the clock follows the lines' timestamps, the sweep runs on the deployed schedule of it, and
 * the end of the input closes every open window, so every denial is accounted for exactly once.
 */
export async function replay(
  lines: AsyncIterable<string>,
  options: ReplayOptions,
  onMessage: (message: ReplayedMessage) => void,
): Promise<ReplaySummary> {
  const windowMs = DEFAULT_DEDUP_WINDOW_MINUTES * 60_000;
  let clock = 0;
  const observability = new RecordingObservability();
  const sinks: Sink[] = [
    recordingSink('sns', (notification) =>
      onMessage({ sink: 'sns', notification, publish: snsPublishInput(REPLAY_TOPIC_ARN, notification) }),
    ),
    recordingSink('slack', (notification) =>
      onMessage({ sink: 'slack', notification, body: renderSlack(notification) }),
    ),
  ];
  const handler = createDiagnoseHandler({
    settings: { windowMs, cap: DEFAULT_ALERT_CAP },
    store: new MemoryDedupStore(),
    context: new OfflineContextSource(
      options.accountId
        ? 'offline replay: EKS and the log group were not asked'
        : "offline replay: EKS and the log group were not asked, and the cluster's account is unknown (pass --account), so principals of other accounts are not told apart",
    ),
    sinks,
    observability,
    now: () => clock,
  });

  const logGroup = clusterLogGroupName(options.clusterName);
  const batcher = new PayloadBatcher();
  let lineCount = 0;
  let payloads = 0;
  let messages = 0;
  let lastSweep = Number.NEGATIVE_INFINITY;
  let fallbackTime = Date.now();
  const run = async (events: CloudWatchLogsLogEvent[]) => {
    if (events.length === 0) return;
    const last = events.at(-1)?.timestamp ?? clock;
    if (last - lastSweep >= SWEEP_EVERY_MS) {
      clock = Math.max(clock, events[0]?.timestamp ?? clock);
      if (lastSweep !== Number.NEGATIVE_INFINITY) messages += (await handler(SWEEP_INPUT)).messages.length;
      lastSweep = clock;
    }
    clock = Math.max(clock, last);
    const data = encodeSubscriptionData(
      subscriptionPayload(logGroup, REPLAY_STREAM, events, options.accountId ?? UNKNOWN_OWNER),
    );
    payloads++;
    messages += (await handler({ awslogs: { data } })).messages.length;
  };

  for await (const line of lines) {
    lineCount++;
    if (line.trim() === '') continue;
    const time = Date.parse(parseLine(line)?.time ?? '');
    const timestamp = Number.isNaN(time) ? fallbackTime : time;
    fallbackTime = timestamp;
    const full = batcher.add({ id: String(lineCount), timestamp, message: line });
    if (full) await run(full);
  }
  await run(batcher.flush());
  // The end of the input is the end of time: every window and digest closes.
  clock += windowMs + SWEEP_EVERY_MS;
  messages += (await handler(SWEEP_INPUT)).messages.length;

  return {
    lines: lineCount,
    payloads,
    denials: observability.totals.denials,
    malformed: observability.totals.malformed,
    messages,
  };
}

/** A sink that records instead of sending, built on the same message builders as the real sinks. */
function recordingSink(kind: DeliverySink, record: (notification: Notification) => void): Sink {
  return {
    id: kind === 'sns' ? `sns:${REPLAY_TOPIC_ARN}` : 'slack',
    kind,
    async send(notification) {
      record(notification);
    },
  };
}
