import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS, ProblemBook, problemId } from '../../cli/problem-book';
import { createLineDiagnoser } from '../../lambda/engine/diagnose/diagnose-lines';
import { problemKey } from '../../lambda/engine/diagnose/problem-key';
import type { Finding } from '../../lambda/engine/types';
import { notMappedLine, T0 } from '../helpers/fixtures';
import { DENIAL_FIXTURES, deniedLine } from '../lambda/engine/fixtures/denial-errors';
import { RECORD_FIXTURES } from '../lambda/engine/fixtures/record-lines';

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

describe('booking a finding under its problem', () => {
  // Every wording of every category, with and without a principal, at varying times and ports.
  const findings: Finding[] = (() => {
    const diagnose = createLineDiagnoser({ cluster: { clusterName: 'prod' } });
    const lines = [
      ...DENIAL_FIXTURES.flatMap((fixture, i) => [
        deniedLine(fixture.error, fixture.arn, `2026-11-24T10:00:0${i % 10}Z`, `127.0.0.1:${40000 + i}`),
        deniedLine(fixture.error, undefined, '2026-11-24T10:01:00Z'),
        deniedLine(fixture.error, 'arn:aws:iam::111122223333:role/Other-Role'),
      ]),
      ...RECORD_FIXTURES.map((fixture) => fixture.line),
    ];
    // One principal under two sub-causes, from a log of its own (the fixtures break aws-auth, which
    // would explain both): plainly not mapped, then not mapped after a grant.
    const onCall = createLineDiagnoser({ cluster: { clusterName: 'prod' } });
    const onCallLines = [
      notMappedLine('on-call', T0, 41000),
      `time="${new Date(T0 + 60_000).toISOString().replace('.000', '')}" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/on-call" client="127.0.0.1:41001" method=POST path=/authenticate username="on-call"`,
      notMappedLine('on-call', T0 + 120_000, 41002),
    ];
    return [
      ...lines.flatMap((line) => diagnose(line) ?? []),
      ...onCallLines.flatMap((line) => onCall(line) ?? []),
    ];
  })();

  it('holds one principal under two sub-causes (the case a key without its sub-cause would merge)', () => {
    const subCauses = findings
      .filter((finding) => finding.category === 'IDENTITY_NOT_MAPPED')
      .filter((finding) => finding.principal?.arn === 'arn:aws:iam::111122223333:role/on-call')
      .map((finding) => finding.subCause);
    expect(new Set(subCauses).size).toBe(2);
  });

  it('keys every finding exactly as problemKey does, in any order (the book remembers keys by category, sub-cause and principal)', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(findings, { minLength: findings.length }), (shuffled) => {
        const book = new ProblemBook({ cluster: { clusterName: 'prod' } });
        for (const finding of shuffled) {
          const booked = book.add(finding);
          if (typeof booked === 'object') expect(booked.id).toBe(problemId(problemKey('prod', finding)));
        }
        expect(book.problems().length).toBe(
          new Set(shuffled.flatMap((finding) => (book.add(finding) ? [problemKey('prod', finding)] : [])))
            .size,
        );
      }),
      { numRuns: 25 },
    );
  });
});
