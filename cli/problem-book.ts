import { isAlertable, SEVERITIES, type Severity } from '../lambda/engine/categories';
import { TimeCache } from '../lambda/engine/classify/time-cache';
import { type OccurrenceTally, openProblem, type Problem } from '../lambda/engine/diagnose/problem';
import { problemKey } from '../lambda/engine/diagnose/problem-key';
import { detach } from '../lambda/engine/parse/detach';
import { hashedId } from '../lambda/engine/render/thread-id';
import type { DiagnosisContext, Finding } from '../lambda/engine/types';

/** Past this, new problems are counted, not kept: memory stays flat on a flood of forged tokens. */
export const MAX_PROBLEMS = 5_000;
/** Principals kept per problem (a cluster-wide breakage denies many); the rest are counted. */
const PRINCIPALS_PER_PROBLEM = 50;
/** Distinct untracked problems are counted exactly up to this many, then "more than". */
const MAX_COUNTED_KEYS = 1_000_000;

/** A distinct problem as the CLI keeps it: the pipeline's `Problem`, and whom and what it touched. */
export interface BookedProblem {
  /** The short public ID records point at (`problem` in `--format json`). */
  readonly id: string;
  readonly problem: Problem<OccurrenceTally>;
  /** Denied principals, with their counts, at most {@link PRINCIPALS_PER_PROBLEM}. */
  readonly principals: Map<string, number>;
  /** Distinct principals beyond those kept. */
  principalsNotKept: number;
  /** Whether `--format json` has written this problem's fix (on its first record). */
  fixWritten: boolean;
}

/**
 * The distinct problems of one CLI run, keyed as the pipeline keys them (`problemKey`): the report,
 * `--format problems` and the per-problem Slack and Chatbot payloads all read from here.
 *
 * @example
 * const book = new ProblemBook(context);
 * const booked = book.add(finding); // undefined for records that are not problems (STS responses …)
 */
export class ProblemBook {
  private readonly byKey = new Map<string, BookedProblem>();
  private readonly untrackedKeys = new Set<number>();
  private untrackedKeysOverflow = false;
  /** Occurrences of problems past the cap: still counted, in the digest. */
  untrackedOccurrences = 0;
  /** The most severe problem seen, kept or not (`--fail-on`). */
  worst: Severity | undefined;

  private readonly keys: ProblemKeys;
  /** The log's time text, converted at this edge: a storm's denials share their second. */
  private readonly times = new TimeCache();

  constructor(private readonly context: DiagnosisContext) {
    this.keys = new ProblemKeys(context.cluster?.clusterName ?? '');
  }

  /**
   * Books the finding under its problem; `'untracked'` past the cap, `undefined` when it is no problem.
   * `context` is what the log taught about the finding's time (the creator …), when it knows more.
   */
  add(finding: Finding, context: DiagnosisContext = this.context): BookedProblem | 'untracked' | undefined {
    if (!isAlertable(finding.category)) return undefined;
    if (this.worst === undefined || SEVERITIES.indexOf(finding.severity) < SEVERITIES.indexOf(this.worst))
      this.worst = finding.severity;
    const key = this.keys.of(finding);
    // The problem counts in epoch ms like the Lambda's.
    const time = this.times.epochOf(finding.time);
    let booked = this.byKey.get(key);
    if (booked) {
      booked.problem.occurrences.add(time);
    } else if (this.byKey.size < MAX_PROBLEMS) {
      // Kept to the end of the input: detached from the chunk of the file its line was read from.
      const problem = openProblem(key, detach(finding), context, time);
      booked = {
        id: problemId(key),
        problem,
        principals: new Map(),
        principalsNotKept: 0,
        fixWritten: false,
      };
      this.byKey.set(key, booked);
    } else {
      this.countUntracked(key);
      return 'untracked';
    }
    const arn = finding.principal?.arn;
    if (arn !== undefined) {
      const count = booked.principals.get(arn);
      if (count !== undefined) booked.principals.set(arn, count + 1);
      else if (booked.principals.size < PRINCIPALS_PER_PROBLEM) booked.principals.set(detach(arn), 1);
      else booked.principalsNotKept++;
    }
    return booked;
  }

  /** Every kept problem, in order of first appearance. */
  problems(): BookedProblem[] {
    return [...this.byKey.values()];
  }

  /** How many distinct problems there were, kept or not; `atLeast` once even counting had to stop. */
  distinct(): { count: number; atLeast: boolean } {
    return { count: this.byKey.size + this.untrackedKeys.size, atLeast: this.untrackedKeysOverflow };
  }

  private countUntracked(key: string): void {
    this.untrackedOccurrences++;
    if (this.untrackedKeys.size >= MAX_COUNTED_KEYS) {
      this.untrackedKeysOverflow = true;
      return;
    }
    // Two 32-bit hashes of the key in one 53-bit number: collisions are negligible at a million keys,
    // and a number costs far less memory than the key itself.
    this.untrackedKeys.add(fnv1a(key, 0x811c9dc5) * 0x200000 + (fnv1a(key, 0x01000193) & 0x1fffff));
  }
}

/**
 * `problemKey` for each finding, remembered: a key depends only on the category, the sub-cause and
 * the principal's ARN (see problem-key.ts), and a storm repeats the same few on every line. Looked up
 * by those three, strings the engine shares from line to line, rather than built and hashed anew.
 * Bounded: past {@link MAX_REMEMBERED_KEYS} principals of one cause, that cause starts afresh.
 */
class ProblemKeys {
  private readonly byCause = new Map<string, Map<string, CauseKeys>>();

  constructor(private readonly clusterName: string) {}

  of(finding: Finding): string {
    let bySubCause = this.byCause.get(finding.category);
    if (bySubCause === undefined) {
      bySubCause = new Map();
      this.byCause.set(finding.category, bySubCause);
    }
    const subCause = finding.subCause ?? '-';
    let keys = bySubCause.get(subCause);
    if (keys === undefined || keys.byArn.size >= MAX_REMEMBERED_KEYS) {
      keys = { byArn: new Map() };
      bySubCause.set(subCause, keys);
    }
    const arn = finding.principal?.arn;
    if (arn === undefined) {
      keys.withoutPrincipal ??= problemKey(this.clusterName, finding);
      return keys.withoutPrincipal;
    }
    let key = keys.byArn.get(arn);
    if (key === undefined) {
      key = problemKey(this.clusterName, finding);
      keys.byArn.set(detach(arn), key);
    }
    return key;
  }
}

/** The keys of one category and sub-cause: of the records without a principal, and by principal. */
interface CauseKeys {
  withoutPrincipal?: string;
  readonly byArn: Map<string, string>;
}

const MAX_REMEMBERED_KEYS = 10_000;

/**
 * A problem's public ID: `p-` and 12 hex digits of the key's SHA-256, stable across runs and
 * carrying no log text (the key holds an ARN or error text).
 *
 * @example problemId('prod|TOKEN_EXPIRED|-|error:1a2b3c4d') // 'p-' + 12 hex digits
 */
export function problemId(key: string): string {
  return `p-${hashedId(key).slice(-12)}`;
}

/** FNV-1a, 32 bit, from `seed`: every character counts (unlike the problem key's digit-folding fingerprint). */
function fnv1a(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
