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
  private readonly principals = new Map<string, string>();

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
    if (finding.principal) text += `,"principal":${this.principal(finding.principal.arn)}`;
    if (finding.time) text += `,"time":${this.time(finding.time)}`;
    if (problem) text += `,"problem":"${problem.id}"`;
    if (finding.error) text += `,"error":${safeJson(finding.error)}`;
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

  /** The same few principals on most records; bounded, so a log of a million principals stays flat. */
  private principal(arn: string): string {
    let json = this.principals.get(arn);
    if (json === undefined) {
      if (this.principals.size >= MAX_REMEMBERED_PRINCIPALS) this.principals.clear();
      json = safeJson(arn);
      this.principals.set(arn, json);
    }
    return json;
  }
}

const MAX_REMEMBERED_PRINCIPALS = 4_096;
