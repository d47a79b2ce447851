import { describe, expect, it } from 'vitest';
import type { ProblemWindow } from '../../../lambda/dedup/store';
import { compactFinding, problemOfWindow, storedProblem } from '../../../lambda/dedup/stored-problem';
import { classify } from '../../../lambda/engine/classify/classify';
import type { Problem } from '../../../lambda/engine/diagnose/problem';
import { notMappedLine, rejectedHostLine, T0 } from '../../helpers/fixtures';
import { parsedLine } from '../engine/fixtures/parsed-line';

const context = { cluster: { clusterName: 'prod', region: 'eu-west-1' }, contextUnavailable: 'offline' };

function problemOf(line: string): Problem {
  return {
    key: 'prod|key',
    finding: classify(parsedLine(line), context),
    context,
    occurrences: { count: 1, firstSeen: T0, lastSeen: T0 },
  };
}

function windowHolding(subject: string): ProblemWindow {
  return {
    cluster: 'prod',
    id: 'id',
    problemKey: 'prod|key',
    mode: 'alert',
    windowStart: T0,
    windowEnd: T0 + 3_600_000,
    pending: 0,
    lastSeen: T0,
    bucket: 0,
    openedBy: 'batch',
    subject,
  };
}

describe('a problem kept in its window', () => {
  it('reads back as the same finding and context, with the occurrences its follow-up covers', () => {
    // Prepare
    const problem = problemOf(notMappedLine('developer', T0, 1));
    const repeats = { count: 412, firstSeen: T0 + 60_000, lastSeen: T0 + 120_000 };

    // Act
    const read = problemOfWindow(windowHolding(storedProblem(problem)), repeats);

    // Assess
    expect(read).toEqual({ ...problem, occurrences: repeats });
  });

  it('is stored as finding, context and (empty) notes, the shape earlier versions read', () => {
    // Act
    const stored = JSON.parse(storedProblem(problemOf(notMappedLine('developer', T0, 1))));

    // Assess
    expect(Object.keys(stored)).toEqual(['finding', 'context', 'notes']);
    expect(stored.notes).toEqual([]);
  });

  it('keeps a forged 256 KB error line to a bounded length', () => {
    // Prepare
    const problem = problemOf(rejectedHostLine(`sts.amazonaws.com${'x'.repeat(256 * 1024)}`, T0, 1));

    // Act
    const stored = storedProblem(problem);

    // Assess
    expect(stored.length).toBeLessThan(20_000);
    expect(compactFinding(problem.finding).error).toMatch(/…$/);
  });

  it.each([
    ['text that is not JSON', '{"finding": '],
    ['JSON without a finding', '{"context": {}}'],
    ['JSON null', 'null'],
  ])('is unreadable from %s', (_what, subject) => {
    // Act
    const read = problemOfWindow(windowHolding(subject), { count: 1, firstSeen: T0, lastSeen: T0 });

    // Assess
    expect(read).toBeUndefined();
  });
});
