import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clusterLogGroupName } from '../contract';
import { parseArn } from '../engine/parse/arn';
import { parseLine } from '../engine/parse/parse';
import type { AuthenticatorRecord, Finding } from '../engine/types';
import { withTimeout } from './timeout';

/** What the cluster's own log says about a denied principal's recent past. */
export interface PrincipalHistory {
  /** The latest `access granted` for the same ARN before the denial (ISO time). */
  readonly lastGrantedAt?: string;
  /** The denial's own `STS response` line (same `client`, same second), when the batch did not hold it. */
  readonly stsResponse?: AuthenticatorRecord;
}

const MINUTE = 60_000;
/**
 * Searched newest first, stopping at the first slice with a grant: "had access until 14:02" needs the
 * latest grant, and a busy principal's grants of a whole day would not fit the result bound.
 */
const SLICES_MS = [15 * MINUTE, 3 * 60 * MINUTE, 24 * 60 * MINUTE] as const;
const EVENTS_PER_PAGE = 1_000;
const PAGES_PER_SLICE = 2;

/** One denied principal to ask the log group about, and when it was denied (epoch ms). */
export interface HistoryRequest {
  readonly finding: Finding;
  readonly deniedAtMs: number;
}

/**
 * FilterLogEvents: "filterPattern … Length Constraints: Maximum length of 1024" (CloudWatch Logs API
 * Reference). Several principals share one query while their terms fit.
 */
const FILTER_PATTERN_MAX = 1_024;

/** What one principal's search needs: its term, its time range in the current slice, what it found. */
interface Search {
  readonly index: number;
  readonly finding: Finding;
  readonly deniedAtMs: number;
  readonly term: string;
  readonly canonical: string;
  readonly wantSts: boolean;
  end: number;
  lastGrantedAt?: string;
  stsResponse?: AuthenticatorRecord;
}

/**
 * Asks the cluster's log group (`FilterLogEvents`, bounded in time and results) about denied
 * principals. Throws on failure (throttled, denied, slow); the caller classifies without it.
 */
export class LogHistoryLookup {
  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly timeoutMs = 3_000,
  ) {}

  /** One principal's history: {@link principalHistories} of one. */
  async principalHistory(
    clusterName: string,
    finding: Finding,
    deniedAtMs: number,
  ): Promise<PrincipalHistory> {
    const [history] = await this.principalHistories(clusterName, [{ finding, deniedAtMs }]);
    return history ?? {};
  }

  /**
   * The histories of several principals, in order, from as few queries as the filter pattern allows:
   * the principals of a batch share each slice's query (`?"<name>" ?"<name>" …`, any of the terms,
   * CloudWatch Logs filter pattern syntax), over the union of their time ranges, and each keeps only
   * the events of its own range and name. When a shared slice comes back complete (no page left),
   * that is exactly what a query per principal would have found; when it is cut at the result bound,
   * the principals still searching are asked one by one instead, as before, so a busy principal
   * cannot crowd the others out. Six principals without a recent grant: 3 calls instead of 18
   * (FilterLogEvents has a per-account rate quota, shared with every other reader of the account).
   */
  async principalHistories(
    clusterName: string,
    requests: readonly HistoryRequest[],
  ): Promise<PrincipalHistory[]> {
    const histories: PrincipalHistory[] = requests.map(() => ({}));
    const searches: Search[] = [];
    for (const [index, { finding, deniedAtMs }] of requests.entries()) {
      const principal = finding.principal;
      if (!principal) continue;
      searches.push({
        index,
        finding,
        deniedAtMs,
        // The name is in both the canonical ARN of a grant and the raw `assumed-role/<name>/<session>`
        // of an STS response; IAM names are `[\w+=,.@-]`, nothing that needs escaping inside quotes.
        term: parseArn(principal.arn)?.name ?? principal.arn,
        canonical: principal.arn.toLowerCase(),
        wantSts:
          principal.session === undefined && finding.client !== undefined && finding.time !== undefined,
        end: deniedAtMs + 1_000,
      });
    }
    for (const group of patternGroups(searches)) {
      const cutShort = await this.searchTogether(clusterName, group);
      for (const search of cutShort) {
        const alone: Search = {
          ...search,
          end: search.deniedAtMs + 1_000,
          lastGrantedAt: undefined,
          stsResponse: undefined,
        };
        await this.searchTogether(clusterName, [alone], Number.POSITIVE_INFINITY);
        histories[search.index] = historyOf(alone);
      }
      const cut = new Set(cutShort);
      for (const search of group) if (!cut.has(search)) histories[search.index] = historyOf(search);
    }
    return histories;
  }

  /**
   * Searched newest first, slice by slice, stopping for each principal at the first slice with a
   * grant. Returns the principals whose search a shared slice cut at the result bound (only when
   * there were several; a search of one is bounded like before, and complete as far as it goes).
   */
  private async searchTogether(
    clusterName: string,
    group: readonly Search[],
    soloBound = 1,
  ): Promise<Search[]> {
    let pending = [...group];
    for (const span of SLICES_MS) {
      if (pending.length === 0) break;
      const ranges = pending.map((search) => ({ search, start: search.deniedAtMs - span, end: search.end }));
      const startTime = Math.min(...ranges.map((range) => range.start));
      const endTime = Math.max(...ranges.map((range) => range.end));
      const terms = [...new Set(pending.map((search) => search.term))];
      const pattern = terms.length === 1 ? `"${terms[0]}"` : terms.map((term) => `?"${term}"`).join(' ');
      const grants = new Map<Search, string>();
      const complete = await this.scan(clusterName, pattern, startTime, endTime, (message, timestamp) => {
        let record: AuthenticatorRecord | undefined | null = null;
        for (const { search, start, end } of ranges) {
          if (timestamp < start || timestamp > end || !message.includes(search.term)) continue;
          if (record === null) record = parseLine(message, { allFields: true });
          if (!record) return;
          if (
            record.msg === 'access granted' &&
            record.fields.arn?.toLowerCase() === search.canonical &&
            record.time
          ) {
            const latest = grants.get(search);
            if (!latest || record.time > latest) grants.set(search, record.time);
          } else if (
            search.wantSts &&
            record.msg === 'STS response' &&
            record.fields.client === search.finding.client &&
            record.time === search.finding.time
          ) {
            search.stsResponse = record;
          }
        }
      });
      if (!complete && pending.length > soloBound) return pending;
      const next: Search[] = [];
      for (const { search, start } of ranges) {
        const granted = grants.get(search);
        if (granted) search.lastGrantedAt = granted;
        else {
          search.end = start;
          next.push(search);
        }
      }
      pending = next;
    }
    return [];
  }

  /** Every matching event of the range, oldest first, up to the result bound; `true` when none was left. */
  private async scan(
    clusterName: string,
    filterPattern: string,
    startTime: number,
    endTime: number,
    visit: (message: string, timestamp: number) => void,
  ): Promise<boolean> {
    let nextToken: string | undefined;
    for (let page = 0; page < PAGES_PER_SLICE; page++) {
      const out = await withTimeout('CloudWatch Logs FilterLogEvents', this.timeoutMs, (abortSignal) =>
        this.logs.send(
          new FilterLogEventsCommand({
            logGroupName: clusterLogGroupName(clusterName),
            logStreamNamePrefix: 'authenticator',
            startTime,
            endTime,
            filterPattern,
            limit: EVENTS_PER_PAGE,
            nextToken,
          }),
          { abortSignal },
        ),
      );
      for (const event of out.events ?? [])
        if (event.message) visit(event.message, event.timestamp ?? startTime);
      nextToken = out.nextToken;
      if (!nextToken) return true;
    }
    return false;
  }
}

function historyOf(search: Search): PrincipalHistory {
  return search.lastGrantedAt
    ? { lastGrantedAt: search.lastGrantedAt, stsResponse: search.stsResponse }
    : { stsResponse: search.stsResponse };
}

/** The searches in runs whose any-term pattern fits FilterLogEvents' pattern limit. */
function patternGroups(searches: readonly Search[]): Search[][] {
  const groups: Search[][] = [];
  let current: Search[] = [];
  let length = 0;
  for (const search of searches) {
    const cost = search.term.length + 4; // ?"…" and a space
    if (current.length > 0 && length + cost > FILTER_PATTERN_MAX) {
      groups.push(current);
      current = [];
      length = 0;
    }
    current.push(search);
    length += cost;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
