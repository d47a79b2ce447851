import { describe, expect, it } from 'vitest';
import { Report } from '../../cli/report';
import { createLineDiagnoser } from '../../lambda/engine/diagnose/diagnose-lines';
import { notMappedLine, T0, tokenNotAwsLine } from '../helpers/fixtures';

const MINUTE = 60_000;

function reportOf(lines: readonly string[]): string {
  const context = { cluster: { clusterName: 'prod' } };
  const report = new Report(context);
  const diagnose = createLineDiagnoser(context);
  for (const line of lines) {
    report.countLine();
    const finding = diagnose(line);
    if (finding) report.add(finding);
  }
  return report.render();
}

describe('the text report', () => {
  it('lists each problem once, with its count and when it was first and last seen', () => {
    // Prepare
    const lines = [0, 1, 7].map((m) => notMappedLine('developer', T0 + m * MINUTE, 30000 + m));

    // Act
    const text = reportOf(lines);

    // Assess
    expect(text).toContain('3 lines read, 3 authenticator records, 3 denials');
    expect(text).toContain('Distinct problems: 1');
    expect(text).toMatch(/Occurrences: +3\n/);
    expect(text).toMatch(/Seen: +2026-11-24 14:02 UTC to 2026-11-24 14:09 UTC\n/);
  });

  it('takes the earliest and latest time of a log exported newest first', () => {
    // Prepare
    const lines = [7, 1, 0].map((m) => notMappedLine('developer', T0 + m * MINUTE, 30000 + m));

    // Act
    const text = reportOf(lines);

    // Assess
    expect(text).toMatch(/Seen: +2026-11-24 14:02 UTC to 2026-11-24 14:09 UTC\n/);
  });

  it("shows a first line's time that does not parse as the line gives it", () => {
    // Prepare
    const line = tokenNotAwsLine(T0, 1).replace('time="2026-11-24T14:02:00Z"', 'time="yesterday"');

    // Act
    const text = reportOf([line]);

    // Assess
    expect(text).toMatch(/Seen: +yesterday\n/);
  });

  it('puts the most severe problems first, then the most frequent', () => {
    // Prepare
    const lines = [
      tokenNotAwsLine(T0, 1),
      tokenNotAwsLine(T0, 2),
      tokenNotAwsLine(T0, 3),
      notMappedLine('developer', T0, 4),
    ];

    // Act
    const text = reportOf(lines);

    // Assess
    const order = ['IDENTITY_NOT_MAPPED', 'TOKEN_NOT_AWS'].map((category) =>
      text.indexOf(`Category:    ${category}`),
    );
    expect(order[0]).toBeGreaterThan(0);
    expect(order[0]).toBeLessThan(order[1] ?? 0);
  });
});
