import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS, ProblemBook } from '../../cli/problem-book';
import { createLineDiagnoser } from '../../lambda/engine/diagnose/diagnose-lines';
import { notMappedLine, T0 } from '../helpers/fixtures';

describe('counting distinct problems', () => {
  it('stays exact past the cap: principals seen twice are counted once', () => {
    // Prepare
    const context = { cluster: { clusterName: 'prod' } };
    const book = new ProblemBook(context);
    const diagnose = createLineDiagnoser(context);
    const principals = MAX_PROBLEMS + 1_000;

    // Act
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < principals; i++) {
        const finding = diagnose(notMappedLine(`role-${i}`, T0 + round, 30000 + i));
        if (finding) book.add(finding);
      }
    }

    // Assess
    expect(book.distinct()).toEqual({ count: principals, atLeast: false });
    expect(book.problems()).toHaveLength(MAX_PROBLEMS);
    expect(book.untrackedOccurrences).toBe(2_000);
    expect(book.worst).toBe('high');
  });
});
