/**
 * The pipeline watching itself: the blindness check and the canary. The pipeline calls it in two
 * places only — the sweep (`selfWatch.sweep`) and the subscription flow (`recordCanary`) — so the
 * logic stays here.
 */
import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import { countCanaries, isCanaryStream } from './canary';
import type { SelfWatch } from './self-watch';

export { isCanaryStream } from './canary';
export * from './self-watch';
export * from './settings';
export * from './watch-state';

/**
 * A batch from a canary stream: the canary made it through filter and function. It is counted and
 * never delivered, so it costs no one a notification.
 *
 * @returns `true` when the batch was a canary batch (and so is done with), `false` otherwise.
 */
export function recordCanary(
  selfWatch: SelfWatch | undefined,
  logStream: string,
  cluster: string,
  events: readonly CloudWatchLogsLogEvent[],
): boolean {
  if (!isCanaryStream(logStream)) return false;
  selfWatch?.canarySeen(cluster, countCanaries(events));
  return true;
}
