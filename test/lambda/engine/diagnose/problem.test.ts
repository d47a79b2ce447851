import { describe, expect, it } from 'vitest';
import { classify } from '../../../../lambda/engine/classify/classify';
import {
  mergeProblems,
  OccurrenceTally,
  openProblem,
  type Problem,
} from '../../../../lambda/engine/diagnose/problem';
import { notMappedLine, T0 } from '../../../helpers/fixtures';
import { parsedLine } from '../fixtures/parsed-line';

const finding = classify(parsedLine(notMappedLine('developer', T0, 1)), {});

function problem(key: string, count: number, firstSeen: number, lastSeen: number): Problem {
  return { key, finding, context: {}, occurrences: { count, firstSeen, lastSeen } };
}

describe('counting occurrences', () => {
  it('keeps the count and the earliest and latest time, whatever order they come in', () => {
    // Prepare
    const tally = new OccurrenceTally();

    // Act
    for (const time of [T0 + 5, T0, T0 + 9, T0 + 2]) tally.add(time);

    // Assess
    expect({ ...tally }).toEqual({ count: 4, firstSeen: T0, lastSeen: T0 + 9 });
  });

  it('counts an occurrence without a readable time, leaving the times unknown until one has it', () => {
    // Prepare
    const tally = new OccurrenceTally().add(Number.NaN);

    // Act
    const unknown = { ...tally };
    tally.add(T0);

    // Assess
    expect(unknown).toEqual({
      count: 1,
      firstSeen: Number.POSITIVE_INFINITY,
      lastSeen: Number.NEGATIVE_INFINITY,
    });
    expect({ ...tally }).toEqual({ count: 2, firstSeen: T0, lastSeen: T0 });
  });

  it('adds up occurrences counted elsewhere', () => {
    // Prepare
    const tally = new OccurrenceTally().add(T0 + 10);

    // Act
    tally.merge({ count: 41, firstSeen: T0, lastSeen: T0 + 5 });

    // Assess
    expect({ ...tally }).toEqual({ count: 42, firstSeen: T0, lastSeen: T0 + 10 });
  });

  it('opens a problem seen once, whose repeats count on its own tally', () => {
    // Prepare
    const opened = openProblem('prod|key', finding, {}, T0);

    // Act
    opened.occurrences.add(T0 + 1);

    // Assess
    expect(opened).toMatchObject({ key: 'prod|key', finding, occurrences: { count: 2, lastSeen: T0 + 1 } });
  });
});

describe('merging problems', () => {
  it('makes problems with one key one, the first standing for the rest, in order of first appearance', () => {
    // Prepare
    const problems = [
      problem('a', 3, T0 + 10, T0 + 20),
      problem('b', 1, T0, T0),
      problem('a', 2, T0, T0 + 30),
    ];

    // Act
    const merged = mergeProblems(problems);

    // Assess
    expect(merged.map((p) => [p.key, { ...p.occurrences }])).toEqual([
      ['a', { count: 5, firstSeen: T0, lastSeen: T0 + 30 }],
      ['b', { count: 1, firstSeen: T0, lastSeen: T0 }],
    ]);
    expect(merged[0]?.finding).toBe(problems[0]?.finding);
  });

  it('leaves the problems it was given as they were', () => {
    // Prepare
    const problems = [problem('a', 3, T0, T0), problem('a', 2, T0 + 1, T0 + 1)];

    // Act
    mergeProblems(problems);

    // Assess
    expect(problems.map((p) => p.occurrences.count)).toEqual([3, 2]);
  });
});
