import { parseArn } from '../../lambda/engine/parse/arn';
import type { Principal } from '../../lambda/engine/types';

/** One EKS access entry, as `DescribeAccessEntry` returns it; `ListAccessEntries` gives only the ARN. */
export interface AccessEntry {
  /** The IAM principal, roles with their IAM path (`…:role/aws-reserved/sso.amazonaws.com/…/Name`). */
  readonly principalArn: string;
  /** `STANDARD`, `EC2_LINUX`, `EC2_WINDOWS`, `FARGATE_LINUX`, `HYBRID_LINUX`, `EC2`; unknown from a list. */
  readonly type?: string;
  readonly username?: string;
  readonly kubernetesGroups?: readonly string[];
  /** `arn:aws:eks:<region>:<account>:access-entry/<cluster>/…`: which cluster the entry belongs to. */
  readonly accessEntryArn?: string;
}

/** The entries that could be a principal's: one normally; two or more means all but one are stale. */
export interface EntryMatch {
  readonly candidates: readonly AccessEntry[];
}

/**
 * The access entries that could be the logged principal's. The log shows a role's canonical ARN, with
 * no IAM path; an entry keeps the path. So a role matches on account and role name (a user on
 * account and user name), case-insensitively as IAM names are. IAM role names are unique within an
 * account whatever their path, so two candidates mean one entry outlived its role (deleted and
 * recreated under another path) — the report says so rather than guess.
 *
 * @example
 * entriesFor(loggedRole, [{ principalArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123' }])
 * // { candidates: [that entry] } for arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123
 */
export function entriesFor(principal: Principal, entries: readonly AccessEntry[]): EntryMatch {
  const wanted = parseArn(principal.arn);
  if (wanted?.name === undefined) {
    const arn = principal.arn.toLowerCase();
    return { candidates: entries.filter((entry) => entry.principalArn.toLowerCase() === arn) };
  }
  const name = wanted.name.toLowerCase();
  const candidates = entries.filter((entry) => {
    const parsed = parseArn(entry.principalArn);
    return (
      parsed !== undefined &&
      parsed.accountId === wanted.accountId &&
      parsed.type === wanted.type &&
      parsed.name?.toLowerCase() === name
    );
  });
  return { candidates };
}

// arn:<partition>:eks:<region>:<account>:access-entry/<cluster>/…
const ACCESS_ENTRY_ARN = /^arn:[\w-]+:eks:([a-z0-9-]+):(\d{12}):access-entry\/([A-Za-z0-9][A-Za-z0-9_-]*)\//;

/** The cluster the entries belong to, read from their `accessEntryArn`s (describe output only). */
export interface EntriesCluster {
  readonly clusterName?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** Every distinct cluster the entries name; more than one means the file mixes clusters. */
  readonly clusterNames: readonly string[];
}

export function clusterOfEntries(entries: readonly AccessEntry[]): EntriesCluster {
  const found = entries
    .map((entry) => ACCESS_ENTRY_ARN.exec(entry.accessEntryArn ?? ''))
    .filter((match): match is RegExpExecArray => match !== null);
  const first = found[0];
  return {
    region: first?.[1],
    accountId: first?.[2],
    clusterName: first?.[3],
    clusterNames: [...new Set(found.map((match) => match[3] ?? ''))],
  };
}
