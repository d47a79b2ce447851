import { describe, expect, it } from 'vitest';
import { csvCell } from '../../../cli/access-report/render-csv';

describe('csvCell', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/ci', 'arn:aws:iam::111122223333:role/ci'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
  ])('quotes %j as RFC 4180 wants', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ['=HYPERLINK("https://evil")', `"'=HYPERLINK(""https://evil"")"`],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
  ])('keeps %j from running as a spreadsheet formula', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('drops terminal control characters', () => {
    expect(csvCell('ci\u001b[31m')).toBe('ci[31m');
  });
});
