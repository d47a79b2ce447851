import type { ClosedWindow } from '../dedup/flood-control';
import type { DigestTally, FollowupRecord } from '../dedup/store';
import type { OutgoingMessage } from '../delivery/deliver';
import type { Category } from '../engine/categories';
import { alertOf } from '../engine/diagnose/alert';
import { remediate } from '../engine/remediate';
import type { CategoryCount, ClusterContext, DiagnosisContext, Finding, Notification } from '../engine/types';

/**
 * What the pipeline keeps about a problem so that a follow-up, written an hour later by the sweep
 * without the original batch, still names the problem and repeats its fix.
 */
export interface ProblemSubject {
  readonly finding: Finding;
  readonly context: DiagnosisContext;
  readonly notes: readonly string[];
}

/** Log values kept per field: a forged 256 KB error line must not bloat a dedup item (400 KB max). */
const STORED_VALUE_MAX = 2_000;

export function serializeSubject(subject: ProblemSubject): string {
  return JSON.stringify({ ...subject, finding: compactFinding(subject.finding) });
}

export function parseSubject(text: string): ProblemSubject | undefined {
  try {
    const value = JSON.parse(text) as ProblemSubject;
    return value && typeof value === 'object' && value.finding ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The finding with every log-derived string cut to a bounded length (marked with `…`). */
export function compactFinding(finding: Finding): Finding {
  const cut = (value: string) =>
    value.length > STORED_VALUE_MAX ? `${value.slice(0, STORED_VALUE_MAX)}…` : value;
  const cutAll = (values: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(values).map(([key, value]) => [key, cut(value)]));
  return {
    ...finding,
    error: finding.error === undefined ? undefined : cut(finding.error),
    details: cutAll(finding.details),
    record: { ...finding.record, msg: cut(finding.record.msg), fields: cutAll(finding.record.fields) },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The first occurrence of a problem, with its fix for this cluster. */
export function alertNotification(
  subject: ProblemSubject,
  problemKey: string,
  occurrences: { count: number; firstSeen: number; lastSeen: number },
  extraNotes: readonly string[] = [],
): Notification {
  const { count, firstSeen, lastSeen } = occurrences;
  const times = { count, firstSeen: iso(firstSeen), lastSeen: iso(lastSeen) };
  return alertOf(subject.finding, subject.context, times, [...subject.notes, ...extraNotes], problemKey);
}

/** The repeats of an alerted problem over one window ("×412 since 14:02"), the fix attached again. */
export function followupNotification(
  subject: ProblemSubject,
  problemKey: string,
  followup: FollowupRecord,
): Notification {
  return {
    kind: 'followup',
    cluster: subject.context.cluster ?? {},
    finding: subject.finding,
    fix: remediate(subject.finding, subject.context),
    count: followup.count,
    firstSeen: iso(followup.firstSeen),
    lastSeen: iso(followup.lastSeen),
    problemKey,
    notes: subject.notes,
  };
}

/** The follow-up message of a closed window; `undefined` when its stored problem cannot be read back. */
export function followupMessage(closed: ClosedWindow): OutgoingMessage | undefined {
  const subject = parseSubject(closed.window.subject);
  if (!subject) return undefined;
  return {
    cluster: closed.window.cluster,
    messageId: closed.followup.messageId,
    notification: followupNotification(subject, closed.window.problemKey, closed.followup),
  };
}

/** Everything past the cluster's cap in one window: "412 more denials from 397 principals …". */
export function digestNotification(
  cluster: ClusterContext,
  tally: Pick<DigestTally, 'count' | 'principals' | 'categories' | 'firstSeen' | 'lastSeen'>,
  notes: readonly string[] = [],
): Notification {
  const topCategories: CategoryCount[] = Object.entries(tally.categories)
    .map(([category, count]) => ({ category: category as Category, count: count ?? 0 }))
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
  return {
    kind: 'digest',
    cluster,
    count: tally.count,
    firstSeen: iso(tally.firstSeen),
    lastSeen: iso(tally.lastSeen),
    distinctPrincipals: tally.principals,
    topCategories,
    problemKey: `${cluster.clusterName ?? ''}|digest`,
    notes,
  };
}

/** "The pipeline works": the self-test denial made it from the log group to every sink. */
export function selftestNotification(
  cluster: ClusterContext,
  finding: Finding,
  timestamp: number,
): Notification {
  return {
    kind: 'selftest',
    cluster,
    finding: compactFinding(finding),
    count: 1,
    firstSeen: iso(timestamp),
    lastSeen: iso(timestamp),
    problemKey: `${cluster.clusterName ?? ''}|selftest`,
    notes: [],
  };
}
