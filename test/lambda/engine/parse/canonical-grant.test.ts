import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixedLogLines } from '../../../../bench/mixed-log';
import { categoryOf } from '../../../../lambda/engine/classify/classify';
import { isCanonicalGrant, parseLine } from '../../../../lambda/engine/parse/parse';
import { DENIAL_FIXTURES, deniedLine } from '../fixtures/denial-errors';
import { RECORD_FIXTURES } from '../fixtures/record-lines';

const GRANT =
  'time="2026-11-24T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:40000" groups="[]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROAEXAMPLE" username="dev"';

/** What the full parse makes of the line: its category, or undefined for no record. */
function parsedCategory(line: string): string | undefined {
  const record = parseLine(line);
  return record === undefined ? undefined : categoryOf(record);
}

describe('a grant known from its head alone', () => {
  it('is a grant as EKS writes it', () => {
    expect(isCanonicalGrant(GRANT)).toBe(true);
  });

  it('is read as an access granted record by the full parse, whatever follows the head', () => {
    const head = GRANT.slice(0, GRANT.indexOf(' arn='));
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (rest) => {
        const line = `${head}${rest}`;
        if (isCanonicalGrant(line)) expect(parsedCategory(line)).toBe('ACCESS_GRANTED');
      }),
    );
  });

  it('says so of no line the full parse reads otherwise (every fixture, the bench mix)', () => {
    const lines = [
      ...RECORD_FIXTURES.map((fixture) => fixture.line),
      ...DENIAL_FIXTURES.map((fixture) => deniedLine(fixture.error, fixture.arn)),
      ...mixedLogLines(2_000, 3),
    ];
    const grants = lines.filter(isCanonicalGrant);
    expect(grants.length).toBeGreaterThan(500);
    for (const line of grants) expect(parsedCategory(line)).toBe('ACCESS_GRANTED');
  });

  it.each([
    ['a time with fractions (the full parse reads it)', GRANT.replace('10:00:00Z', '10:00:00.123Z')],
    ['a denial', GRANT.replace('level=info msg="access granted"', 'level=warning msg="access denied"')],
    ['a CSV row', `"authenticator-1","2026-11-24 10:00:00.000","${GRANT.replaceAll('"', '""')}"`],
    ['a line past the length limit', `${GRANT} ${'x'.repeat(1 << 20)}`],
  ])('leaves %s to the full parse', (_case, line) => {
    expect(isCanonicalGrant(line)).toBe(false);
  });
});
