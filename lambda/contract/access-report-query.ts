/**
 * The Logs Insights question behind `access-report`: who authenticated, as what, how often, and when
 * last — one row per principal and group set, over the cluster's `authenticator-*` streams. Pure
 * data (no SDK, no CDK): the CLI runs it with StartQuery, and the stack can save it and put it on
 * the dashboard from the same parts, so both always ask the same question.
 *
 * The parts have the shape of CDK's `QueryStringProps`, so `new logs.QueryString(part)` renders
 * exactly {@link queryText}(part).
 */
export interface InsightsQueryParts {
  // Mutable arrays only because CDK's QueryStringProps declares them so; nothing writes to them.
  readonly parseStatements: string[];
  readonly filterStatements: string[];
  readonly statsStatements: string[];
  readonly sort: string;
  readonly limit: number;
}

/**
 * Logrus quotes a value holding `:` (every ARN and group list); a username is bare or quoted. The
 * glob patterns stop at the closing quote: no value the authenticator quotes can hold a bare `"`.
 */
const PARSE_GRANT = [
  `@message 'arn="*"' as arn`,
  `@message 'groups="*"' as groups`,
  '@message /username="?(?<username>[^" ]+)/',
] as const;

const ONLY_GRANTS = ['@logStream like /^authenticator-/', '@message like \'msg="access granted"\''] as const;

const PER_PRINCIPAL = [
  'count(*) as logins',
  'max(@timestamp) as lastSeen',
  'latest(username) as username',
  'count_distinct(username) as usernames',
] as const;
const BY = 'by arn, groups';

/** Logs Insights returns at most this many rows: one per principal and group set, far below it on any real cluster. */
export const INSIGHTS_ROW_LIMIT = 10_000;

/**
 * For people (the saved query and the dashboard table): one row per principal and the groups it got,
 * with its logins, last login and latest username, most recent first. Run on `/aws/eks/<cluster>/cluster`.
 */
export const AUTHENTICATED_PRINCIPALS_QUERY: InsightsQueryParts = {
  parseStatements: [...PARSE_GRANT],
  filterStatements: [...ONLY_GRANTS],
  statsStatements: [`${PER_PRINCIPAL.join(', ')} ${BY}`],
  sort: 'lastSeen desc',
  limit: INSIGHTS_ROW_LIMIT,
};

/**
 * What the CLI runs: the same rows plus the latest grant line of each (`sample`), which the engine's
 * parser reads, so usernames and groups are unquoted exactly as in offline mode.
 */
export const ACCESS_REPORT_QUERY: InsightsQueryParts = {
  ...AUTHENTICATED_PRINCIPALS_QUERY,
  statsStatements: [`${[...PER_PRINCIPAL, 'latest(@message) as sample'].join(', ')} ${BY}`],
};

/**
 * The query text, rendered as CDK's `QueryString` renders the same parts: `parse`, `filter`,
 * `stats`, `sort`, `limit`, one command per line joined by `| `.
 *
 * @example queryText(AUTHENTICATED_PRINCIPALS_QUERY).split('\n')[0] // `parse @message 'arn="*"' as arn`
 */
export function queryText(parts: InsightsQueryParts): string {
  return [
    ...parts.parseStatements.map((statement) => `parse ${statement}`),
    ...parts.filterStatements.map((statement) => `filter ${statement}`),
    ...parts.statsStatements.map((statement) => `stats ${statement}`),
    `sort ${parts.sort}`,
    `limit ${parts.limit}`,
  ].join('\n| ');
}
