import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  type QueryStatistics,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';

/** One query: which log group, what, over which span (epoch ms). */
export interface InsightsQueryRun {
  readonly logGroupName: string;
  readonly queryString: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly limit: number;
}

/** How the runner waits and reports; tests pass a sleep that does not. */
export interface InsightsPolling {
  /** Called after every poll with the query's status and statistics (the TTY progress line). */
  readonly onProgress?: (status: string, statistics: QueryStatistics | undefined) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Give up (and stop the query) after this long. */
  readonly maxWaitMs?: number;
}

/** The query ended without results: Failed, Cancelled, Timeout, Unknown, or our own wait ran out. */
export class InsightsQueryError extends Error {
  override readonly name = 'InsightsQueryError';
}

const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 5_000;
/** Logs Insights gives up on a query after 60 minutes; the report gives up well before. */
const DEFAULT_MAX_WAIT_MS = 15 * 60_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a Logs Insights query (`StartQuery`, times in epoch seconds) and polls `GetQueryResults`
 * until it completes, backing off from 1 s to 5 s between polls. Each result row becomes a
 * field → value record. AWS errors are thrown as the SDK raised them, for the caller to explain.
 *
 * @example
 * const rows = await runInsightsQuery(logs, { logGroupName: '/aws/eks/prod/cluster', queryString, startMs, endMs, limit: 10_000 });
 * rows[0]; // { arn: 'arn:aws:iam::…', logins: '12', … }
 */
export async function runInsightsQuery(
  logs: CloudWatchLogsClient,
  run: InsightsQueryRun,
  polling: InsightsPolling = {},
): Promise<Record<string, string>[]> {
  const sleep = polling.sleep ?? realSleep;
  const { queryId } = await logs.send(
    new StartQueryCommand({
      logGroupName: run.logGroupName,
      queryString: run.queryString,
      startTime: Math.floor(run.startMs / 1000),
      endTime: Math.ceil(run.endMs / 1000),
      limit: run.limit,
    }),
  );
  if (queryId === undefined) throw new InsightsQueryError('StartQuery returned no query ID');
  const maxWaitMs = polling.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  let waited = 0;
  let pause = FIRST_POLL_MS;
  for (;;) {
    await sleep(pause);
    waited += pause;
    const out = await logs.send(new GetQueryResultsCommand({ queryId }));
    const status = out.status ?? 'Unknown';
    polling.onProgress?.(status, out.statistics);
    if (status === 'Complete') return (out.results ?? []).map(recordOf);
    if (status !== 'Running' && status !== 'Scheduled') {
      throw new InsightsQueryError(`the Logs Insights query ended ${status}`);
    }
    if (waited >= maxWaitMs) {
      await logs.send(new StopQueryCommand({ queryId })).catch(() => undefined);
      throw new InsightsQueryError(
        `the Logs Insights query was still ${status} after ${Math.round(waited / 60_000)} minutes`,
      );
    }
    pause = Math.min(MAX_POLL_MS, Math.round(pause * 1.5));
  }
}

function recordOf(row: readonly { field?: string; value?: string }[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { field, value } of row) if (field !== undefined && value !== undefined) record[field] = value;
  return record;
}

/**
 * A time as Logs Insights returns it: `2026-11-24 10:00:00.000` (UTC) for timestamps, or epoch
 * milliseconds from an aggregation; `undefined` for anything else.
 */
export function insightsTimeMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{12,14}$/.test(value)) return Number(value);
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z?$/.exec(value);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}T${match[2]}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
