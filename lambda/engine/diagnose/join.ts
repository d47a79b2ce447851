import { type ParseOptions, parseLine } from '../parse/parse';
import type { AuthenticatorRecord } from '../types';

/**
 * Joins an `STS response` line with the `access denied` line of the same request.
 *
 * The two share `client` (the apiserver's loopback port) and `time`; the STS line alone carries the
 * access key ID, account, unique ID and session name (how a node's `i-…` session is known). The join
 * copies those into the denial as `accesskeyid`, `accountid`, `userid`, `session` and `stsarn`.
 *
 * On a busy cluster nearly every line is an `STS response` and nearly none is a denial, so STS lines
 * are kept raw in a small ring of the most recent ones and parsed only when a denial matches.
 */
export class StsResponseJoin {
  // Parallel arrays rather than an object per line: nearly every line of a busy log passes through.
  private readonly times: (string | undefined)[];
  private readonly lines: string[];
  private next = 0;
  /** How many slots hold a line: a stream of denials alone (the Lambda's) has nothing to search. */
  private filled = 0;

  /** `capacity`: how many recent STS lines to keep; a denial follows its own within a few lines. */
  constructor(private readonly capacity = 256) {
    this.times = new Array(capacity).fill(undefined);
    this.lines = new Array(capacity).fill('');
  }

  /**
   * Remembers an `STS response`, or returns a denial enriched by its request's STS line. A caller that
   * only needs to know whether the line was found (`factsWanted` false) gets a copy of the record
   * without the STS facts (so `!== record` says it was found), and the STS line is read only as far as
   * its `client`: the ring finds and consumes exactly the same lines either way.
   */
  accept(record: AuthenticatorRecord, line: string, factsWanted = true): AuthenticatorRecord {
    if (record.msg === 'STS response') {
      this.times[this.next] = record.time;
      this.lines[this.next] = line;
      this.next = (this.next + 1) % this.capacity;
      if (this.filled < this.capacity) this.filled++;
      return record;
    }
    const client = record.fields.client;
    // Token and STS failures happen before STS answers: only a denial with an ARN has an STS line.
    if (record.msg !== 'access denied' || client === undefined || record.fields.arn === undefined)
      return record;
    const sts = this.find(record.time, client, factsWanted ? STS_FIELDS : CLIENT_ONLY);
    return sts === undefined ? record : withStsFields(record, sts);
  }

  /** The newest STS line of the same second whose `client` is the denial's, read for `fields`. */
  private find(
    time: string | undefined,
    client: string,
    fields: ParseOptions,
  ): AuthenticatorRecord | undefined {
    // Cheap test first (no string built for it); the parse below confirms it is the `client` field.
    for (let age = 1; age <= this.filled; age++) {
      const slot = (this.next - age + this.capacity) % this.capacity;
      const stsTime = this.times[slot];
      // Logs are in time order: once the ring reaches an earlier second, the request's line is gone.
      if (time !== undefined && stsTime !== undefined && stsTime !== time && stsTime < time) break;
      const line = this.lines[slot] ?? '';
      if (stsTime !== time || !line.includes(client)) continue;
      const sts = parseLine(line, fields);
      if (sts?.fields.client === client) {
        this.times[slot] = undefined; // One STS line answers one request.
        return sts;
      }
    }
    return undefined;
  }
}

/** What the join reads of the matching STS line. */
const STS_FIELDS = { fields: ['accesskeyid', 'accountid', 'arn', 'client', 'session', 'userid'] } as const;
/** Enough to know it matches: the first `client` is the one the full read would give. */
const CLIENT_ONLY = { fields: ['client'] } as const;

/**
 * The denial keeps its own fields; the STS line only fills in what it lacks. Written out field by
 * field: object spread with computed keys measured 60 times slower here, on a path every mapping
 * failure takes.
 */
export function withStsFields(record: AuthenticatorRecord, sts: AuthenticatorRecord): AuthenticatorRecord {
  const fields: Record<string, string> = Object.assign({}, record.fields);
  const from = sts.fields;
  if (fields.accesskeyid === undefined && from.accesskeyid !== undefined)
    fields.accesskeyid = from.accesskeyid;
  if (fields.accountid === undefined && from.accountid !== undefined) fields.accountid = from.accountid;
  if (fields.userid === undefined && from.userid !== undefined) fields.userid = from.userid;
  if (fields.session === undefined && from.session !== undefined) fields.session = from.session;
  if (fields.stsarn === undefined && from.arn !== undefined) fields.stsarn = from.arn;
  return { time: record.time, level: record.level, msg: record.msg, fields };
}
