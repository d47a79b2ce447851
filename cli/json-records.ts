import { detach, MAX_KEPT_TEXT } from '../lambda/engine/parse/detach';
import { remediate } from '../lambda/engine/remediate';
import type { Finding } from '../lambda/engine/types';
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
  /** The same few principals on most records. */
  private readonly principals = new EncodedStrings();
  /** A storm repeats one error text, word for word, on record after record. */
  private readonly errors = new EncodedStrings();
  /** `,"category":…,"severity":…,"principal":…` of records without a sub-cause, by category and principal. */
  private readonly middles = new Map<string, Map<string | undefined, string>>();

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
    const arn = finding.principal?.arn;
    if (finding.subCause !== undefined) return this.middleText(finding, arn);
    let byPrincipal = this.middles.get(finding.category);
    if (byPrincipal === undefined) {
      byPrincipal = new Map();
      this.middles.set(finding.category, byPrincipal);
    }
    let middle = byPrincipal.get(arn);
    if (middle === undefined) {
      middle = this.middleText(finding, arn);
      // A flood of distinct principals is encoded each time rather than kept.
      if (arn !== undefined && arn.length > MAX_KEPT_TEXT) return middle;
      if (byPrincipal.size >= MAX_REMEMBERED_STRINGS) byPrincipal.clear();
      byPrincipal.set(arn === undefined ? arn : detach(arn), middle);
    }
    return middle;
  }

  private middleText(finding: Finding, arn: string | undefined): string {
    let text = `,"category":"${finding.category}"`;
    if (finding.subCause) text += `,"subCause":"${finding.subCause}"`;
    text += `,"severity":"${finding.severity}"`;
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

/** Log strings as `safeJson` encodes them, each encoded once; bounded, so a log of a million distinct values stays flat. */
class EncodedStrings {
  private readonly encoded = new Map<string, string>();

  of(text: string): string {
    let json = this.encoded.get(text);
    if (json === undefined) {
      // Long values (a forged 256 KB error) are encoded each time rather than kept.
      if (text.length > MAX_KEPT_TEXT) return safeJson(text);
      if (this.encoded.size >= MAX_REMEMBERED_STRINGS) this.encoded.clear();
      json = safeJson(text);
      // Kept beyond the line: detached, so no chunk of the file stays alive for it.
      this.encoded.set(detach(text), json);
    }
    return json;
  }
}

const MAX_REMEMBERED_STRINGS = 4_096;
