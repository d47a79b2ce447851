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
 * Written field by field rather than through one `JSON.stringify` of an object built per record: a
 * log has millions of records, and most of their values are our own IDs (written as they are) or
 * strings seen on the line before (a second's time, a principal's ARN), which are encoded once. Every
 * value that came from the log still goes through `safeJson`, controls and bidi characters escaped.
 */
export class JsonRecords {
  private lastTime = '';
  private lastTimeJson = '';
  /** The same few principals on most records. */
  private readonly principals = new EncodedStrings();
  /** A storm repeats one error text, word for word, on record after record. */
  private readonly errors = new EncodedStrings();

  record(
    finding: Finding,
    line: number,
    file: string | undefined,
    booked: BookedProblem | 'untracked' | undefined,
  ): string {
    const problem = typeof booked === 'object' ? booked : undefined;
    const first = problem !== undefined && !problem.fixWritten;
    if (first) problem.fixWritten = true;
    // Category, sub-cause and severity are IDs of the public contract, problem IDs `p-` and hex.
    let text = file === undefined ? '{' : `{"file":${safeJson(file)},`;
    text += `"line":${line},"category":"${finding.category}"`;
    if (finding.subCause) text += `,"subCause":"${finding.subCause}"`;
    text += `,"severity":"${finding.severity}"`;
    if (finding.principal) text += `,"principal":${this.principals.of(finding.principal.arn)}`;
    if (finding.time) text += `,"time":${this.time(finding.time)}`;
    if (problem) text += `,"problem":"${problem.id}"`;
    if (finding.error) text += `,"error":${this.errors.of(finding.error)}`;
    if (first) text += `,"fix":${safeJson(remediate(problem.problem.finding, problem.problem.context))}`;
    return `${text}}`;
  }

  /** A busy log has many records a second, each naming the same time. */
  private time(time: string): string {
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastTimeJson = safeJson(time);
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
