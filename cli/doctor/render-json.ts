import type { DoctorReport } from './run-doctor';

/**
 * The report as one JSON object, for scripts and support tickets: every check and the verdict with
 * its whole fix. Strings are as seen (JSON escaping makes them inert).
 *
 * @example
 * JSON.parse(doctorJson(report)).verdict.id; // 'NOT_MAPPED'
 */
export function doctorJson(report: DoctorReport): string {
  const { verdict } = report;
  return JSON.stringify({
    checks: report.checks,
    verdict: {
      id: verdict.id,
      problem: verdict.problem,
      ...(verdict.category ? { category: verdict.category } : {}),
      ...(verdict.subCause ? { subCause: verdict.subCause } : {}),
      title: verdict.fix.title,
      summary: verdict.fix.summary,
      steps: verdict.fix.steps,
      warnings: verdict.fix.warnings,
      basis: verdict.basis,
    },
  });
}
