import { stripControl } from '../../lambda/engine/render';
import type { AccessReport, PrincipalRow, ReportCluster, ReportWindow } from './access-report';
import { groupsText, isoTime, otherUsernames } from './report-format';

/**
 * The terminal report: who logged in and how each is let in, the verdict, who would be locked out
 * and the commands that cover them, then the aws-auth mappings nobody used. Every value from a log
 * line or a file is stripped of control characters.
 */
export function renderAccessReportText(report: AccessReport): string {
  const out: string[] = [];
  out.push(heading(report.cluster), windowLine(report.window, report.rows), '');
  out.push(`Ready for API mode: ${report.readiness.ready} — ${report.readiness.reason}`);

  out.push('', `Principals that authenticated (${report.rows.length})`);
  if (report.rows.length > 0) {
    out.push(
      `  ${'coverage'.padEnd(COVERAGE_WIDTH)}${'logins'.padStart(8)}  ${'last seen'.padEnd(20)}  principal`,
    );
  }
  for (const row of report.rows) out.push(...principalLines(row));

  const locked = report.migrations;
  if (locked.length > 0) {
    out.push('', `Would be locked out in API mode (${locked.length})`);
    for (const { row } of locked) {
      const last = isoTime(row.logins.lastSeenMs);
      out.push(
        `  ${clean(row.logins.principal.arn)} (${row.coverage}: ${row.logins.logins} logins${last ? `, last ${last}` : ''})`,
      );
    }
    out.push('', 'Commands to create the missing access entries');
    for (const command of report.before)
      out.push('  # First turn access entries on (aws-auth keeps working):', `  ${command}`);
    for (const migration of locked) {
      out.push(`  # ${clean(migration.row.logins.principal.arn)}`);
      for (const command of migration.commands) out.push(`  ${clean(command)}`);
      for (const review of migration.review) out.push(`  ! Review: ${clean(review)}`);
      for (const note of migration.notes) out.push(`  - ${clean(note)}`);
    }
    out.push('  # Then run this report again: once it says "Ready for API mode: yes", switch.');
  } else if (report.switchToApi !== undefined) {
    out.push('', 'Commands');
    for (const command of report.before)
      out.push('  # First turn access entries on (aws-auth keeps working):', `  ${command}`);
    out.push(
      '  # The switch to API mode (one-way: aws-auth is ignored from then on):',
      `  ${report.switchToApi}`,
    );
  }

  if (report.unusedMappings !== undefined) {
    out.push(
      '',
      `aws-auth mappings nobody used in the window (${report.unusedMappings.length}): candidates to drop rather than migrate`,
    );
    for (const unused of report.unusedMappings) {
      const { mapping } = unused;
      const as = mapping.username === undefined ? '' : ` as ${clean(mapping.username)}`;
      const extra = [
        unused.hasAccessEntry ? 'has an access entry too' : undefined,
        unused.neverMatches,
      ].filter((text) => text !== undefined);
      out.push(
        `  ${mapping.block} ${clean(mapping.arn)}${as} ${clean(groupsText(mapping.groups))}` +
          (extra.length > 0 ? ` — ${clean(extra.join('; '))}` : ''),
      );
    }
  }

  if (report.notes.length > 0) {
    out.push('', 'Notes');
    for (const note of report.notes) out.push(`  - ${clean(note)}`);
  }
  return `${out.join('\n')}\n`;
}

const COVERAGE_WIDTH = 20;

function heading(cluster: ReportCluster): string {
  const facts = [
    cluster.region,
    cluster.accountId ? `account ${cluster.accountId}` : undefined,
    cluster.authenticationMode,
  ]
    .filter((fact) => fact !== undefined)
    .join(', ');
  const name = cluster.clusterName ? ` for cluster ${clean(cluster.clusterName)}` : '';
  return `eks-auth-doctor access-report${name}${facts ? ` (${clean(facts)})` : ''}`;
}

function windowLine(window: ReportWindow, rows: readonly PrincipalRow[]): string {
  const logins = rows.reduce((sum, row) => sum + row.logins.logins, 0);
  const since = isoTime(window.sinceMs);
  const first = isoTime(window.firstLoginMs);
  const last = isoTime(window.lastLoginMs);
  const span = first && last ? ` (first ${first}, last ${last})` : last ? ` (last ${last})` : '';
  return `Logins counted ${since ? `since ${since}` : 'over the whole log'}${span}: ${logins} by ${rows.length} principals`;
}

function principalLines(row: PrincipalRow): string[] {
  const { logins } = row;
  const last = isoTime(logins.lastSeenMs) ?? '-';
  const first = `  ${row.coverage.padEnd(COVERAGE_WIDTH)}${String(logins.logins).padStart(8)}  ${last.padEnd(20)}  ${clean(logins.principal.arn)}`;
  const groups = logins.groups.length === 0 ? 'no groups' : clean(groupsText(logins.groups));
  const who = `as ${clean(logins.username || '(no username)')}${otherUsernames(logins)} in ${groups}`;
  return [first, `      ${who}; ${clean(row.because)}`];
}

function clean(text: string): string {
  return stripControl(text);
}
