import { stripControl } from '../../lambda/engine/render';
import type { AccessReport, PrincipalRow } from './access-report';
import { isoTime } from './report-format';

/** The columns, in order: one row per principal that authenticated. */
export const CSV_COLUMNS = [
  'arn',
  'type',
  'account_id',
  'username',
  'distinct_usernames',
  'groups',
  'last_seen',
  'logins',
  'coverage',
  'locked_out',
  'access_entries',
  'reason',
] as const;

/**
 * The principals as CSV for a spreadsheet: RFC 4180 (header row, CRLF line ends, fields with a
 * comma, quote or line break quoted, quotes doubled), one row per principal. ARNs and usernames come
 * from log lines, so a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR
 * first) gets a leading `'` and stays text.
 *
 * @example renderAccessReportCsv(report).split('\r\n')[0] // 'arn,type,account_id,username,…'
 */
export function renderAccessReportCsv(report: AccessReport): string {
  const lines = [CSV_COLUMNS.join(','), ...report.rows.map((row) => cellsOf(row).map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

function cellsOf(row: PrincipalRow): string[] {
  const { logins } = row;
  return [
    logins.principal.arn,
    logins.principal.type,
    logins.principal.accountId ?? '',
    logins.username,
    String(logins.distinctUsernames),
    logins.groups.join(' '),
    isoTime(logins.lastSeenMs) ?? '',
    String(logins.logins),
    row.coverage,
    row.lockedOut ? 'yes' : 'no',
    row.entries.map((entry) => entry.principalArn).join(' '),
    row.because,
  ];
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell: formula starts neutralised, then quoted when needed.
 *
 * @example csvCell('=HYPERLINK("x")') // `"'=HYPERLINK(""x"")"`
 */
export function csvCell(value: string): string {
  // Line breaks are kept (quoted) by RFC 4180, but other control characters have no place in a cell.
  const text = stripControl(value, 'keep');
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
