import type { AuthenticatorRecord } from '../types';
import { detachValues, MAX_KEPT_TEXT } from './detach';
import { unquoteGo } from './go-quote';
import { CLIENT_OPEN, LineShapes } from './line-shapes';
import { isAt, Literal } from './text-at';

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
export function parseLine(line: string, options?: ParseOptions): AuthenticatorRecord | undefined {
  if (line.length > MAX_LINE_LENGTH) return undefined;
  // The shape EKS writes goes straight to the scanner; only other shapes need telling apart.
  if (isAt(line, 0, TIME_OPEN)) return parseAfterHead(line, canonicalHead(line, options?.times), options);
  // Typographic copies (reference §4.1) are put back before anything reads their quotes.
  const plain = TYPOGRAPHIC.test(line)
    ? line.replace(TYPOGRAPHIC_GLOBAL, (char) => TYPOGRAPHIC_PLAIN[char] ?? char)
    : line;
  if (plain !== line && isAt(plain, 0, TIME_OPEN)) return parseLogfmt(plain, options);
  return parseKnownShape(plain, options) ?? parseWild(plain, options);
}

/**
 * Whether the line is a grant as EKS writes it (`time="<RFC 3339>" level=info msg="access granted" …`),
 * known from its head alone: `parseLine` reads such a line as an `access granted` record, whatever
 * follows. For a reader that only counts grants (the CLI's report): most lines of a busy log are
 * grants, and this costs two comparisons.
 */
export function isCanonicalGrant(line: string): boolean {
  return isCanonicalHead(line, GRANT_HEAD);
}

/**
 * Whether the line is an `STS response` as EKS writes it, known from its head alone: `parseLine` reads
 * it as the record `canonicalStsResponse` gives, whatever follows. Nearly half of a busy log; a reader
 * that only needs it for the join (the CLI's report) hands it on unparsed.
 */
export function isCanonicalStsResponse(line: string): boolean {
  return isCanonicalHead(line, STS_HEAD);
}

function isCanonicalHead(line: string, head: CommonHead): boolean {
  return (
    line.length <= MAX_LINE_LENGTH &&
    line.charCodeAt(TIME_END) === QUOTE &&
    // One character tells most other heads apart (grant, STS response, denial) before any comparison.
    line.charCodeAt(TIME_END + 1 + head.msgOffset) === head.msgFirst &&
    isAt(line, 0, TIME_OPEN) &&
    head.literal.isAt(line, TIME_END + 1)
  );
}

/**
 * The record of a line `isCanonicalStsResponse` said yes to, as `parseLine` reads it with the fields
 * the classifier keeps of an `STS response` (none), without the parse.
 */
export function canonicalStsResponse(line: string, times: TimeStrings): AuthenticatorRecord {
  return { time: times.of(line), level: STS_HEAD.level, msg: STS_HEAD.msg, fields: NO_FIELDS };
}

/**
 * Whether `options` keep no field of an `STS response` (the classifier's default): then, for a line
 * `isCanonicalStsResponse` accepts, `canonicalStsResponse` gives what `parseLine` would.
 */
export function keepsNoStsResponseFields(options: ParseOptions): boolean {
  return options.allFields !== true && fieldsFor(STS_HEAD.msg, options).length === 0;
}

/**
 * The record of a grant as EKS writes it, read from its head and a leading plainly quoted `arn`
 * (`isCanonicalGrant`, then ` arn="…" `): what `parseLine(line, options)` gives when `options` asks
 * for a grant's `arn` alone (the classifier's fields, and the timeline's). Otherwise undefined, and
 * the line takes `parseLine`. Most lines of a busy log are grants; this is their record without the
 * general parse's steps.
 */
export function canonicalGrant(line: string, options: ParseOptions): AuthenticatorRecord | undefined {
  if (options.allFields === true || !isCanonicalGrant(line)) return undefined;
  const wanted = fieldsFor(GRANT_HEAD.msg, options);
  if (wanted.length !== 1 || wanted[0] !== 'arn') return undefined;
  const arn = leadingValue(line, GRANT_FIELDS_AT, 'arn');
  if (arn === undefined) return undefined;
  const time = options.times ? options.times.of(line) : copiedTime(line);
  // Built as parseLine builds it: one shape of record and of fields, wherever they were read.
  return { time, level: GRANT_HEAD.level, msg: GRANT_HEAD.msg, fields: oneField('arn', arn) };
}

function parseKnownShape(line: string, options?: ParseOptions): AuthenticatorRecord | undefined {
  const msgAt = line.indexOf('msg=');
  if (msgAt === -1) {
    return line.includes('"msg"') ? parseJsonLine(line, options) : undefined;
  }
  const firstChar = firstNonSpace(line);
  if (line.charCodeAt(firstChar) === OPEN_BRACE) return parseJsonLine(line, options);
  if (line.startsWith('msg=""', msgAt)) return parseCsvRow(line, options);
  return parseLogfmt(line, options);
}

/**
 * The wrappers of reference §4.1, tried only once the known shapes found nothing (the canonical path
 * never gets here): client-go's klog lines are skipped; the logrus TTY form (`WARN[…] access denied   client=…`) is read as the text form; an error value
 * pasted alone is read as the `error=` of a denial. Never throws.
 */
function parseWild(line: string, options?: ParseOptions): AuthenticatorRecord | undefined {
  if (KLOG.test(line)) return undefined;
  return parseTtyOrBare(line, options);
}

function parseTtyOrBare(line: string, options?: ParseOptions): AuthenticatorRecord | undefined {
  const tty = TTY.exec(line);
  if (tty !== null) {
    const [, levelCode = '', stamp = '', message = '', rest = ''] = tty;
    const time = RFC3339.test(stamp) ? stamp : undefined;
    const head = `level=${TTY_LEVELS[levelCode] ?? levelCode.toLowerCase()} msg=${JSON.stringify(message.trim())}`;
    const record = parseLogfmt(`${head} ${rest}`, options);
    return record === undefined ? undefined : { ...record, time: record.time ?? time };
  }
  return bareError(line);
}

/** A client-go klog line (`W0729 07:36:06.265507       1 client_config.go:615] …`): not the authenticator's. */
const KLOG = /^\s*[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\]/;
/** `LEVL[timestamp] message   key=value …`: the message ends where two or more spaces begin. */
const TTY = /^\s*(TRAC|DEBU|INFO|WARN|ERRO|FATA|PANI)\[([^\]]*)\]\s*(.*?)(?:\s{2,}(.*))?$/;
const TTY_LEVELS: Readonly<Record<string, string>> = {
  TRAC: 'trace',
  DEBU: 'debug',
  INFO: 'info',
  WARN: 'warning',
  ERRO: 'error',
  FATA: 'fatal',
  PANI: 'panic',
};
const RFC3339 = /^\d{4}-\d{2}-\d{2}T/;
const TYPOGRAPHIC = /[\u201c\u201d\u201e\u2018\u2019\u2013\u2014\u2212]/;
const TYPOGRAPHIC_GLOBAL = new RegExp(TYPOGRAPHIC.source, 'g');
const TYPOGRAPHIC_PLAIN: Readonly<Record<string, string>> = {
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2018': "'",
  '\u2019': "'",
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
};

/**
 * How an error value pasted alone starts (the family prefixes and the unprefixed mapping wordings),
 * lower-case; `could not verify token: ` (the verify CLI) and a quote may stand before it.
 */
const BARE_ERROR_STARTS = [
  'input token was not properly formatted:',
  'sts getcalleridentity failed:',
  'sts getcalleridentity was throttled:',
  'identity is not mapped',
  'arn is not mapped',
  'mapper ',
  'failed mapping username:',
  'failed mapping group:',
];
const BARE_PREFIX = /^[\s"'`>*-]*(?:could not verify token:\s*|error[:=]\s*"?)?/i;

/** A bare error value (`sts getCallerIdentity failed: …`), as the `error=` of a denial. */
function bareError(line: string): AuthenticatorRecord | undefined {
  const start = BARE_PREFIX.exec(line)?.[0].length ?? 0;
  const head = line.slice(start, start + 40).toLowerCase();
  if (!BARE_ERROR_STARTS.some((phrase) => head.startsWith(phrase))) return undefined;
  let error = line.slice(start).trimEnd();
  if (error.endsWith('"') && !error.endsWith('\\"')) error = error.slice(0, -1);
  return { msg: 'access denied', level: 'warning', fields: { error: error.replaceAll('\\"', '"') } };
}

/** CloudWatch Logs caps an event at 256 KB; anything far longer is not an authenticator line. */
const MAX_LINE_LENGTH = 1 << 20;
const OPEN_BRACE = 123;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const EQUALS = 61;
const BACKSLASH = 92;

function firstNonSpace(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === SPACE || line.charCodeAt(i) === TAB)) i++;
  return i;
}

/** Which fields one reader of the log keeps, by kind of line; the scan stops once they are found. */
export interface FieldsByMessage {
  readonly 'access denied': readonly string[];
  readonly 'STS response': readonly string[];
  readonly 'access granted': readonly string[];
  readonly other: readonly string[];
}

/**
 * What the classifier reads of each kind of line; other fields are skipped unless all are asked for.
 * Successful authentications are most of a log and need little: an `STS response` nothing up front
 * (the join parses one in full only when a denial matches it), a grant its ARN (who had access; the
 * log memory reads the rest of the line only if that ARN is denied later).
 */
const CLASSIFIER_FIELDS = {
  'access denied': ['arn', 'client', 'error'],
  'STS response': [],
  'access granted': ['arn'],
  other: ['error'],
} as const satisfies FieldsByMessage;

/**
 * The fields to keep of a line with this `msg`: the caller's list, else its table's entry (the
 * classifier's by default). A switch rather than a table lookup: no hashing of a fresh string on every line.
 */
function fieldsFor(msg: string, options: ParseOptions | undefined): readonly string[] {
  if (options?.fields !== undefined) return options.fields;
  const table = options?.fieldsByMessage ?? CLASSIFIER_FIELDS;
  switch (msg) {
    case 'access denied':
      return table['access denied'];
    case 'STS response':
      return table['STS response'];
    case 'access granted':
      return table['access granted'];
    default:
      return table.other;
  }
}

/**
 * Every key the authenticator writes, grouped by length. Keys are recognised in place against this
 * table instead of being sliced out of the line: on a busy log that slicing alone cost more than
 * finding every field.
 */
const KNOWN_KEYS_BY_LENGTH: readonly (readonly string[])[] = (() => {
  const keys = [
    ...['time', 'level', 'msg', 'method', 'path', 'sts', 'stsendpoint', 'http'],
    ...['accesskeyid', 'accountid', 'client', 'session', 'userid', 'groups', 'uid', 'username'],
    ...new Set(Object.values(CLASSIFIER_FIELDS).flat()),
  ];
  const byLength: string[][] = [];
  for (const key of keys) {
    const sameLength = byLength[key.length] ?? [];
    sameLength.push(key);
    byLength[key.length] = sameLength;
  }
  return byLength;
})();
const MAX_KEY_LENGTH = 64;

export interface ParseOptions {
  /** Keep every field, not only those the classifier reads (for `--format json`). */
  readonly allFields?: boolean;
  /** Keep exactly these fields (besides time, level and msg), whatever the kind of line. */
  readonly fields?: readonly string[];
  /** Keep these fields for each kind of line (default: what the classifier reads). */
  readonly fieldsByMessage?: FieldsByMessage;
  /** Hands out one string per distinct time; owned by whoever parses one stream (a diagnoser). */
  readonly times?: TimeStrings;
  /** Remembers the fields of denials by their shape; owned, like `times`, by whoever parses one stream. */
  readonly denials?: DenialShapes;
}

/**
 * Scans `key=value` pairs. Values are bare (up to the next space) or Go-quoted; a quote ends at the
 * first `"` not preceded by an odd number of backslashes, so text inside a quoted value (attacker-
 * controlled for token errors) can never pose as a field. Tokens that are not `key=` are skipped:
 * that is how prefixes and elisions fall away.
 */
export function parseLogfmt(line: string, options?: ParseOptions): AuthenticatorRecord | undefined {
  const head = isAt(line, 0, TIME_OPEN) ? canonicalHead(line, options?.times) : undefined;
  return parseAfterHead(line, head, options);
}

function parseAfterHead(
  line: string,
  head: HeadRecord | undefined,
  options: ParseOptions | undefined,
): AuthenticatorRecord | undefined {
  if (head === undefined) return scanAll(line, options, undefined);
  if (options?.allFields === true) return scanAll(line, options, head);
  const wanted = fieldsFor(head.msg, options);
  // One bit per wanted field; a longer list (never asked for by the engine) takes the general scan.
  if (wanted.length > 31) return scanAll(line, options, head);
  const start = fieldsAfter(head);
  const leading = wanted.length === 1 ? leadingValue(line, start, wanted[0] as string) : undefined;
  if (wanted.length === 0) head.fields = NO_FIELDS;
  else if (leading !== undefined) head.fields = oneField(wanted[0] as string, leading);
  else if (head.msg === DENIAL && options?.denials !== undefined)
    head.fields = denialFields(line, start, wanted, options.denials);
  else if (head.msg === STS_HEAD.msg)
    head.fields = stsResponseFields(line, start, wanted) ?? scanWanted(line, start, wanted);
  else head.fields = scanWanted(line, start, wanted);
  return head;
}

/** The keys of an `STS response` after its head, in the order EKS writes them (alphabetical, reference §2). */
export const STS_RESPONSE_KEYS = [
  'accesskeyid',
  'accountid',
  'arn',
  'client',
  'method',
  'path',
  'session',
  'stsendpoint',
  'userid',
] as const;

/**
 * `scanWanted` of an `STS response` as EKS writes it, read in order: each ` key=value` one of
 * STS_RESPONSE_KEYS after the one before (any may be missing, as on older versions), one space
 * apart, a quoted value without escapes and closed before a space or the end. Undefined at anything
 * else, and the scan decides. Every denial joined to its request reads one of these lines: this
 * skips the scan's search among every key the authenticator writes.
 */
function stsResponseFields(
  line: string,
  start: number,
  wanted: readonly string[],
): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  let missing = wanted.length;
  let nextKey = 0;
  let i = start;
  while (missing > 0 && i < line.length) {
    if (line.charCodeAt(i) !== SPACE) return undefined;
    const equals = line.indexOf('=', i + 1);
    if (equals === -1) return undefined;
    let k = nextKey;
    while (k < STS_RESPONSE_KEYS.length) {
      const candidate = STS_RESPONSE_KEYS[k] as string;
      if (candidate.length === equals - i - 1 && isAt(line, i + 1, candidate)) break;
      k++;
    }
    const key = STS_RESPONSE_KEYS[k];
    if (key === undefined) return undefined;
    nextKey = k + 1;
    let value: string;
    if (line.charCodeAt(equals + 1) === QUOTE) {
      const close = line.indexOf('"', equals + 2);
      if (close === -1 || (close + 1 < line.length && line.charCodeAt(close + 1) !== SPACE)) return undefined;
      value = line.slice(equals + 2, close);
      if (value.includes('\\')) return undefined;
      i = close + 1;
    } else {
      const space = line.indexOf(' ', equals + 1);
      i = space === -1 ? line.length : space;
      value = line.slice(equals + 1, i);
    }
    // Each key after the one before: none repeats, so the first of a field is the one read.
    if (wanted.includes(key)) {
      setField(fields, key, value);
      missing--;
    }
  }
  return fields;
}

/**
 * The value of `key` when it is the first field after the head, quoted, without escapes and followed
 * by a space (a grant's `arn` as EKS writes it): what `scanWanted(line, start, [key])` reads, without
 * the scan. Otherwise undefined, and the scan decides.
 */
function leadingValue(line: string, start: number, key: string): string | undefined {
  const valueAt = start + key.length + 3;
  if (
    line.charCodeAt(start) !== SPACE ||
    line.charCodeAt(valueAt - 2) !== EQUALS ||
    line.charCodeAt(valueAt - 1) !== QUOTE ||
    !isAt(line, start + 1, key)
  )
    return undefined;
  const close = line.indexOf('"', valueAt);
  if (close === -1 || line.charCodeAt(close + 1) !== SPACE) return undefined;
  const value = line.slice(valueAt, close);
  return value.includes('\\') ? undefined : value;
}

function oneField(key: string, value: string): Record<string, string> {
  const fields: Record<string, string> = {};
  setField(fields, key, value);
  return fields;
}

const DENIAL = 'access denied';
/** Where the `=` of a `client="` found at some index stands. */
const CLIENT_EQUALS = ' client'.length;

/** What a denial's shape was read as: its fields, for the fields wanted. Detached, shared by every repeat. */
interface DenialShape {
  readonly wanted: readonly string[];
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * The fields of a stream's denials, by their shape (see LineShapes): everything after the head apart
 * from the `client` value and, when the denial starts with it, the `arn` value. A storm repeats one
 * denial with a new time and port, and its `error=` (an STS body with a dozen escapes, a template
 * error) is the costliest value of a log to read; a repeat costs a comparison of the two parts
 * instead. The ARN is cut out too because an org-wide cluster's mapping failures are one denial from
 * thousands of principals: with the ARN in their shape each was new, and a new shape is scanned and
 * copied (about a tenth of the engine's instructions on the bench's 50,000-role log). Bounded: 1,024
 * shapes of each kind, none of a denial longer than MAX_KEPT_TEXT after its head (a forged long line
 * is scanned each time).
 */
export class DenialShapes {
  /** Shapes of the text after the head. */
  readonly shapes = new LineShapes<DenialShape>(1_024);
  /** Shapes of the text after a leading `arn="…"`, which is read as the line's ARN. */
  readonly afterArn = new LineShapes<DenialShape>(1_024);

  /** How many shapes are held, of both kinds. */
  get size(): number {
    return this.shapes.size + this.afterArn.size;
  }
}

/** Where `scanWanted` last read a `client` key's `=`: tells the denial memo which `client="` the scan read. */
let clientEqualsRead = -1;

const ARN_OPEN = ' arn="';

/**
 * `scanWanted` of a denial, through its shape. Two lines of one shape differ only inside the first
 * `client="…"` value (which holds no quote by how it is found, and no backslash by the check below)
 * and, for the shapes after an ARN, inside a leading `arn="…"` value (the same holds of it). A scan
 * reads each such value as a whole and nothing else of it, so both scan alike except for those
 * values. A shape is remembered only when the scan read those very values as `client` and `arn`: a
 * line where the first `client="` is not the field (inside another value, or after an earlier bare
 * `client=`) is always scanned. An `arn` the caller does not want is left in the shape. (The scan
 * keeps the first value of a key, so a leading `arn` it wants is always the one read.)
 */
function denialFields(
  line: string,
  start: number,
  wanted: readonly string[],
  denials: DenialShapes,
): Readonly<Record<string, string>> {
  // Only an ARN the caller wants is cut out: any other stays in the shape, as the rest of the line does.
  const cutsArn = wanted.includes('arn') && isAt(line, start, ARN_OPEN);
  const arnEnd = cutsArn ? line.indexOf('"', start + ARN_OPEN.length) : -1;
  const shapeAt = arnEnd === -1 ? start : arnEnd + 1;
  const clientAt = line.indexOf(CLIENT_OPEN, shapeAt);
  const valueAt = clientAt + CLIENT_OPEN.length;
  const valueEnd = clientAt === -1 ? -1 : line.indexOf('"', valueAt);
  if (valueEnd === -1) return scanWanted(line, start, wanted);
  const lengths = LineShapes.lengthsOf(line, shapeAt, clientAt, valueEnd);
  const client = line.slice(valueAt, valueEnd);
  const arn = arnEnd === -1 ? undefined : line.slice(start + ARN_OPEN.length, arnEnd);
  if (
    lengths === -1 ||
    line.length - start > MAX_KEPT_TEXT ||
    client.includes('\\') ||
    arn?.includes('\\') === true
  )
    return scanWanted(line, start, wanted);
  const shapes = arn === undefined ? denials.shapes : denials.afterArn;
  const known = shapes.get(lengths, line, shapeAt, clientAt, valueEnd);
  if (known !== undefined && known.wanted === wanted) {
    const fields: Record<string, string> = Object.assign({}, known.fields);
    fields.client = client;
    if (arn !== undefined) fields.arn = arn;
    return fields;
  }
  clientEqualsRead = -1;
  const fields = scanWanted(line, start, wanted);
  if (
    known === undefined &&
    clientEqualsRead === clientAt + CLIENT_EQUALS &&
    fields.client === client &&
    (arn === undefined || fields.arn === arn)
  ) {
    shapes.add(lengths, line, shapeAt, clientAt, valueEnd, { wanted, fields: detachValues(fields) });
  }
  return fields;
}

/** A record whose `time`, `level` and `msg` were read from a canonical head; its fields come next. */
interface HeadRecord extends AuthenticatorRecord {
  readonly time: string;
  readonly level: string;
  fields: Readonly<Record<string, string>>;
}

/** Where a canonical head ends (its values were taken as written, without escapes). */
function fieldsAfter(head: HeadRecord): number {
  // time="…" level=… msg="…"
  return 6 + head.time.length + 8 + head.level.length + 6 + head.msg.length + 1;
}

/**
 * Every line EKS writes starts `time="<RFC 3339>" level=<level> msg="<message>"`. An RFC 3339 time
 * without fractions ends at a fixed place, and the usual level and message pairs are recognised in
 * one comparison where they stand: no searching for the common case. A head whose message holds an
 * escape is left to the general scan.
 */
function canonicalHead(line: string, times: TimeStrings | undefined): HeadRecord | undefined {
  // The caller has seen `time="` at the start.
  const timeEnd = line.charCodeAt(TIME_END) === QUOTE ? TIME_END : line.indexOf('"', 6);
  if (timeEnd === -1) return undefined;
  const time = timeEnd !== TIME_END ? line.slice(6, timeEnd) : times ? times.of(line) : copiedTime(line);
  const common = commonHeadAt(line, timeEnd + 1);
  if (common !== undefined) return { time, level: common.level, msg: common.msg, fields: NO_FIELDS };
  if (!isAt(line, timeEnd + 1, ' level=')) return undefined;
  const levelAt = timeEnd + 8;
  const levelEnd = line.indexOf(' ', levelAt);
  if (levelEnd === -1 || !isAt(line, levelEnd + 1, 'msg="')) return undefined;
  const msgAt = levelEnd + 6;
  const msgEnd = closingQuote(line, msgAt);
  const msg = line.slice(msgAt, msgEnd);
  if (msg.includes('\\')) return undefined;
  return { time, level: line.slice(levelAt, levelEnd), msg, fields: NO_FIELDS };
}

/** A level and message EKS writes on most lines, as they stand after the time. */
interface CommonHead {
  readonly level: string;
  readonly msg: string;
  readonly literal: Literal;
  /** Where the message starts in `literal`, and its first character. */
  readonly msgOffset: number;
  readonly msgFirst: number;
}

function commonHead(level: string, msg: string): CommonHead {
  const before = ` level=${level} msg="`;
  return {
    level,
    msg,
    literal: new Literal(`${before}${msg}"`),
    msgOffset: before.length,
    msgFirst: msg.charCodeAt(0),
  };
}

const GRANT_HEAD = commonHead('info', 'access granted');
const STS_HEAD = commonHead('info', 'STS response');

// Indexed by the level's first character, then tried in turn (they differ in their first pieces).
const COMMON_HEADS: readonly (readonly CommonHead[] | undefined)[] = (() => {
  const heads = [STS_HEAD, GRANT_HEAD, commonHead('warning', 'access denied')];
  const index: CommonHead[][] = [];
  for (const head of heads) {
    const first = head.level.charCodeAt(0);
    index[first] = [...(index[first] ?? []), head];
  }
  return index;
})();
const LEVEL_OFFSET = ' level='.length;

function commonHeadAt(line: string, at: number): CommonHead | undefined {
  const candidates = COMMON_HEADS[line.charCodeAt(at + LEVEL_OFFSET)];
  if (candidates === undefined) return undefined;
  for (const head of candidates) if (head.literal.isAt(line, at)) return head;
  return undefined;
}

/**
 * The fields of `wanted` after a canonical head; everything else is stepped over, quoted values
 * whole. Stops once all are found: EKS sorts its fields, and the ones a kind of line needs come
 * early. The first of a repeated field wins, as in `scanAll`.
 */
function scanWanted(line: string, start: number, wanted: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  const end = line.length;
  let found = 0; // One bit per index of `wanted`.
  let missing = wanted.length;
  let i = start;
  while (i < end && missing > 0) {
    if (line.charCodeAt(i) === SPACE || line.charCodeAt(i) === TAB) {
      i++;
      continue;
    }
    const equals = line.indexOf('=', i);
    if (equals === -1) break;
    const index = wantedIndexAt(line, i, equals, wanted);
    const key = index === -1 ? undefined : (wanted[index] as string);
    if (key === undefined && knownKey(line, i, equals) === undefined && !isKey(line, i, equals)) {
      i = afterToken(line, i);
      continue;
    }
    const next = valueEnd(line, equals);
    if (key !== undefined && (found & (1 << index)) === 0) {
      if (key === 'client') clientEqualsRead = equals;
      setField(fields, key, valueText(line, equals, next));
      found |= 1 << index;
      missing--;
    }
    i = next;
  }
  return fields;
}

/**
 * The general scan, for any other shape (prefixes, hand-reordered fields, `msg` missing from the
 * head) and for `allFields`. `msg` fixes which fields are wanted; from then on only those are kept.
 */
function scanAll(line: string, options: ParseOptions | undefined, head: HeadRecord | undefined) {
  const allFields = options?.allFields === true;
  let time = head?.time;
  let level = head?.level;
  let msg = head?.msg;
  let wanted: readonly string[] | undefined;
  let missing = Number.POSITIVE_INFINITY;
  const fields: Record<string, string> = {};
  const end = line.length;
  let firstFieldAt = head === undefined ? -1 : 0;
  let i = head === undefined ? 0 : fieldsAfter(head);
  while (i < end && missing > 0) {
    const code = line.charCodeAt(i);
    if (code === SPACE || code === TAB) {
      i++;
      continue;
    }
    const equals = line.indexOf('=', i);
    if (equals === -1) break;
    const known = knownKey(line, i, equals);
    if (known === undefined && !isKey(line, i, equals)) {
      // A token that is not `key=` (a prefix, a markdown `|`, an elided `...`).
      i = afterToken(line, i);
      continue;
    }
    if (firstFieldAt === -1) firstFieldAt = i;
    const key = known ?? line.slice(i, equals);
    const next = valueEnd(line, equals);
    const keep = allFields || wanted === undefined || isRecordKey(key) || wanted.includes(key);
    const value = keep ? valueText(line, equals, next) : undefined;
    i = next;
    if (value === undefined) continue;
    if (key === 'msg') {
      if (msg !== undefined) continue;
      msg = value;
      if (!allFields) {
        wanted = fieldsFor(msg, options);
        // Fields before msg (hand-reordered lines) may already hold some of them; time is always wanted.
        missing = time === undefined ? 1 : 0;
        for (const name of wanted) if (fields[name] === undefined) missing++;
      }
    } else if (key === 'time') {
      if (time !== undefined) continue;
      time = value;
      if (wanted !== undefined) missing--;
    } else if (key === 'level') level ??= value;
    else if (fields[key] === undefined) {
      fields[key] = value;
      if (wanted?.includes(key)) missing--;
    }
  }
  if (msg === undefined) return undefined;
  if (time === undefined) time = leadingTimestamp(line.slice(0, firstFieldAt));
  return { time, level, msg, fields };
}

const NO_FIELDS: Readonly<Record<string, string>> = Object.freeze({});

/** `time="2026-11-24T10:00:00Z"`: where the closing quote of a time without fractions stands. */
const TIME_END = 26;
/** Where a canonical grant's fields start: the space after its head. */
const GRANT_FIELDS_AT = TIME_END + 1 + GRANT_HEAD.literal.length;

/**
 * The time of a canonical line as a string of its own: two copies of under 13 characters each (V8
 * copies such short slices), so a time kept beyond its line keeps no chunk of the file alive.
 */
function copiedTime(line: string): string {
  return line.slice(6, 18) + line.slice(18, TIME_END);
}

/**
 * The time of a canonical line (`time="2026-11-24T10:00:00Z"`, closing quote at TIME_END) as the same
 * string as the previous line's when they are equal. A busy cluster logs many lines a second, and one
 * string per second turns every later comparison of times (the join, the log memory) into an identity
 * check; compared in two short copies, which is fast (see text-at.ts). A one-entry cache, owned by
 * the diagnoser of one stream, so two streams parsed side by side never share or race for it.
 */
export class TimeStrings {
  private head = '';
  private tail = '';
  private text = '';

  of(line: string): string {
    const head = line.slice(6, 18);
    const tail = line.slice(18, TIME_END);
    if (head !== this.head || tail !== this.tail) {
      this.head = head;
      this.tail = tail;
      this.text = head + tail; // as copiedTime
    }
    return this.text;
  }
}

const TIME_OPEN = 'time="';

function isRecordKey(key: string): boolean {
  return key === 'msg' || key === 'time' || key === 'level';
}

/**
 * `fields[key] = value`, written out for the keys the engine reads: a store to a named property is
 * several times cheaper than one to a computed key, and this runs for most lines.
 */
function setField(fields: Record<string, string>, key: string, value: string): void {
  switch (key) {
    case 'arn':
      fields.arn = value;
      return;
    case 'client':
      fields.client = value;
      return;
    case 'error':
      fields.error = value;
      return;
    case 'accesskeyid':
      fields.accesskeyid = value;
      return;
    case 'accountid':
      fields.accountid = value;
      return;
    case 'session':
      fields.session = value;
      return;
    case 'userid':
      fields.userid = value;
      return;
    default:
      fields[key] = value;
  }
}

/** The index in `wanted` of the key spelled at `line[start, equals)`, or -1. */
function wantedIndexAt(line: string, start: number, equals: number, wanted: readonly string[]): number {
  const length = equals - start;
  for (let index = 0; index < wanted.length; index++) {
    const key = wanted[index] as string;
    if (key.length === length && isAt(line, start, key)) return index;
  }
  return -1;
}

/** Where the value after the `=` at `equals` ends: after its closing quote, or at the next space. */
function valueEnd(line: string, equals: number): number {
  if (line.charCodeAt(equals + 1) === QUOTE) return closingQuote(line, equals + 2) + 1;
  const space = line.indexOf(' ', equals + 1);
  return space === -1 ? line.length : space;
}

/** The value between the `=` at `equals` and `end` (from `valueEnd`), unquoted. */
function valueText(line: string, equals: number, end: number): string {
  return line.charCodeAt(equals + 1) === QUOTE
    ? unquoteGo(line.slice(equals + 2, end - 1))
    : line.slice(equals + 1, end);
}

/** Past a token that is not `key=`: the start of the next one, or the end of the line. */
function afterToken(line: string, start: number): number {
  const space = line.indexOf(' ', start);
  return space === -1 ? line.length : space + 1;
}

/** The interned key spelled at `line[start, end)`, if the authenticator is known to write it. */
function knownKey(line: string, start: number, end: number): string | undefined {
  const candidates = KNOWN_KEYS_BY_LENGTH[end - start];
  if (candidates === undefined) return undefined;
  for (const key of candidates) if (isAt(line, start, key)) return key;
  return undefined;
}

/** logrus keys are identifiers: letters, digits, `_` (and not absurdly long). */
function isKey(line: string, start: number, end: number): boolean {
  if (start === end || end - start > MAX_KEY_LENGTH) return false;
  for (let i = start; i < end; i++) {
    const code = line.charCodeAt(i);
    const isKeyChar =
      (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
    if (!isKeyChar) return false;
  }
  return true;
}

/** Index of the quote closing a Go-quoted value whose body starts at `from` (end of line if none). */
function closingQuote(line: string, from: number): number {
  // A closing quote is followed by a space or ends the line; an escaped one inside an STS body (a
  // dozen per line) is not followed by a space, so searching for `" ` skips them all at once.
  let at = line.indexOf('" ', from);
  while (at !== -1 && isEscaped(line, at)) at = line.indexOf('" ', at + 1);
  if (at !== -1) return at;
  const last = line.length - 1;
  if (last >= from && line.charCodeAt(last) === QUOTE && !isEscaped(line, last)) return last;
  // Anything else (a value cut off mid-way, a hand-edited line): the first unescaped quote, if any.
  at = line.indexOf('"', from);
  while (at !== -1 && isEscaped(line, at)) at = line.indexOf('"', at + 1);
  return at === -1 ? line.length : at;
}

function isEscaped(line: string, quoteAt: number): boolean {
  let backslashes = 0;
  while (line.charCodeAt(quoteAt - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
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
function parseCsvRow(line: string, options?: ParseOptions): AuthenticatorRecord | undefined {
  const open = line.lastIndexOf(',"', line.indexOf('=""'));
  const start = open === -1 ? 0 : open + 2;
  let stop = line.lastIndexOf('"');
  if (stop <= start) stop = line.length;
  const record = parseLogfmt(line.slice(start, stop).replaceAll('""', '"'), options);
  if (record === undefined || record.time !== undefined) return record;
  return { ...record, time: leadingTimestamp(line.slice(0, start)) };
}

/**
 * Docker json-file (`{"log":"time=\"…\" …\n","stream":"stderr","time":"…"}`) wraps a text line;
 * logrus' JSON formatter (`{"level":…,"msg":…,…}`) is the record itself.
 */
function parseJsonLine(line: string, options?: ParseOptions): AuthenticatorRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line.slice(firstNonSpace(line)));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.log === 'string') {
    const record = parseLogfmt(object.log.trimEnd(), options);
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
