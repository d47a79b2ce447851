import { createLineDiagnoser, type LineDiagnoser } from '../../lambda/engine/diagnose/diagnose-lines';
import { detach } from '../../lambda/engine/parse/detach';
import type { DiagnosisContext, Finding, Principal } from '../../lambda/engine/types';

/**
 * What the report reads of an `access granted` line. The parser keeps only `arn` of a grant unless
 * asked (grants are most of a log); the report needs what the principal was mapped to as well.
 */
export const GRANT_FIELDS = ['arn', 'groups', 'uid', 'username'] as const;

/** Everything one principal's successful logins in the window say. All text came from log lines: untrusted. */
export interface PrincipalLogins {
  /** Canonical, as the authenticator logged it: a role without its IAM path or session. */
  readonly principal: Principal;
  /** The Kubernetes username of the latest login. */
  username: string;
  /** The Kubernetes groups of the latest login. */
  groups: readonly string[];
  /** How many different usernames its logins got (a `{{SessionName}}` template or a node role gives many). */
  distinctUsernames: number;
  /** `access granted` lines: one per token the apiserver had reviewed (it caches results for a while). */
  logins: number;
  /** Epoch milliseconds of the latest login, when the lines had a time. */
  lastSeenMs?: number;
}

interface Tallied extends PrincipalLogins {
  readonly usernames: Set<string>;
  /** What Logs Insights counted (`count_distinct(username)`), summed over the principal's groups. */
  reportedUsernames: number;
}

/** Past this many principals, further ones are only counted: memory stays flat on a hostile log. */
const MAX_PRINCIPALS = 10_000;
/** Distinct usernames remembered per principal; beyond it the count stops growing. */
const MAX_USERNAMES = 50;

/**
 * Gathers the logins of each principal from `access granted` findings, one entry per canonical ARN
 * (case-insensitive, as the authenticator matches). Lines outside the window are skipped; grants
 * without an ARN (accounts the authenticator scrubs) are counted, not listed.
 *
 * @example
 * const tally = new LoginTally({ sinceMs: Date.parse('2026-11-01T00:00:00Z') });
 * for (const line of lines) tally.addLine(line);
 * tally.principals(); // [{ principal: { arn: 'arn:aws:iam::111122223333:role/ci', … }, logins: 12, … }]
 */
export class LoginTally {
  private readonly byArn = new Map<string, Tallied>();
  private readonly diagnose: LineDiagnoser;
  /** Lines read, grants counted, grants before the window, grants without an ARN, principals past the cap. */
  readonly counts = { lines: 0, grants: 0, outsideWindow: 0, withoutArn: 0, untracked: 0 };
  private firstMs: number | undefined;
  private lastMs: number | undefined;

  constructor(
    private readonly window: { readonly sinceMs?: number } = {},
    context: DiagnosisContext = {},
  ) {
    this.diagnose = createLineDiagnoser(context, { fields: GRANT_FIELDS });
  }

  /** One line of an exported log, in any shape the engine's parser reads. */
  addLine(line: string): void {
    this.counts.lines++;
    const finding = this.diagnose(line);
    if (finding?.category === 'ACCESS_GRANTED') this.add(finding, 1);
  }

  /**
   * A grant standing for `logins` logins, e.g. the latest line of a Logs Insights group with its
   * count; `lastSeenMs` and `distinctUsernames` override what the line says when the query knew better.
   */
  addSummary(line: string, logins: number, lastSeenMs?: number, distinctUsernames?: number): void {
    const finding = this.diagnose(line);
    if (finding?.category !== 'ACCESS_GRANTED') return;
    this.add(finding, logins, { lastSeenMs, distinctUsernames });
  }

  /** Every principal seen, most logins first. */
  principals(): PrincipalLogins[] {
    return [...this.byArn.values()]
      .map(({ usernames, reportedUsernames, ...logins }) => ({
        ...logins,
        distinctUsernames: Math.max(usernames.size, reportedUsernames),
      }))
      .sort((a, b) => b.logins - a.logins || a.principal.arn.localeCompare(b.principal.arn));
  }

  /** The time span of the grants counted (epoch ms), when they had times; no first from summaries. */
  span(): { firstMs?: number; lastMs?: number } {
    return { firstMs: this.firstMs, lastMs: this.lastMs };
  }

  private add(
    finding: Finding,
    logins: number,
    summary?: { readonly lastSeenMs?: number; readonly distinctUsernames?: number },
  ): void {
    const time = summary?.lastSeenMs ?? (finding.time === undefined ? Number.NaN : Date.parse(finding.time));
    const distinctUsernames = summary?.distinctUsernames;
    const known = !Number.isNaN(time);
    if (known && this.window.sinceMs !== undefined && time < this.window.sinceMs) {
      this.counts.outsideWindow += logins;
      return;
    }
    this.counts.grants += logins;
    const principal = finding.principal;
    if (principal === undefined) {
      this.counts.withoutArn += logins;
      return;
    }
    if (known) {
      // A summary's time is its group's last login: it says nothing of the first.
      if (summary === undefined) this.firstMs = Math.min(this.firstMs ?? time, time);
      this.lastMs = Math.max(this.lastMs ?? time, time);
    }
    const fields = finding.record.fields;
    const username = fields.username ?? '';
    const key = principal.arn.toLowerCase();
    const seen = this.byArn.get(key);
    if (seen === undefined) {
      if (this.byArn.size >= MAX_PRINCIPALS) {
        this.counts.untracked += logins;
        return;
      }
      // Kept to the end of the input: detached from the chunk of the file the line was read from.
      this.byArn.set(detach(key), {
        principal: detach(principal),
        username: detach(username),
        groups: groupsOf(fields.groups).map(detach),
        usernames: new Set([detach(username)]),
        reportedUsernames: distinctUsernames ?? 0,
        distinctUsernames: 1,
        logins,
        lastSeenMs: known ? time : undefined,
      });
      return;
    }
    seen.logins += logins;
    if (seen.usernames.size < MAX_USERNAMES && !seen.usernames.has(username))
      seen.usernames.add(detach(username));
    // Groups of one Logs Insights query may share usernames: their sum is an upper bound, which is enough.
    seen.reportedUsernames += distinctUsernames ?? 0;
    // The latest login says what the principal gets today.
    if (known && (seen.lastSeenMs === undefined || time >= seen.lastSeenMs)) {
      seen.lastSeenMs = time;
      seen.username = detach(username);
      seen.groups = groupsOf(fields.groups).map(detach);
    }
  }
}

/** What the tally could not list, for the report's notes. */
export function tallyNotes(tally: LoginTally): string[] {
  const notes: string[] = [];
  const { withoutArn, untracked } = tally.counts;
  if (withoutArn > 0) {
    notes.push(
      `${withoutArn} logins name no ARN (accounts the authenticator scrubs, uid aws-iam-authenticator:administrative:…): not listed.`,
    );
  }
  if (untracked > 0) {
    notes.push(`${untracked} logins of principals past the first 10000 are counted but not listed.`);
  }
  return notes;
}

/**
 * The groups of a grant: Go's `%v` of a slice (`[system:bootstrappers system:nodes]`), or, from
 * logrus' JSON formatter, a JSON array.
 *
 * @example groupsOf('[system:bootstrappers system:nodes]') // ['system:bootstrappers', 'system:nodes']
 */
export function groupsOf(text: string | undefined): string[] {
  if (text === undefined) return [];
  const trimmed = text.trim();
  if (trimmed.startsWith('["')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.filter((group): group is string => typeof group === 'string');
    } catch {
      // Not JSON after all: read it as Go's %v below.
    }
  }
  const inner = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  return inner.split(/\s+/).filter((group) => group.length > 0);
}
