import type { DoctorFacts } from './facts';

/** ✓ nothing wrong here, ✗ this is (part of) the problem, ? could not tell (and why). */
export type CheckStatus = 'pass' | 'fail' | 'unknown';

/** One line of the report. `detail` says what the check saw; it may hold untrusted text (escaped on output). */
export interface CheckResult {
  readonly id: string;
  readonly status: CheckStatus;
  readonly title: string;
  readonly detail: string;
  /** The IAM action the check needed and was refused, so the reader knows what to ask for. */
  readonly permission?: string;
}

/** What a check returns: its line, and what it learned for the checks after it. */
export interface CheckOutcome {
  readonly status: CheckStatus;
  readonly detail: string;
  readonly permission?: string;
  readonly facts?: Partial<DoctorFacts>;
}

/**
 * One step of the runbook. Steps run in order, each seeing what the earlier ones learned; a step that
 * throws is reported as `unknown` by the runner, so a step need not guard against its own bugs.
 */
export interface CheckStep {
  readonly id: string;
  readonly title: string;
  run(facts: DoctorFacts): Promise<CheckOutcome>;
}

export function pass(detail: string, facts?: Partial<DoctorFacts>): CheckOutcome {
  return { status: 'pass', detail, facts };
}

export function fail(detail: string, facts?: Partial<DoctorFacts>): CheckOutcome {
  return { status: 'fail', detail, facts };
}

export function unknown(detail: string, facts?: Partial<DoctorFacts>, permission?: string): CheckOutcome {
  return { status: 'unknown', detail, facts, permission };
}
