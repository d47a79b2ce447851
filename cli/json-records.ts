import { findingOf } from '../lambda/engine/classify/classify';
import { remediate } from '../lambda/engine/remediate';
import type { AuthenticatorRecord, Finding } from '../lambda/engine/types';
import type { ByteBatch } from './byte-batch';
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
 * Written as encoded pieces into the caller's batch of bytes, rather than through one `JSON.stringify`
 * of an object built per record, or one string per record: a log has millions of records, and most of
 * them (STS responses, grants) differ from the one before only in their line number and time. Their
 * category, severity and principal are one piece, encoded once per principal, and their time and close
 * another, once per second. Every value that came from the log still goes through `safeJson`, controls
 * and bidi characters escaped.
 */
export class JsonRecords {
  private lastTime = '';
  private lastTimeJson = '';
  private lastTimeTail = CLOSE;
  private lastFile: string | undefined;
  private lastFileOpen = OPEN;
  /** The same few principals on most records, as `safeJson` encodes them. */
  private readonly principals = new KeptTexts(MAX_REMEMBERED_STRINGS, safeJson);
  /** A storm repeats one error text, word for word, on record after record. */
  private readonly errors = new KeptTexts(MAX_REMEMBERED_STRINGS, safeJson);
  /** `,"category":…,"severity":…,"principal":…` of records without a sub-cause, by category and principal, encoded. */
  private readonly middles = new Map<string, Middles>();

  /** The middles of grants and STS responses, by the ARN the line names (none for an STS response). */
  private readonly known = new Map<KnownCategory, Middles>();

  /**
   * Appends the record of a grant or an STS response as their heads give them (`canonicalGrant`,
   * `joinedStsResponse`: no field but a grant's ARN), exactly as `append` would write its finding,
   * without classifying it: seven lines in ten of a busy log. Their finding depends on the category
   * and that ARN alone, so it is worked out once per ARN, by `findingOf` itself.
   */
  appendKnown(
    out: ByteBatch,
    category: KnownCategory,
    record: AuthenticatorRecord,
    line: number,
    file: string | undefined,
  ): void {
    let middles = this.known.get(category);
    if (middles === undefined) {
      const middleOf = (arn: string | undefined) =>
        this.middle(findingOf({ msg: '', fields: arn === undefined ? {} : { arn } }, category));
      middles = {
        withoutPrincipal: middleOf(undefined),
        byPrincipal: new KeptTexts(MAX_REMEMBERED_STRINGS, middleOf),
      };
      this.known.set(category, middles);
    }
    const arn = record.fields.arn;
    out.bytes(this.open(file));
    out.decimal(line);
    out.bytes(arn === undefined ? middles.withoutPrincipal : middles.byPrincipal.of(arn));
    out.bytes(this.timeTail(record.time));
  }

  /** Appends the record, and its line break, to `out`. */
  append(
    out: ByteBatch,
    finding: Finding,
    line: number,
    file: string | undefined,
    booked: BookedProblem | 'untracked' | undefined,
  ): void {
    const problem = typeof booked === 'object' ? booked : undefined;
    out.bytes(this.open(file));
    out.decimal(line);
    if (finding.subCause !== undefined) {
      out.text(this.middleText(finding.category, finding.subCause, finding.severity, finding.principal?.arn));
    } else out.bytes(this.middle(finding));
    if (problem === undefined && finding.error === undefined) {
      out.bytes(this.timeTail(finding.time));
      return;
    }
    const first = problem !== undefined && !problem.fixWritten;
    if (first) problem.fixWritten = true;
    let text = finding.time ? `,"time":${this.time(finding.time)}` : '';
    // Problem IDs are `p-` and hex.
    if (problem) text += `,"problem":"${problem.id}"`;
    if (finding.error) text += `,"error":${this.errors.of(finding.error)}`;
    if (first) text += `,"fix":${safeJson(remediate(problem.problem.finding, problem.problem.context))}`;
    out.text(text);
    out.bytes(CLOSE);
  }

  /** `{"line":`, after the file's name when there are several files. */
  private open(file: string | undefined): Uint8Array {
    if (file !== this.lastFile) {
      this.lastFile = file;
      this.lastFileOpen = file === undefined ? OPEN : Buffer.from(`{"file":${safeJson(file)},"line":`);
    }
    return this.lastFileOpen;
  }

  /** The middle of a record without a sub-cause, whose severity is its category's: the category decides the rest. */
  private middle(finding: Finding): Uint8Array {
    const { category, severity } = finding;
    const arn = finding.principal?.arn;
    let middles = this.middles.get(category);
    if (middles === undefined) {
      middles = {
        withoutPrincipal: Buffer.from(this.middleText(category, undefined, severity, undefined)),
        byPrincipal: new KeptTexts(MAX_REMEMBERED_STRINGS, (principal) =>
          Buffer.from(this.middleText(category, undefined, severity, principal)),
        ),
      };
      this.middles.set(category, middles);
    }
    return arn === undefined ? middles.withoutPrincipal : middles.byPrincipal.of(arn);
  }

  /** Category, sub-cause and severity are IDs of the public contract, written as they are. */
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
  private timeTail(time: string | undefined): Uint8Array {
    if (!time) return CLOSE;
    if (time !== this.lastTime) this.time(time);
    return this.lastTimeTail;
  }

  /** A busy log has many records a second, each naming the same time. */
  private time(time: string): string {
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastTimeJson = safeJson(time);
      this.lastTimeTail = Buffer.from(`,"time":${this.lastTimeJson}}\n`);
    }
    return this.lastTimeJson;
  }
}

/** The records `appendKnown` writes. */
type KnownCategory = 'ACCESS_GRANTED' | 'STS_RESPONSE';

/** The middles of one category's records: without a principal, and by principal. */
interface Middles {
  readonly withoutPrincipal: Uint8Array;
  readonly byPrincipal: KeptTexts<Uint8Array>;
}

const OPEN = Buffer.from('{"line":');
const CLOSE = Buffer.from('}\n');

/** Log strings kept encoded, and middles kept per category: bounded, so a log of a million distinct values stays flat. */
const MAX_REMEMBERED_STRINGS = 4_096;
