import type { AccessReport, PrincipalRow } from './access-report';
import { isoTime } from './report-format';

/**
 * The report as one JSON document, for scripts: the same facts as the text report, values as found
 * (JSON escaping keeps control characters harmless), times in RFC 3339.
 *
 * @example JSON.parse(renderAccessReportJson(report)).readyForApiMode // 'no'
 */
export function renderAccessReportJson(report: AccessReport): string {
  return `${JSON.stringify(
    {
      cluster: report.cluster,
      window: {
        since: isoTime(report.window.sinceMs),
        until: isoTime(report.window.untilMs),
        firstLogin: isoTime(report.window.firstLoginMs),
        lastLogin: isoTime(report.window.lastLoginMs),
      },
      readyForApiMode: report.readiness.ready,
      reason: report.readiness.reason,
      principals: report.rows.map(principalJson),
      before: report.before,
      lockedOut: report.migrations.map((migration) => ({
        arn: migration.row.logins.principal.arn,
        coverage: migration.row.coverage,
        commands: migration.commands,
        review: migration.review,
        notes: migration.notes,
      })),
      switchToApi: report.switchToApi ?? null,
      unusedMappings:
        report.unusedMappings?.map((unused) => ({
          ...unused.mapping,
          hasAccessEntry: unused.hasAccessEntry,
          neverMatches: unused.neverMatches ?? null,
        })) ?? null,
      notes: report.notes,
    },
    null,
    2,
  )}\n`;
}

function principalJson(row: PrincipalRow) {
  const { logins } = row;
  return {
    arn: logins.principal.arn,
    type: logins.principal.type,
    accountId: logins.principal.accountId ?? null,
    username: logins.username,
    distinctUsernames: logins.distinctUsernames,
    groups: logins.groups,
    lastSeen: isoTime(logins.lastSeenMs) ?? null,
    logins: logins.logins,
    coverage: row.coverage,
    because: row.because,
    accessEntries: row.entries.map((entry) => entry.principalArn),
    awsAuthMapping: row.mapping ?? null,
    lockedOut: row.lockedOut,
  };
}
