import { remediate } from '../remediate';
import type { DiagnosisContext, Finding, Notification } from '../types';
import type { Occurrences, Problem } from './problem';
import { problemKey } from './problem-key';

/** The part of a notification that says how often and when. */
export type Seen = Pick<Notification, 'count' | 'firstSeen' | 'lastSeen'>;

/**
 * A problem's message, with its fix for this cluster: its first occurrence (`alert`) or the repeats
 * counted over a dedup window (`followup`, the fix attached again so nobody scrolls back). Every sink
 * renders from this.
 */
export function problemNotification(
  kind: 'alert' | 'followup',
  problem: Problem,
  notes: readonly string[] = [],
): Notification {
  return notification(
    kind,
    problem.finding,
    problem.context,
    seenIn(problem.occurrences),
    problem.key,
    notes,
  );
}

/**
 * The alert for one finding on its own (`classify --format slack|chatbot`): seen once, at the time
 * its line gives, as the line gives it.
 */
export function alertOf(finding: Finding, context: DiagnosisContext): Notification {
  const seen = { count: 1, firstSeen: finding.time, lastSeen: finding.time };
  return notification(
    'alert',
    finding,
    context,
    seen,
    problemKey(context.cluster?.clusterName ?? '', finding),
    [],
  );
}

/** Occurrences as a message states them: ISO times, left out while unknown. */
export function seenIn(occurrences: Occurrences): Seen {
  return {
    count: occurrences.count,
    firstSeen: isoTime(occurrences.firstSeen),
    lastSeen: isoTime(occurrences.lastSeen),
  };
}

function isoTime(ms: number): string | undefined {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function notification(
  kind: 'alert' | 'followup',
  finding: Finding,
  context: DiagnosisContext,
  seen: Seen,
  key: string,
  notes: readonly string[],
): Notification {
  return {
    kind,
    cluster: context.cluster ?? {},
    finding,
    fix: remediate(finding, context),
    ...seen,
    problemKey: key,
    notes,
  };
}
