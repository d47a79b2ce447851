import type { CheckOutcome, CheckResult, CheckStep } from './check';
import { CHECKS } from './checks';
import type { DoctorEnvironment } from './environment';
import type { DoctorFacts, DoctorOptions } from './facts';
import { shown } from './shown';
import { type Verdict, verdictOf } from './verdict';

/** A finished run: every check's line, in order, and the verdict. */
export interface DoctorReport {
  readonly checks: readonly CheckResult[];
  readonly verdict: Verdict;
  readonly facts: DoctorFacts;
}

/**
 * Runs the runbook: each check in order, each seeing what the earlier ones learned, each reported
 * through `onCheck` as soon as it is done; then the verdict. A check that throws becomes a `?` line
 * and the run goes on.
 *
 * @example
 * const report = await runDoctor(options, doctorEnvironment(), (check) => console.log(check.title, check.status));
 * report.verdict.id; // 'NOT_MAPPED'
 */
export async function runDoctor(
  options: DoctorOptions,
  environment: DoctorEnvironment,
  onCheck: (result: CheckResult) => void | Promise<void> = () => {},
  steps: readonly CheckStep[] = CHECKS,
): Promise<DoctorReport> {
  let facts: DoctorFacts = { options, environment };
  const checks: CheckResult[] = [];
  for (const step of steps) {
    let outcome: CheckOutcome;
    try {
      outcome = await step.run(facts);
    } catch (error) {
      outcome = {
        status: 'unknown',
        detail: `the check failed: ${shown((error as Error)?.message ?? String(error), 160)}`,
      };
    }
    facts = { ...facts, ...outcome.facts };
    const result: CheckResult = {
      id: step.id,
      status: outcome.status,
      title: step.title,
      detail: outcome.detail,
      ...(outcome.permission ? { permission: outcome.permission } : {}),
    };
    checks.push(result);
    await onCheck(result);
  }
  return { checks, verdict: verdictOf(facts, checks), facts };
}
