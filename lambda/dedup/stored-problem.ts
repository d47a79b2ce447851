import type { Occurrences, Problem } from '../engine/diagnose/problem';
import type { DiagnosisContext, Finding } from '../engine/types';
import type { ProblemWindow } from './store';

/** Log values kept per field: a forged 256 KB error line must not bloat a dedup item (400 KB max). */
const STORED_VALUE_MAX = 2_000;

/** The stored text of a problem (`ProblemWindow.subject`). */
interface StoredProblem {
  readonly finding: Finding;
  readonly context: DiagnosisContext;
  /** The problem's own notes (a probe-activity problem's error shapes), repeated on its follow-ups. */
  readonly notes: readonly string[];
}

/**
 * What a problem's window keeps so that a follow-up, written an hour later by the sweep without the
 * original batch, still names the problem and repeats its fix: the finding (log text cut short) and
 * the context its fix was written for.
 */
export function storedProblem(problem: Problem): string {
  const stored: StoredProblem = {
    finding: compactFinding(problem.finding),
    context: problem.context,
    notes: (problem.notes ?? []).map((note) => cut(note)),
  };
  return JSON.stringify(stored);
}

/**
 * The problem a window keeps, with the occurrences a message about it covers; `undefined` when the
 * stored text cannot be read back.
 */
export function problemOfWindow(window: ProblemWindow, occurrences: Occurrences): Problem | undefined {
  let stored: StoredProblem | undefined;
  try {
    stored = JSON.parse(window.subject) as StoredProblem | undefined;
  } catch {
    return undefined;
  }
  if (!stored || typeof stored !== 'object' || !stored.finding) return undefined;
  const notes = Array.isArray(stored.notes) ? stored.notes.filter((note) => typeof note === 'string') : [];
  const problem: Problem = {
    key: window.problemKey,
    finding: stored.finding,
    context: stored.context,
    occurrences,
  };
  return notes.length > 0 ? { ...problem, notes } : problem;
}

/**
 * The finding with every log-derived string cut to a bounded length (marked with `…`), for anything
 * kept in the store: a problem's window, the messages of a batch record.
 */
export function compactFinding(finding: Finding): Finding {
  const cutAll = (values: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(values).map(([key, value]) => [key, cut(value)]));
  return {
    ...finding,
    error: finding.error === undefined ? undefined : cut(finding.error),
    details: cutAll(finding.details),
    record: { ...finding.record, msg: cut(finding.record.msg), fields: cutAll(finding.record.fields) },
  };
}

function cut(value: string): string {
  return value.length > STORED_VALUE_MAX ? `${value.slice(0, STORED_VALUE_MAX)}…` : value;
}
