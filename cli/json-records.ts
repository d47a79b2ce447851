import { remediate } from '../lambda/engine/remediate';
import type { Finding } from '../lambda/engine/types';
import { KeptTexts } from './kept-texts';
import type { BookedProblem } from './problem-book';
import { safeJson } from './safe-json';

/**
 * The records of `--format json`, one per authenticator record: the public contract (`line`,
 * `category`) and what a program filters on (`subCause`, `severity`, `principal`, `time`, `problem`,
 * `error`). A problem's fix is written once, on the first record that points at it (`problem`); later
 * records of the same problem carry only its ID. Past the CLI's cap on distinct problems, records
 * carry no `problem` and no fix.
 *
 * Written as pieces that the caller joins once per batch, rather than through one `JSON.stringify` of
 * an object built per record, or one string per record: a log has millions of records, and most of
 * them (STS responses, grants) differ from the one before only in their line number and time. Their
 * category, severity and principal are one piece, encoded once per principal, and their time and close
 * another, once per second. Every value that came from the log still goes through `safeJson`, controls
 * and bidi characters escaped.
 */
export class JsonRecords {
  private lastTime = '';
  private lastTimeJson = '';
  private lastTimeTail = '}\n';
  private lastFile: string | undefined;
  private lastFileOpen = '{"line":';
  /** The same few principals on most records, as `safeJson` encodes them. */
  private readonly principals = new KeptTexts(MAX_REMEMBERED_STRINGS, safeJson);
  /** A storm repeats one error text, word for word, on record after record. */
  private readonly errors = new KeptTexts(MAX_REMEMBERED_STRINGS, safeJson);
  /** `,"category":…,"severity":…,"principal":…` of records without a sub-cause, by category and principal. */
  private readonly middles = new Map<string, Middles>();

  /** Appends the record, and its line break, to `out` (to be joined with ''). */
  append(
    out: (string | number)[],
    finding: Finding,
    line: number,
    file: string | undefined,
    booked: BookedProblem | 'untracked' | undefined,
  ): void {
    const problem = typeof booked === 'object' ? booked : undefined;
    out.push(this.open(file), line, this.middle(finding));
    if (problem === undefined && finding.error === undefined) {
      out.push(this.timeTail(finding.time));
      return;
    }
    const first = problem !== undefined && !problem.fixWritten;
    if (first) problem.fixWritten = true;
    let text = finding.time ? `,"time":${this.time(finding.time)}` : '';
    // Problem IDs are `p-` and hex.
    if (problem) text += `,"problem":"${problem.id}"`;
    if (finding.error) text += `,"error":${this.errors.of(finding.error)}`;
    if (first) text += `,"fix":${safeJson(remediate(problem.problem.finding, problem.problem.context))}`;
    out.push(text, '}\n');
  }

  /** `{"line":`, after the file's name when there are several files. */
  private open(file: string | undefined): string {
    if (file !== this.lastFile) {
      this.lastFile = file;
      this.lastFileOpen = file === undefined ? '{"line":' : `{"file":${safeJson(file)},"line":`;
    }
    return this.lastFileOpen;
  }

  /** Category, sub-cause and severity are IDs of the public contract, written as they are. */
  private middle(finding: Finding): string {
    const { category, subCause, severity } = finding;
    const arn = finding.principal?.arn;
    if (subCause !== undefined) return this.middleText(category, subCause, severity, arn);
    // Without a sub-cause, a finding's severity is its category's: the category decides the rest.
    let middles = this.middles.get(category);
    if (middles === undefined) {
      middles = {
        withoutPrincipal: this.middleText(category, undefined, severity, undefined),
        byPrincipal: new KeptTexts(MAX_REMEMBERED_STRINGS, (principal) =>
          this.middleText(category, undefined, severity, principal),
        ),
      };
      this.middles.set(category, middles);
    }
    return arn === undefined ? middles.withoutPrincipal : middles.byPrincipal.of(arn);
  }

  private middleText(
    category: string,
    subCause: string | undefined,
    severity: string,
    arn: string | undefined,
  ): string {
    let text = `,"category":"${category}"`;
    if (subCause) text += `,"subCause":"${subCause}"`;
    text += `,"severity":"${severity}"`;
    if (arn !== undefined) text += `,"principal":${this.principals.of(arn)}`;
    return text;
  }

  /** `,"time":…}` and the line break: the close of a record with nothing after its time. */
  private timeTail(time: string | undefined): string {
    if (!time) return '}\n';
    if (time !== this.lastTime) this.time(time);
    return this.lastTimeTail;
  }

  /** A busy log has many records a second, each naming the same time. */
  private time(time: string): string {
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastTimeJson = safeJson(time);
      this.lastTimeTail = `,"time":${this.lastTimeJson}}\n`;
    }
    return this.lastTimeJson;
  }
}

/** The middles of one category's records: without a principal, and by principal. */
interface Middles {
  readonly withoutPrincipal: string;
  readonly byPrincipal: KeptTexts<string>;
}

/** Log strings kept encoded, and middles kept per category: bounded, so a log of a million distinct values stays flat. */
const MAX_REMEMBERED_STRINGS = 4_096;
