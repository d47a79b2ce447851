import type { CheckResult } from '../check';
import type { DoctorFacts } from '../facts';
import { VERDICT_RULES } from './rules';
import type { Verdict } from './verdict';

export type { Verdict, VerdictId } from './verdict';

/**
 * The one verdict of a run: the first rule of `VERDICT_RULES` that applies, with its fix. Never
 * throws (a rule that does is skipped: the next, more general one still answers).
 *
 * @example
 * const verdict = verdictOf(facts, results);
 * // { id: 'NOT_MAPPED', category: 'IDENTITY_NOT_MAPPED', subCause: 'NOT_IN_AWS_AUTH', fix: { title: 'IAM role is not mapped …', … } }
 */
export function verdictOf(facts: DoctorFacts, results: readonly CheckResult[]): Verdict {
  for (const rule of VERDICT_RULES) {
    try {
      if (!rule.applies(facts, results)) continue;
      const { fix, category, subCause } = rule.fix(facts, results);
      return {
        id: rule.id,
        problem: rule.id !== 'NO_PROBLEM_FOUND',
        category,
        subCause,
        fix,
        basis: rule.basis,
      };
    } catch {
      // A rule that cannot be applied to these facts says nothing; a later one answers.
    }
  }
  return {
    id: 'NO_PROBLEM_FOUND',
    problem: false,
    fix: { title: 'No problem found', summary: '', steps: [], warnings: [] },
    basis: [],
  };
}
