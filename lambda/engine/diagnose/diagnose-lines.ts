import { ClassifyMemo, findingOf } from '../classify/classify';
import {
  canonicalGrant,
  canonicalStsResponse,
  DenialShapes,
  isCanonicalStsResponse,
  keepsNoStsResponseFields,
  type ParseOptions,
  parseLine,
  TimeStrings,
} from '../parse/parse';
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
  const times = new TimeStrings();
  const parseOptions: ParseOptions = { ...options, times, denials };
  const memo = new ClassifyMemo(remembersRepeats);
  const stsResponsesUnread = keepsNoStsResponseFields(parseOptions);
  return (line) => {
    // Most lines of a busy log are STS responses and grants as EKS writes them: known by their head
    // and read as parseLine reads them, without its steps, the join's or the category's.
    if (stsResponsesUnread && isCanonicalStsResponse(line)) {
      const record = canonicalStsResponse(line, times);
      join.accept(record, line);
      return findingOf(record, 'STS_RESPONSE', context, memo);
    }
    const grant = canonicalGrant(line, parseOptions);
    if (grant !== undefined) {
      const finding = findingOf(grant, 'ACCESS_GRANTED', context, memo);
      memory.learnGrant(finding, line);
      return finding;
    }
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
