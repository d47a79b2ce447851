import { unquoteGo } from './go-quote';
import type { AuthenticatorRecord } from './types';

/**
 * Turns one input line into the authenticator record it holds, or `undefined` when it holds none.
 *
 * Accepted (reference §4): raw logrus text with quoted or bare values in any order, after any prefix
 * without `=` (an ingestion timestamp, a stern `pod container` or kail `ns/pod[container]:` prefix,
 * a markdown table cell); CloudWatch Logs Insights CSV rows (doubled
 * quotes, the header glued to the first row); Docker json-file lines; logrus' JSON formatter.
 *
 * This runs once per line of multi-GB files, so it does as little as it can: one `indexOf` rejects
 * lines without `msg`, and values are scanned with `indexOf`, never with a regex over the line.
 * Never throws.
 */
export function parseLine(line: string): AuthenticatorRecord | undefined {
  if (line.length > MAX_LINE_LENGTH) return undefined;
  const msgAt = line.indexOf('msg=');
  if (msgAt === -1) {
    return line.includes('"msg"') ? parseJsonLine(line) : undefined;
  }
  const firstChar = firstNonSpace(line);
  if (line.charCodeAt(firstChar) === OPEN_BRACE) return parseJsonLine(line);
  if (line.startsWith('msg=""', msgAt)) return parseCsvRow(line);
  return parseLogfmt(line);
}

/** CloudWatch Logs caps an event at 256 KB; anything far longer is not an authenticator line. */
const MAX_LINE_LENGTH = 1 << 20;
const OPEN_BRACE = 123;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;

function firstNonSpace(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === SPACE || line.charCodeAt(i) === TAB)) i++;
  return i;
}

/**
 * Scans `key=value` pairs. Values are bare (up to the next space) or Go-quoted; a quote ends at the
 * first `"` not preceded by an odd number of backslashes, so text inside a quoted value (attacker-
 * controlled for token errors) can never pose as a field. Tokens without `=` are skipped: that is
 * how prefixes and elisions fall away.
 */
export function parseLogfmt(line: string): AuthenticatorRecord | undefined {
  let time: string | undefined;
  let level: string | undefined;
  let msg: string | undefined;
  const fields: Record<string, string> = {};
  const end = line.length;
  let firstFieldAt = -1;
  let i = 0;
  while (i < end) {
    while (i < end && (line.charCodeAt(i) === SPACE || line.charCodeAt(i) === TAB)) i++;
    if (i >= end) break;
    const equals = line.indexOf('=', i);
    if (equals === -1) break;
    const space = line.indexOf(' ', i);
    if (space !== -1 && space < equals) {
      i = space + 1; // A token without `=` (a markdown `|`, an elided `...`): not a field.
      continue;
    }
    if (firstFieldAt === -1) firstFieldAt = i;
    const key = line.slice(i, equals);
    let value: string;
    if (line.charCodeAt(equals + 1) === QUOTE) {
      const close = closingQuote(line, equals + 2);
      value = unquoteGo(line.slice(equals + 2, close));
      i = close + 1;
    } else {
      let stop = line.indexOf(' ', equals + 1);
      if (stop === -1) stop = end;
      value = line.slice(equals + 1, stop);
      i = stop;
    }
    if (key === 'msg') msg ??= value;
    else if (key === 'time') time ??= value;
    else if (key === 'level') level ??= value;
    else if (!(key in fields)) fields[key] = value;
  }
  if (msg === undefined) return undefined;
  if (time === undefined) time = leadingTimestamp(line.slice(0, firstFieldAt));
  return { time, level, msg, fields };
}

/** Index of the quote closing a Go-quoted value whose body starts at `from` (end of line if none). */
function closingQuote(line: string, from: number): number {
  let at = line.indexOf('"', from);
  while (at !== -1) {
    let backslashes = 0;
    while (line.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = line.indexOf('"', at + 1);
  }
  return line.length;
}

const TIMESTAMP = /(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;

/** An ingestion time before the body (export prefix, CSV `@timestamp`), used when `time=` is missing. */
function leadingTimestamp(prefix: string): string | undefined {
  if (prefix.length === 0) return undefined;
  return TIMESTAMP.exec(prefix)?.[1];
}

/**
 * A Logs Insights CSV row: `…,"time=""…"" level=… msg=""…"" …"`. The message is the last column;
 * inner quotes are doubled. The header (`@logStream,@timestamp,@message`) may share the line.
 */
function parseCsvRow(line: string): AuthenticatorRecord | undefined {
  const open = line.lastIndexOf(',"', line.indexOf('=""'));
  const start = open === -1 ? 0 : open + 2;
  let stop = line.lastIndexOf('"');
  if (stop <= start) stop = line.length;
  const record = parseLogfmt(line.slice(start, stop).replaceAll('""', '"'));
  if (record === undefined || record.time !== undefined) return record;
  return { ...record, time: leadingTimestamp(line.slice(0, start)) };
}

/**
 * Docker json-file (`{"log":"time=\"…\" …\n","stream":"stderr","time":"…"}`) wraps a text line;
 * logrus' JSON formatter (`{"level":…,"msg":…,…}`) is the record itself.
 */
function parseJsonLine(line: string): AuthenticatorRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line.slice(firstNonSpace(line)));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.log === 'string') {
    const record = parseLogfmt(object.log.trimEnd());
    if (record === undefined || record.time !== undefined) return record;
    return { ...record, time: typeof object.time === 'string' ? object.time : undefined };
  }
  if (typeof object.msg !== 'string') return undefined;
  const fields: Record<string, string> = {};
  for (const [key, field] of Object.entries(object)) {
    if (key === 'msg' || key === 'time' || key === 'level' || field === null || field === undefined) continue;
    fields[key] = typeof field === 'string' ? field : JSON.stringify(field);
  }
  return {
    time: typeof object.time === 'string' ? object.time : undefined,
    level: typeof object.level === 'string' ? object.level : undefined,
    msg: object.msg,
    fields,
  };
}
