import { describe, expect, it } from 'vitest';
import { checkLine, verdictLines } from '../../../cli/doctor/render-text';
import type { Verdict } from '../../../cli/doctor/verdict';

function verdict(steps: number, warnings: string[] = []): Verdict {
  return {
    id: 'NOT_MAPPED',
    problem: true,
    category: 'IDENTITY_NOT_MAPPED',
    subCause: 'NOT_IN_AWS_AUTH',
    basis: [],
    fix: {
      title: 'Not mapped',
      summary: 'Why.',
      steps: Array.from({ length: steps }, (_, index) => ({
        text: `step ${index + 1}`,
        command: `cmd ${index + 1}`,
      })),
      warnings,
    },
  };
}

describe('verdictLines', () => {
  it('shows the headline with the category, the cause, then each step and its command', () => {
    expect(verdictLines(verdict(2, ['careful']), 40)).toEqual([
      '',
      '✗ Verdict: Not mapped [IDENTITY_NOT_MAPPED/NOT_IN_AWS_AUTH]',
      '  Why.',
      'Fix:',
      '  1. step 1',
      '     $ cmd 1',
      '  2. step 2',
      '     $ cmd 2',
      '  ! careful',
    ]);
  });

  it('stays within its budget and says how many steps are left for --format json', () => {
    const lines = verdictLines(verdict(10), 11);

    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe('  … 7 more steps: run with --format json for the whole fix');
  });

  it('indents every line of a multi-line command (an aws-auth snippet)', () => {
    const lines = verdictLines(
      {
        ...verdict(0),
        fix: { ...verdict(0).fix, steps: [{ text: 'The entry:', command: 'mapRoles: |\n  - rolearn: x' }] },
      },
      40,
    );

    expect(lines.slice(-3)).toEqual(['  1. The entry:', '     $ mapRoles: |', '         - rolearn: x']);
  });
});

describe('checkLine', () => {
  it('is the symbol, the title and what the check saw, with control characters removed', () => {
    expect(checkLine({ id: 'x', status: 'unknown', title: 'probe', detail: 'not run\u001b[2J' })).toBe(
      '? probe: not run[2J',
    );
  });
});
