import { describe, expect, it } from 'vitest';
import { ProblemBook } from '../../cli/problem-book';
import { Report, type ReportOptions } from '../../cli/report';
import { styleFor, type TerminalStyle } from '../../cli/terminal-style';
import { createLineDiagnoser } from '../../lambda/engine/diagnose/diagnose-lines';
import { notMappedLine, T0, tokenNotAwsLine } from '../helpers/fixtures';

const MINUTE = 60_000;
const PIPE: TerminalStyle = { width: 100, colour: false };
const AWS_AUTH_BROKEN_LINE =
  'time="2026-11-24T14:00:00Z" level=error msg="There was an error parsing the config maps.  Only saving data that was good, [yaml: line 7: did not find expected key]"';

function reportOf(lines: readonly string[], options: ReportOptions = {}, style = PIPE): string {
  const context = { cluster: { clusterName: 'prod', accountId: '111122223333' } };
  const book = new ProblemBook(context);
  const report = new Report(context, book);
  const diagnose = createLineDiagnoser(context);
  for (const line of lines) {
    report.countLine();
    const finding = diagnose(line);
    if (!finding) continue;
    report.add(finding);
    book.add(finding);
  }
  return report.render(style, options);
}

function summaryOf(text: string): string[] {
  const start = text.split('\n').findIndex((line) => line.startsWith('Summary'));
  const lines = text.split('\n').slice(start + 1);
  return lines.slice(0, lines.indexOf(''));
}

describe('the text report', () => {
  it('gives each cause one summary line, then one block with its count and when it was first and last seen', () => {
    // Prepare
    const lines = [0, 1, 7].map((m) => notMappedLine('developer', T0 + m * MINUTE, 30000 + m));

    // Act
    const text = reportOf(lines, { full: true });

    // Assess
    expect(text).toContain('3 lines read, 3 authenticator records, 3 denials: 1 cause, 1 distinct problems.');
    expect(summaryOf(text)).toEqual([
      '  HIGH         3x 14:02  IAM role is not mapped to a Kubernetes identity - developer. First: On...',
    ]);
    expect(text).toContain('   Seen: 3 times, 2026-11-24 14:02 to 2026-11-24 14:09 UTC;');
  });

  it('takes the earliest and latest time of a log exported newest first', () => {
    // Prepare
    const lines = [7, 1, 0].map((m) => notMappedLine('developer', T0 + m * MINUTE, 30000 + m));

    // Act
    const text = reportOf(lines, { full: true });

    // Assess
    expect(text).toContain('   Seen: 3 times, 2026-11-24 14:02 to 2026-11-24 14:09 UTC;');
  });

  it('puts the most severe causes first, then the most frequent, and non-denial records last', () => {
    // Prepare
    const lines = [tokenNotAwsLine(T0, 1), tokenNotAwsLine(T0, 2), notMappedLine('developer', T0, 4)];

    // Act
    const summary = summaryOf(reportOf(lines));

    // Assess
    expect(summary.map((line) => line.slice(2, 10).trim())).toEqual(['HIGH', 'LOW']);
  });

  it('gives a 30-role outage behind one aws-auth parse error one breakage block on top', () => {
    // Prepare
    const roles = Array.from({ length: 30 }, (_, i) => notMappedLine(`team-${i}`, T0 + MINUTE, 31000 + i));

    // Act
    const text = reportOf([AWS_AUTH_BROKEN_LINE, ...roles, tokenNotAwsLine(T0, 2)]);

    // Assess
    const summary = summaryOf(text);
    expect(summary).toHaveLength(2);
    expect(summary[0]).toMatch(
      /^ {2}CRITICAL +31x 14:00 {2}aws-auth failed to parse: its mappings were dropped - 30 principals/,
    );
    expect(text.match(/^\d+\. CRITICAL/gm)).toEqual(['1. CRITICAL']);
    expect(text).toContain('and 27 more');
    expect(text.split('\n').length).toBeLessThanOrEqual(100); // it was 1,121
  });

  it('prints each warning once; a later cause points back to it', () => {
    // Prepare
    const lines = [tokenNotAwsLine(T0, 1), '', ''].filter(Boolean);
    const forged =
      'time="2026-11-24T14:03:00Z" level=warning msg="access denied" client="127.0.0.1:9" error="input token was not properly formatted: unexpected hostname \\"x.evil.example\\" in pre-signed URL" method=POST path=/authenticate';

    // Act
    const text = reportOf([...lines, forged], { full: true });

    // Assess
    const anyone = text
      .split('\n')
      .filter((line) => line.includes('Anyone who can reach the public API endpoint'));
    expect(anyone).toHaveLength(2);
    expect(anyone[1]).toMatch(/^ {3}! As under 1: /);
  });

  it('shows only the header and summary with --summary, and leaves out causes below --min-severity', () => {
    // Prepare
    const lines = [tokenNotAwsLine(T0, 1), notMappedLine('developer', T0, 4)];

    // Act
    const summaryOnly = reportOf(lines, { summaryOnly: true });
    const high = reportOf(lines, { minSeverity: 'high' });

    // Assess
    expect(summaryOnly).not.toContain('$ ');
    expect(summaryOnly.trimEnd().split('\n').at(-1)).toBe(
      'Run without --summary for each cause with its fix.',
    );
    expect(summaryOf(high)).toHaveLength(2);
    expect(high).toContain('  1 more below high not shown.');
    expect(high).not.toContain('Token is not an EKS IAM token');
  });

  it('shows causes and facts without steps with --no-fix', () => {
    // Act
    const text = reportOf([notMappedLine('developer', T0, 4)], { noFix: true });

    // Assess
    expect(text).toContain('Principal: arn:aws:iam::111122223333:role/developer');
    expect(text).not.toContain('$ ');
  });

  it('keeps prose within the width, breaking long commands before their flags with shell continuations', () => {
    // Act
    const text = reportOf([notMappedLine('developer', T0, 4)], { full: true }, { width: 80, colour: false });

    // Assess
    const overlong = text.split('\n').filter((line) => line.length > 80);
    // Only a command that has no more flags to break before may run over: it must stay copyable.
    expect(overlong.every((line) => /^ {6}(\$ | {2})/.test(line))).toBe(true);
    expect(overlong.length).toBeLessThanOrEqual(2);
    expect(text).toContain('      $ aws eks create-access-entry --cluster-name prod --region <region> \\\n');
  });

  it('colours severities only when the style says so, and never lets log text carry an escape', () => {
    // Prepare
    const forged = tokenNotAwsLine(T0, 1).replace('prefix', 'prefix \u001b[2J\u009b2J');

    // Act
    const plain = reportOf([forged], { full: true });
    const coloured = reportOf([forged], { full: true }, { width: 100, colour: true });

    // Assess
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no escape character may reach the screen.
    expect(plain).not.toMatch(/[\u001b\u009b]/);
    expect(coloured).toContain('\u001b[36mLOW\u001b[0m');
    expect(coloured).not.toContain('\u001b[2J');
    expect(coloured).not.toContain('\u009b');
  });
});

describe('the terminal style', () => {
  it.each([
    [
      { isTTY: true, columns: 132, env: {} },
      { width: 132, colour: true },
    ],
    [
      { isTTY: true, columns: 132, env: { NO_COLOR: '1' } },
      { width: 132, colour: false },
    ],
    [
      { isTTY: false, env: {} },
      { width: 100, colour: false },
    ],
    [
      { isTTY: false, env: { COLUMNS: '300' } },
      { width: 120, colour: false },
    ],
    [
      { isTTY: false, env: { COLUMNS: '20' } },
      { width: 80, colour: false },
    ],
  ])('%j gives %j', (traits, style) => {
    expect(styleFor(traits)).toEqual(style);
  });
});
