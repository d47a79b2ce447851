import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InsightsQueryError,
  insightsTimeMs,
  runInsightsQuery,
} from '../../../cli/access-report/logs-insights';
import { FakeAws } from '../../helpers/fake-aws';

let fake: FakeAws;
let logs: CloudWatchLogsClient;
beforeAll(async () => {
  fake = await new FakeAws().start();
  logs = new CloudWatchLogsClient({
    endpoint: fake.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  logs.destroy();
  await fake.stop();
});

const RUN = {
  logGroupName: '/aws/eks/prod/cluster',
  queryString: 'stats count(*)',
  startMs: 1_700_000_000_500,
  endMs: 1_700_086_400_200,
  limit: 100,
};

describe('runInsightsQuery', () => {
  it('starts the query with times in seconds, polls until complete backing off, and returns the rows as records', async () => {
    // Prepare
    fake.insightsQuery({
      results: [
        [
          { field: 'arn', value: 'a' },
          { field: 'logins', value: '3' },
        ],
      ],
      runningPolls: 3,
    });
    const pauses: number[] = [];
    const statuses: string[] = [];

    // Act
    const rows = await runInsightsQuery(logs, RUN, {
      sleep: async (ms) => {
        pauses.push(ms);
      },
      onProgress: (status) => statuses.push(status),
    });

    // Assess
    expect(rows).toEqual([{ arn: 'a', logins: '3' }]);
    expect(fake.calls('logs:StartQuery').at(-1)?.params).toMatchObject({
      startTime: 1_700_000_000,
      endTime: 1_700_086_401,
    });
    expect(statuses).toEqual(['Running', 'Running', 'Running', 'Complete']);
    expect(pauses).toEqual([1000, 1500, 2250, 3375]);
  });

  it('gives up, stopping the query, once the wait runs out', async () => {
    fake.insightsQuery({ results: [], runningPolls: 100 });

    const run = runInsightsQuery(logs, RUN, { sleep: async () => undefined, maxWaitMs: 3_000 });

    await expect(run).rejects.toThrow(InsightsQueryError);
    await expect(
      runInsightsQuery(logs, RUN, { sleep: async () => undefined, maxWaitMs: 3_000 }),
    ).rejects.toThrow(/was still Running after/);
  });

  it('throws the SDK error of a failed StartQuery for the caller to explain', async () => {
    fake.fail('logs:StartQuery', 'NotFound', {
      times: 1,
      message: 'The specified log group does not exist.',
    });

    await expect(runInsightsQuery(logs, RUN, { sleep: async () => undefined })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('insightsTimeMs', () => {
  it.each([
    ['2026-11-24 10:00:00.123', Date.parse('2026-11-24T10:00:00.123Z')],
    ['1795514400123', 1_795_514_400_123],
    ['yesterday', undefined],
  ])('reads %s', (text, ms) => {
    expect(insightsTimeMs(text)).toBe(ms);
  });
});
