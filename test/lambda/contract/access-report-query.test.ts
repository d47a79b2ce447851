import { QueryString } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_REPORT_QUERY,
  AUTHENTICATED_PRINCIPALS_QUERY,
  queryText,
} from '../../../lambda/contract/access-report-query';

describe('the access report Logs Insights queries', () => {
  it.each([
    ['the saved query / dashboard table', AUTHENTICATED_PRINCIPALS_QUERY],
    ["the CLI's query", ACCESS_REPORT_QUERY],
  ])('%s renders exactly as CDK renders the same parts', (_, parts) => {
    expect(queryText(parts)).toBe(new QueryString(parts).toString());
  });

  it('asks for one row per principal and group set of the authenticator grants', () => {
    expect(queryText(AUTHENTICATED_PRINCIPALS_QUERY)).toBe(
      [
        `parse @message 'arn="*"' as arn`,
        `| parse @message 'groups="*"' as groups`,
        '| parse @message /username="?(?<username>[^" ]+)/',
        '| filter @logStream like /^authenticator-/',
        `| filter @message like 'msg="access granted"'`,
        '| stats count(*) as logins, max(@timestamp) as lastSeen, latest(username) as username, count_distinct(username) as usernames by arn, groups',
        '| sort lastSeen desc',
        '| limit 10000',
      ].join('\n'),
    );
  });

  it("adds the latest grant line of each row to the CLI's query, for the engine's parser", () => {
    expect(queryText(ACCESS_REPORT_QUERY)).toContain(', latest(@message) as sample by arn, groups');
  });
});
