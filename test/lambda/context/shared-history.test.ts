import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LogHistoryLookup } from '../../../lambda/context/log-history';
import { classify } from '../../../lambda/engine/classify/classify';
import type { Finding } from '../../../lambda/engine/types';
import { FakeAws, type StoredLogEvent } from '../../helpers/fake-aws';
import { ACCOUNT, notMappedLine, T0 } from '../../helpers/fixtures';
import { parsedLine } from '../engine/fixtures/parsed-line';

// The principals of one batch share each slice's FilterLogEvents query; against the local Logs API of
// FakeAws (real HTTP, its filter-pattern subset with `?` terms, pages of `limit` events).

const GROUP = '/aws/eks/prod/cluster';
const MINUTE = 60_000;
const fakeAws = new FakeAws();
let logs: CloudWatchLogsClient;
beforeAll(async () => {
  await fakeAws.start();
  logs = new CloudWatchLogsClient({
    endpoint: fakeAws.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
beforeEach(() => {
  fakeAws.requests.length = 0;
});
afterAll(async () => {
  await fakeAws.stop();
});

const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function granted(role: string, at: number): StoredLogEvent {
  return {
    logStreamName: 'authenticator-0123',
    timestamp: at,
    message: `time="${stamp(at)}" level=info msg="access granted" arn="arn:aws:iam::${ACCOUNT}:role/${role}" client="127.0.0.1:9" groups="[]" method=POST path=/authenticate uid="aws-iam-authenticator:${ACCOUNT}:AROA1" username=${role}`,
  };
}

function denied(role: string): Finding {
  return classify(parsedLine(notMappedLine(role, T0, 1)));
}

/** A history lookup against the local Logs API of one region (each test's log events in their own). */
function historyIn(region: string): LogHistoryLookup {
  return new LogHistoryLookup(
    new CloudWatchLogsClient({
      endpoint: fakeAws.url,
      region,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      maxAttempts: 1,
    }),
  );
}

/** Each principal's history asked alone, the way it was asked before the queries were shared. */
async function oneByOne(history: LogHistoryLookup, roles: readonly string[]) {
  const found = [];
  for (const role of roles)
    found.push(...(await history.principalHistories('prod', [{ finding: denied(role), deniedAtMs: T0 }])));
  return found;
}

describe('the log histories of a batch share their FilterLogEvents queries', () => {
  it('asks once for a quiet day of several principals, and each finds exactly what it would have found alone', async () => {
    // Prepare: alpha granted 5 minutes ago, beta 2 hours ago, gamma 20 hours ago, delta never.
    const region = `eu-west-1`;
    fakeAws.logEvents(region, GROUP, [
      granted('gamma', T0 - 20 * 60 * MINUTE),
      granted('beta', T0 - 120 * MINUTE),
      granted('alpha', T0 - 5 * MINUTE),
    ]);
    const history = new LogHistoryLookup(logs);
    const roles = ['alpha', 'beta', 'gamma', 'delta'];

    // Act
    const shared = await history.principalHistories(
      'prod',
      roles.map((role) => ({ finding: denied(role), deniedAtMs: T0 })),
    );
    const calls = fakeAws.calls('logs:FilterLogEvents').map((call) => call.params.filterPattern);
    fakeAws.requests.length = 0;
    const alone = await oneByOne(history, roles);

    // Assess
    expect(shared.map((found) => found.lastGrantedAt)).toEqual([
      stamp(T0 - 5 * MINUTE),
      stamp(T0 - 120 * MINUTE),
      stamp(T0 - 20 * 60 * MINUTE),
      undefined,
    ]);
    expect(shared).toEqual(alone);
    // The day's matching lines fit one page: one call for all four, one each alone.
    expect(calls).toEqual(['?"alpha" ?"beta" ?"gamma" ?"delta"']);
    expect(fakeAws.calls('logs:FilterLogEvents')).toHaveLength(4);
  });

  it('goes slice by slice, newest first, when the day does not fit a page: the latest grant, not the first', async () => {
    // Prepare: "steady" was granted every 30 seconds for the whole day (2,880 grants, over a page).
    const steady = Array.from({ length: 2_880 }, (_, i) =>
      granted('steady', T0 - 24 * 60 * MINUTE + i * 30_000),
    );
    fakeAws.logEvents('eu-west-3', GROUP, steady);
    const history = historyIn('eu-west-3');

    // Act
    const [found] = await history.principalHistories('prod', [{ finding: denied('steady'), deniedAtMs: T0 }]);
    const windows = fakeAws
      .calls('logs:FilterLogEvents')
      .map((call) => (Number(call.params.endTime) - Number(call.params.startTime)) / MINUTE);

    // Assess: the day's one page (set aside), then the 15-minute slice, which holds the latest grant.
    expect(found?.lastGrantedAt).toBe(stamp(T0 - 30_000));
    expect(windows.slice(0, 2).map(Math.round)).toEqual([24 * 60, 15]);
  });

  it('asks one by one when a shared slice is cut at the result bound, so a busy principal cannot crowd the others out', async () => {
    // Prepare: "busy" was granted 2,500 times in the last 15 minutes (over two pages of 1,000);
    // "quiet" once, a minute ago, after all of them in time.
    const busy = Array.from({ length: 2_500 }, (_, i) => granted('busy', T0 - 14 * MINUTE + i * 100));
    fakeAws.logEvents('eu-west-2', GROUP, [...busy, granted('quiet', T0 - MINUTE)]);
    const history = historyIn('eu-west-2');

    // Act
    const shared = await history.principalHistories('prod', [
      { finding: denied('busy'), deniedAtMs: T0 },
      { finding: denied('quiet'), deniedAtMs: T0 },
    ]);
    const patterns = fakeAws.calls('logs:FilterLogEvents').map((call) => call.params.filterPattern);

    // Assess: the shared query's two pages held only busy's grants; quiet is found by its own query.
    expect(shared[1]?.lastGrantedAt).toBe(stamp(T0 - MINUTE));
    // The day's page, the 15-minute slice's two pages (cut), then each alone from its slices.
    expect(patterns).toEqual([
      '?"busy" ?"quiet"',
      '?"busy" ?"quiet"',
      '?"busy" ?"quiet"',
      '"busy"',
      '"busy"',
      '"quiet"',
    ]);
  });
});
