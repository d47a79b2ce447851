import { CATEGORY_ENTRIES, isAlertable } from '../categories';
import { classify } from '../classify/classify';
import { CLIENT_OPEN, LineShapes } from '../parse/line-shapes';
import type { DiagnosisContext, Finding } from '../types';
import { createLineDiagnoser } from './diagnose-lines';
import { LogMemory } from './log-memory';
import { type OccurrenceTally, openProblem, type Problem } from './problem';
import { problemKey } from './problem-key';
import { isSelftest } from './selftest';

/** One line of a log stream as CloudWatch Logs delivers it: its event ID and ingestion timestamp. */
export interface LogEvent {
  readonly id: string;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly message: string;
}

/** A self-test denial written by `eks-auth-doctor selftest`. */
export interface SelftestEvent {
  readonly finding: Finding;
  readonly eventId: string;
  readonly timestamp: number;
}

export interface BatchDiagnosis {
  /**
   * Denials and aws-auth parse errors, one problem each however often repeated, in order of first
   * occurrence; their fixes are written for the batch's context.
   */
  readonly problems: readonly Problem[];
  readonly selftests: readonly SelftestEvent[];
  /** Lines that hold no authenticator record at all. */
  readonly unreadable: number;
  /** What the batch taught (grants, the creator, aws-auth parse errors), for re-classifying with live context. */
  readonly memory: LogMemory;
}

/**
 * Runs a batch of one stream's events through the engine (parse → join `STS response` → classify)
 * and groups what needs telling by problem. Grants and STS responses teach the memory but are not
 * alerts.
 *
 * A denial storm is one line repeated with a new `time` and `client` each time, so a line whose
 * text apart from those two values was seen before counts towards the same problem without being
 * diagnosed again (`LineMemo`). That is what keeps a 1 MB payload within a small multiple of its
 * own decompression time.
 */
export function diagnoseBatch(
  events: readonly LogEvent[],
  logStream: string,
  clusterName: string,
  context: DiagnosisContext,
): BatchDiagnosis {
  const memory = new LogMemory(context);
  // The batch's own memo folds repeats before they reach the diagnoser.
  const diagnose = createLineDiagnoser(context, undefined, memory, { remembersRepeats: false });
  const memo = new LineMemo();
  const problems = new Map<string, Problem<OccurrenceTally>>();
  const selftests: SelftestEvent[] = [];
  let unreadable = 0;
  for (const event of events) {
    const line = event.message;
    if (memo.holdStsResponse(line)) continue;
    const shape = memo.shapeOf(line);
    const known = shape ? memo.get() : undefined;
    if (known !== undefined) {
      if (known === UNREADABLE) unreadable++;
      else if (known !== IGNORED) known.add(event.timestamp);
      continue;
    }
    const held = memo.releaseStsResponse(line);
    if (held !== undefined) diagnose(held);
    const finding = diagnose(line);
    if (!finding) {
      unreadable++;
      if (shape) memo.set(UNREADABLE);
      continue;
    }
    // A breakage, repair or mode switch changes what later denials are: AWS_AUTH_BROKEN, …
    if (CATEGORY_ENTRIES.get(finding.category)?.effect !== undefined) memo.clear();
    if (isSelftest(logStream, finding.record)) {
      selftests.push({ finding, eventId: event.id, timestamp: event.timestamp });
      continue;
    }
    if (!isAlertable(finding.category)) {
      if (shape) memo.set(IGNORED);
      continue;
    }
    const key = problemKey(clusterName, finding);
    let problem = problems.get(key);
    if (problem) problem.occurrences.add(event.timestamp);
    else {
      problem = openProblem(key, finding, context, event.timestamp);
      problems.set(key, problem);
    }
    if (shape) memo.set(problem.occurrences);
  }
  return {
    problems: [...problems.values()].map((problem) => withEc2Failure(problem, memory)),
    selftests,
    unreadable,
    memory,
  };
}

/**
 * A node lookup failure with the EC2 error of the batch failure near it, wherever in the batch either
 * line stands (the denial's own error is cut before the code). Same key: the error code is a detail.
 */
function withEc2Failure(problem: Problem<OccurrenceTally>, memory: LogMemory): Problem<OccurrenceTally> {
  const { finding } = problem;
  if (finding.category !== 'TEMPLATE_EC2_LOOKUP_FAILED' || finding.details.ec2Error !== undefined)
    return problem;
  const record = memory.withEc2Failure(finding.record);
  return record === finding.record ? problem : { ...problem, finding: classify(record, problem.context) };
}

const UNREADABLE = Symbol('unreadable');
const IGNORED = Symbol('ignored');
type MemoEntry = OccurrenceTally | typeof UNREADABLE | typeof IGNORED;

/** How many recent STS responses are kept; the apiserver sends a request's lines back to back. */
const HELD_STS_RESPONSES = 256;
const MSG_FIELD = ' msg="';
const STS_RESPONSE = 'STS response"';

/**
 * What a line was, by its shape: the line with its `time` and `client` values blanked. Only lines in
 * the authenticator's own text format (starting `time="`) have a shape: there every quote inside a
 * value is escaped, so the first `client="` is the field itself and log text cannot pose as it.
 * The batch's shapes live for one batch: a breakage, repair or mode switch clears them.
 *
 * An `STS response` line only matters to the line after it with the same `client` (the join); the
 * most recent ones are kept raw, and the one of a new line's client is diagnosed just before it.
 * Those of repeats are never read and age out.
 */
class LineMemo {
  private readonly shapes = new LineShapes<MemoEntry>();
  private readonly heldStsResponses: string[] = new Array(HELD_STS_RESPONSES).fill('');
  private nextHeld = 0;
  // The line `shapeOf` last looked at, and where its two parts are.
  private line = '';
  private head = 0;
  private headEnd = 0;
  private tail = 0;
  private lengths = 0;

  /** Finds the shape of `line` (false if it has none); `get` and `set` then use it. */
  shapeOf(line: string): boolean {
    if (!line.startsWith('time="')) return false;
    const timeEnd = line.indexOf('"', 6);
    if (timeEnd === -1) return false;
    const clientAt = line.indexOf(CLIENT_OPEN, timeEnd);
    const clientEnd = clientAt === -1 ? -1 : line.indexOf('"', clientAt + CLIENT_OPEN.length);
    const headEnd = clientEnd === -1 ? line.length : clientAt;
    const tail = clientEnd === -1 ? line.length : clientEnd;
    const lengths = LineShapes.lengthsOf(line, timeEnd, headEnd, tail);
    if (lengths === -1) return false;
    this.line = line;
    this.head = timeEnd;
    this.headEnd = headEnd;
    this.tail = tail;
    this.lengths = lengths;
    return true;
  }

  get(): MemoEntry | undefined {
    return this.shapes.get(this.lengths, this.line, this.head, this.headEnd, this.tail);
  }

  /** What the line `shapeOf` last looked at was, once `get` found nothing for it. */
  set(entry: MemoEntry): void {
    this.shapes.add(this.lengths, this.line, this.head, this.headEnd, this.tail, entry);
  }

  clear(): void {
    this.shapes.clear();
  }

  /** Keeps an `STS response` line back (true) instead of diagnosing it now. */
  holdStsResponse(line: string): boolean {
    if (!line.startsWith('time="')) return false;
    // The line's own `msg`, found just after its time and level: no scan of the rest of the line.
    const msgAt = line.indexOf(MSG_FIELD, 6);
    if (msgAt === -1 || !line.startsWith(STS_RESPONSE, msgAt + MSG_FIELD.length)) return false;
    this.heldStsResponses[this.nextHeld] = line;
    this.nextHeld = (this.nextHeld + 1) % HELD_STS_RESPONSES;
    return true;
  }

  /** The most recent held `STS response` of the same client as `line`, if any (and forgets it). */
  releaseStsResponse(line: string): string | undefined {
    const at = line.indexOf(CLIENT_OPEN);
    if (at === -1) return undefined;
    const end = line.indexOf('"', at + CLIENT_OPEN.length);
    if (end === -1) return undefined;
    const field = line.slice(at, end + 1);
    for (let age = 1; age <= HELD_STS_RESPONSES; age++) {
      const slot = (this.nextHeld - age + HELD_STS_RESPONSES) % HELD_STS_RESPONSES;
      const held = this.heldStsResponses[slot] ?? '';
      if (held !== '' && held.includes(field)) {
        this.heldStsResponses[slot] = '';
        return held;
      }
    }
    return undefined;
  }
}
