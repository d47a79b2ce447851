import { ClassifyMemo, findingOf } from '../classify/classify';
import { DenialShapes, type ParseOptions, parseLine, TimeStrings } from '../parse/parse';
import type { DiagnosisContext, Finding } from '../types';
import { StsResponseJoin } from './join';
import { LogMemory } from './log-memory';
import type { LogTimeline } from './log-timeline';

/** Diagnoses a stream of lines, one at a time: `undefined` for a line that holds no authenticator record. */
export type LineDiagnoser = (line: string) => Finding | undefined;

export interface LineDiagnoserOptions {
  /**
   * Whether a denial repeated with a new time and port is parsed and classified once (the default).
   * A batch that folds its repeats before they reach the diagnoser passes false: every line it hands
   * over is new, and remembering it would only cost a copy.
   */
  readonly remembersRepeats?: boolean;
}

/**
 * parse → join with the request's `STS response` → classify, remembering what earlier lines taught
 * (the creator, an aws-auth parse error, earlier grants). One diagnoser per log stream or file.
 */
export function createLineDiagnoser(
  context: DiagnosisContext = {},
  options?: ParseOptions,
  /** Pass one to read what the lines taught afterwards (the Lambda re-classifies with live context). */
  memory: LogMemory = new LogMemory(context),
  { remembersRepeats = true }: LineDiagnoserOptions = {},
): LineDiagnoser {
  const join = new StsResponseJoin();
  // This stream's own caches: one string per second, one parse per denial shape, one principal per ARN.
  const denials = remembersRepeats ? new DenialShapes() : undefined;
  const parseOptions: ParseOptions = { ...options, times: new TimeStrings(), denials };
  const memo = new ClassifyMemo(remembersRepeats);
  return (line) => {
    const parsed = parseLine(line, parseOptions);
    if (parsed === undefined) return undefined;
    const record = join.accept(parsed, line);
    const category = memo.categoryOf(record);
    // Only a mapping failure is explained by what earlier lines taught.
    const known = category === 'IDENTITY_NOT_MAPPED' ? memory.contextFor(record.fields.arn) : context;
    const finding = findingOf(record, category, known, memo);
    memory.learn(finding, line);
    return finding;
  };
}

/**
 * The second pass over a log whose first pass taught `timeline` (see LogTimeline): every denial is
 * diagnosed with what the whole log says about its time, so the order of the lines does not matter.
 */
export function createTimelineDiagnoser(timeline: LogTimeline, options?: ParseOptions): LineDiagnoser {
  const parseOptions: ParseOptions = { ...options, times: new TimeStrings(), denials: new DenialShapes() };
  const memo = new ClassifyMemo();
  return (line) => {
    const parsed = parseLine(line, parseOptions);
    if (parsed === undefined) return undefined;
    const record = timeline.join(parsed, line);
    const category = memo.categoryOf(record);
    // Only a mapping failure is explained by what the rest of the log says about its time.
    const context =
      category === 'IDENTITY_NOT_MAPPED' ? timeline.contextAt(record.fields.arn, record.time) : undefined;
    return findingOf(record, category, context, memo);
  };
}
