import type { DiagnosisContext, Finding } from '../types';

/**
 * How often a problem occurred, and when: epoch milliseconds. The Lambda has them from the CloudWatch
 * event timestamps; the CLI converts the log's `time=` text at its edge. While no occurrence had a
 * readable time (a CLI line whose `time=` does not parse), `firstSeen` is `+Infinity` and `lastSeen`
 * `-Infinity`: unknown, and the message leaves them out.
 */
export interface Occurrences {
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/**
 * One problem — the same cluster, category, sub-cause and principal (or error fingerprint) — however
 * often it repeats; its first finding stands for the rest. The pipeline decides about it, alerts on it
 * and keeps it in the dedup store; the CLI report lists it. `O` is `OccurrenceTally` while its
 * occurrences are still being counted.
 */
export interface Problem<O extends Occurrences = Occurrences> {
  /** `problemKey(cluster, finding)`: the dedup identity and the chat thread. */
  readonly key: string;
  readonly finding: Finding;
  /** The context its fix is written for. */
  readonly context: DiagnosisContext;
  readonly occurrences: O;
  /** What every message about it says besides its fix (a probe-activity problem lists its error shapes). */
  readonly notes?: readonly string[];
}

/**
 * Counts occurrences: the one place where a count and its first and last times are kept, and where
 * two counts are added up. Comparisons rather than `Math.min`/`Math.max`, so a time that is not a
 * number (NaN) counts without moving either end.
 */
export class OccurrenceTally implements Occurrences {
  count = 0;
  firstSeen = Number.POSITIVE_INFINITY;
  lastSeen = Number.NEGATIVE_INFINITY;

  /** One more occurrence, at `time`. */
  add(time: number): this {
    return this.include(1, time, time);
  }

  /** Occurrences counted elsewhere (the same problem found twice, another window). */
  merge(other: Occurrences): this {
    return this.include(other.count, other.firstSeen, other.lastSeen);
  }

  private include(count: number, firstSeen: number, lastSeen: number): this {
    this.count += count;
    if (firstSeen < this.firstSeen) this.firstSeen = firstSeen;
    if (lastSeen > this.lastSeen) this.lastSeen = lastSeen;
    return this;
  }
}

/** A problem seen once so far, at `time`; count its repeats with `problem.occurrences.add`. */
export function openProblem(
  key: string,
  finding: Finding,
  context: DiagnosisContext,
  time: number,
): Problem<OccurrenceTally> {
  return { key, finding, context, occurrences: new OccurrenceTally().add(time) };
}

/**
 * Problems that turned out to be the same (one key) as one, their occurrences added up: the first
 * stands for the rest, in order of first appearance. Re-classifying with live context can do that.
 */
export function mergeProblems(problems: readonly Problem[]): Problem[] {
  const merged = new Map<string, Problem>();
  for (const problem of problems) {
    const seen = merged.get(problem.key);
    merged.set(
      problem.key,
      seen
        ? { ...seen, occurrences: new OccurrenceTally().merge(seen.occurrences).merge(problem.occurrences) }
        : problem,
    );
  }
  return [...merged.values()];
}
