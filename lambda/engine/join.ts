import type { AuthenticatorRecord } from './types';

/**
 * Joins an `STS response` line with the `access denied` or `access granted` line of the same request.
 *
 * The two share `client` (the apiserver's loopback port) and `time`; the STS line alone carries the
 * access key ID, account, unique ID and session name (how a node's `i-…` session is known). The join
 * copies those into the later record as `accesskeyid`, `accountid`, `userid`, `session` and `stsarn`.
 *
 * Memory is bounded: unmatched STS lines are forgotten oldest first.
 */
export class StsResponseJoin {
  private readonly pending = new Map<string, AuthenticatorRecord>();

  constructor(private readonly capacity = 1024) {}

  accept(record: AuthenticatorRecord): AuthenticatorRecord {
    const client = record.fields.client;
    if (client === undefined) return record;
    const key = `${client}|${record.time ?? ''}`;
    if (record.msg === 'STS response') {
      this.remember(key, record);
      return record;
    }
    if (record.msg !== 'access denied' && record.msg !== 'access granted') return record;
    const sts = this.pending.get(key);
    if (sts === undefined) return record;
    this.pending.delete(key);
    return withStsFields(record, sts);
  }

  private remember(key: string, record: AuthenticatorRecord): void {
    this.pending.delete(key);
    this.pending.set(key, record);
    if (this.pending.size > this.capacity) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
  }
}

const JOINED_FIELDS = ['accesskeyid', 'accountid', 'userid', 'session'] as const;

/** The later record keeps its own fields; the STS line only fills in what it lacks. */
export function withStsFields(record: AuthenticatorRecord, sts: AuthenticatorRecord): AuthenticatorRecord {
  const fields: Record<string, string> = { ...record.fields };
  for (const name of JOINED_FIELDS) {
    const value = sts.fields[name];
    if (value !== undefined && fields[name] === undefined) fields[name] = value;
  }
  if (sts.fields.arn !== undefined && fields.stsarn === undefined) fields.stsarn = sts.fields.arn;
  return { ...record, fields };
}
