import type { InsightsAnswer, StoredLogEvent } from './fake-aws';

/**
 * What CloudWatch Logs Insights answers to the access report's query (`ACCESS_REPORT_QUERY` in
 * `cli/access-report/insights-query.ts`) over these events, for `FakeAws.insightsQuery`: the fake
 * answers a fixed result, so this stands in for the query engine on that one query. It follows the
 * query's own steps — keep `authenticator-*` streams and `msg="access granted"` lines, parse
 * `arn="*"`, `groups="*"` and `username`, then per (arn, groups): `count(*)`, `max(@timestamp)`,
 * `latest(username)`, `count_distinct(username)`, `latest(@message)`, newest group first. Timestamps
 * come back as Logs Insights prints them (`2026-11-24 10:00:00.000`, UTC).
 */
export function accessReportInsightsAnswer(
  events: readonly StoredLogEvent[],
  runningPolls = 0,
): InsightsAnswer {
  const groups = new Map<string, { arn?: string; groups?: string; events: StoredLogEvent[] }>();
  for (const event of events) {
    if (!event.logStreamName.startsWith('authenticator-')) continue;
    if (!event.message.includes('msg="access granted"')) continue;
    const arn = between(event.message, 'arn="', '"');
    const groupsText = between(event.message, 'groups="', '"');
    const key = `${arn ?? ''}\u0000${groupsText ?? ''}`;
    const group = groups.get(key) ?? { arn, groups: groupsText, events: [] };
    group.events.push(event);
    groups.set(key, group);
  }
  const results = [...groups.values()]
    .map((group) => {
      const sorted = [...group.events].sort((a, b) => a.timestamp - b.timestamp);
      const latest = sorted.at(-1) as StoredLogEvent;
      const usernames = new Set(sorted.map((event) => usernameOf(event.message)));
      return {
        latest,
        row: [
          ...(group.arn === undefined ? [] : [{ field: 'arn', value: group.arn }]),
          ...(group.groups === undefined ? [] : [{ field: 'groups', value: group.groups }]),
          { field: 'logins', value: String(sorted.length) },
          { field: 'lastSeen', value: insightsTime(latest.timestamp) },
          { field: 'username', value: usernameOf(latest.message) ?? '' },
          { field: 'usernames', value: String(usernames.size) },
          { field: 'sample', value: latest.message },
        ],
      };
    })
    .sort((a, b) => b.latest.timestamp - a.latest.timestamp)
    .map(({ row }) => row);
  return { results, runningPolls };
}

/**
 * The events of a Logs Insights CSV export (`@logStream,@timestamp,@message`, message quoted with
 * doubled quotes), as the log group held them.
 */
export function eventsOfInsightsCsv(csv: string): StoredLogEvent[] {
  return csv
    .split('\n')
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => {
      const first = line.indexOf(',');
      const second = line.indexOf(',', first + 1);
      const quoted = line.slice(second + 1);
      return {
        logStreamName: line.slice(0, first),
        timestamp: Date.parse(`${line.slice(first + 1, second).replace(' ', 'T')}Z`),
        message: quoted.slice(1, -1).replaceAll('""', '"'),
      };
    });
}

function between(text: string, open: string, close: string): string | undefined {
  const start = text.indexOf(open);
  if (start === -1) return undefined;
  const end = text.indexOf(close, start + open.length);
  return end === -1 ? undefined : text.slice(start + open.length, end);
}

function usernameOf(message: string): string | undefined {
  return /username="?([^" ]+)/.exec(message)?.[1];
}

function insightsTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
