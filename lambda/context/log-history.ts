import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LOOKUP_TIMEOUT_MS } from '../common/sdk-clients';
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
/** How far back a history looks at all: the last slice. */
const DAY_MS = SLICES_MS[SLICES_MS.length - 1] as number;
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

/** One principal's search: its term, the end of its current slice, and what it found so far. */
interface Search {
  readonly request: HistoryRequest;
  readonly term: string;
  /** The principal's ARN in lower case, as a grant's `arn=` is compared with it. */
  readonly arn: string | undefined;
  end: number;
  found: { lastGrantedAt?: string; stsResponse?: AuthenticatorRecord };
}

/**
 * Asks the cluster's log group (`FilterLogEvents`, bounded in time and results) about denied
 * principals. Throws on failure (throttled, denied, slow); the caller classifies without it.
 */
export class LogHistoryLookup {
  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly timeoutMs = LOOKUP_TIMEOUT_MS,
  ) {}

  /**
   * The histories of several principals, in order, from as few queries as the filter pattern allows:
   * the principals of a batch share each slice's query (`?"<name>" ?"<name>" …`, any of the terms,
   * CloudWatch Logs filter pattern syntax), over the union of their time ranges, and each keeps only
   * the events of its own range and name. When a shared slice comes back complete (no page left),
   * that is exactly what a query per principal would have found; when it is cut at the result bound,
   * the principals still searching are asked one by one instead, as before, so a busy principal
   * cannot crowd the others out. Six principals with a quiet day: 1 call (the day's page) instead of
   * 18 (FilterLogEvents has a per-account rate quota, shared with every other reader of the account).
   */
  async principalHistories(
    clusterName: string,
    requests: readonly HistoryRequest[],
  ): Promise<PrincipalHistory[]> {
    const start = (request: HistoryRequest): Search => ({
      request,
      // The name is in both the canonical ARN of a grant and the raw `assumed-role/<name>/<session>`
      // of an STS response; IAM names are `[\w+=,.@-]`, nothing that needs escaping inside quotes.
      term: parseArn(request.finding.principal?.arn ?? '')?.name ?? request.finding.principal?.arn ?? '',
      arn: request.finding.principal?.arn.toLowerCase(),
      end: request.deniedAtMs + 1_000,
      found: {},
    });
    const searches = requests.map(start);
    // Runs of principals whose any-term pattern fits FilterLogEvents' limit.
    let group: Search[] = [];
    let length = 0;
    for (const search of [...searches.filter((s) => s.request.finding.principal), undefined]) {
      const cost = (search?.term.length ?? FILTER_PATTERN_MAX) + 4;
      if (group.length > 0 && (search === undefined || length + cost > FILTER_PATTERN_MAX)) {
        for (const cut of await this.search(clusterName, group, true)) {
          const alone = start(cut.request);
          await this.search(clusterName, [alone], false);
          cut.found = alone.found;
        }
        group = [];
        length = 0;
      }
      if (search) group.push(search);
      length += cost;
    }
    return searches.map(({ found }) => found);
  }

  /**
   * The whole day first, one page: one call answers every principal when the day's matching lines
   * fit in it, the usual case for principals denied for their mapping (a new role has no grants at
   * all: one call instead of one per slice). When the day does not fit, its page is not the latest
   * grant, so it is set aside (one call spent) and the slices go newest first, each principal stopping
   * at the first slice with a grant. With `shared`, a slice cut at the result bound ends the search and
   * returns who was still searching; alone, a search goes on with what the bound let through, as a
   * search of one always did.
   */
  private async search(clusterName: string, group: readonly Search[], shared: boolean): Promise<Search[]> {
    // Alone, a principal is searched because a shared query was cut: it is busy, skip to the slices.
    if (shared) {
      const day = await this.slice(clusterName, group, DAY_MS, 1);
      if (day.complete) {
        day.commit();
        return [];
      }
    }
    let pending = [...group];
    for (const span of SLICES_MS) {
      if (pending.length === 0) break;
      const slice = await this.slice(clusterName, pending, span);
      if (!slice.complete && shared && pending.length > 1) return pending;
      pending = slice.commit();
    }
    return [];
  }

  /**
   * One query over the last `span` before each principal's denial (the union of their ranges), read
   * but not yet taken: `commit` records each principal's latest grant (or moves its search before
   * this slice) and returns those still searching.
   */
  private async slice(
    clusterName: string,
    pending: readonly Search[],
    span: number,
    pages = PAGES_PER_SLICE,
  ): Promise<{ complete: boolean; commit: () => Search[] }> {
    const ranges = pending.map((search) => ({ search, start: search.request.deniedAtMs - span }));
    const terms = [...new Set(pending.map((search) => search.term))];
    const pattern = terms.length === 1 ? `"${terms[0]}"` : terms.map((term) => `?"${term}"`).join(' ');
    const grants = new Map<Search, string>();
    const stsResponses = new Map<Search, AuthenticatorRecord>();
    const complete = await this.scan(
      clusterName,
      pattern,
      Math.min(...ranges.map((range) => range.start)),
      Math.max(...pending.map((search) => search.end)),
      pages,
      (message, timestamp) => {
        let record: AuthenticatorRecord | undefined | null = null;
        for (const { search, start } of ranges) {
          if (timestamp < start || timestamp > search.end || !message.includes(search.term)) continue;
          record ??= parseLine(message, { allFields: true });
          if (!record) return;
          const { finding } = search.request;
          if (
            record.msg === 'access granted' &&
            record.time &&
            record.fields.arn?.toLowerCase() === search.arn
          ) {
            const latest = grants.get(search);
            if (!latest || record.time > latest) grants.set(search, record.time);
          } else if (
            finding.principal?.session === undefined &&
            finding.client !== undefined &&
            finding.time !== undefined &&
            record.msg === 'STS response' &&
            record.fields.client === finding.client &&
            record.time === finding.time
          ) {
            stsResponses.set(search, record);
          }
        }
      },
    );
    const commit = () =>
      ranges.flatMap(({ search, start }) => {
        const stsResponse = stsResponses.get(search);
        if (stsResponse) search.found.stsResponse = stsResponse;
        const granted = grants.get(search);
        if (granted) search.found.lastGrantedAt = granted;
        else search.end = start;
        return granted ? [] : [search];
      });
    return { complete, commit };
  }

  /** Every matching event of the range, oldest first, up to the result bound; `true` when none was left. */
  private async scan(
    clusterName: string,
    filterPattern: string,
    startTime: number,
    endTime: number,
    pages: number,
    visit: (message: string, timestamp: number) => void,
  ): Promise<boolean> {
    let nextToken: string | undefined;
    for (let page = 0; page < pages; page++) {
      const out = await withTimeout('CloudWatch Logs FilterLogEvents', this.timeoutMs, () =>
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
