import { parseLine } from './parse';
import type { AuthenticatorRecord } from './types';

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
  private readonly ring: { time: string | undefined; line: string }[] = [];
  private next = 0;

  /** `capacity`: how many recent STS lines to keep; a denial follows its own within a few lines. */
  constructor(private readonly capacity = 256) {}

  /** Remembers an `STS response`, or returns a denial enriched by its request's STS line. */
  accept(record: AuthenticatorRecord, line: string): AuthenticatorRecord {
    if (record.msg === 'STS response') {
      this.remember(record.time, line);
      return record;
    }
    const client = record.fields.client;
    // Token and STS failures happen before STS answers: only a denial with an ARN has an STS line.
    if (record.msg !== 'access denied' || client === undefined || record.fields.arn === undefined)
      return record;
    const sts = this.find(record.time, client);
    return sts === undefined ? record : withStsFields(record, sts);
  }

  private remember(time: string | undefined, line: string): void {
    if (this.ring.length < this.capacity) this.ring.push({ time, line });
    else this.ring[this.next] = { time, line };
    this.next = (this.next + 1) % this.capacity;
  }

  /** The newest STS line of the same second whose `client` is the denial's, parsed in full. */
  private find(time: string | undefined, client: string): AuthenticatorRecord | undefined {
    // Cheap test first; the parse below confirms it is really the `client` field.
    const clientField = `client="${client}"`;
    for (let age = 1; age <= this.ring.length; age++) {
      const slot = (this.next - age + this.capacity) % this.capacity;
      const entry = this.ring[slot];
      if (entry === undefined) continue;
      // Logs are in time order: once the ring reaches an earlier second, the request's line is gone.
      if (time !== undefined && entry.time !== undefined && entry.time < time) break;
      if (entry.time !== time || !entry.line.includes(clientField)) continue;
      const sts = parseLine(entry.line, { allFields: true });
      if (sts?.fields.client === client) {
        this.ring[slot] = { time: undefined, line: '' }; // One STS line answers one request.
        return sts;
      }
    }
    return undefined;
  }
}

const JOINED_FIELDS = ['accesskeyid', 'accountid', 'userid', 'session'] as const;

/** The denial keeps its own fields; the STS line only fills in what it lacks. */
export function withStsFields(record: AuthenticatorRecord, sts: AuthenticatorRecord): AuthenticatorRecord {
  const fields: Record<string, string> = { ...record.fields };
  for (const name of JOINED_FIELDS) {
    const value = sts.fields[name];
    if (value !== undefined && fields[name] === undefined) fields[name] = value;
  }
  if (sts.fields.arn !== undefined && fields.stsarn === undefined) fields.stsarn = sts.fields.arn;
  return { ...record, fields };
}
