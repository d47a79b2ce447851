import { describe, expect, it } from 'vitest';
import { VERDICT_RULES } from '../../../../cli/doctor/verdict/rules';
import { VERDICT_IDS } from '../../../../cli/doctor/verdict/verdict';

describe('VERDICT_RULES', () => {
  it('has one rule per verdict ID, in the documented order, ending with the one that always applies', () => {
    expect(VERDICT_RULES.map((rule) => rule.id)).toEqual([...VERDICT_IDS]);
    expect(VERDICT_RULES.at(-1)?.id).toBe('NO_PROBLEM_FOUND');
  });
});
