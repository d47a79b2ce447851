import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixedLogLines } from '../../../../bench/mixed-log';
import { categoryOf } from '../../../../lambda/engine/classify/classify';
import {
  canonicalStsResponse,
  isCanonicalGrant,
  isCanonicalStsResponse,
  parseLine,
  TimeStrings,
} from '../../../../lambda/engine/parse/parse';
import { DENIAL_FIXTURES, deniedLine } from '../fixtures/denial-errors';
import { RECORD_FIXTURES } from '../fixtures/record-lines';

const GRANT =
  'time="2026-11-24T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:40000" groups="[]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROAEXAMPLE" username="dev"';

/** What the full parse makes of the line: its category, or undefined for no record. */
function parsedCategory(line: string): string | undefined {
  const record = parseLine(line);
  return record === undefined ? undefined : categoryOf(record);
}

const STS_RESPONSE =
  'time="2026-11-24T10:00:00Z" level=info msg="STS response" accesskeyid=ASIAEXAMPLEKEY accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role/dev/alice" client="127.0.0.1:40000" method=POST path=/authenticate session=alice userid=AROAEXAMPLE';

describe('a grant or an STS response known from its head alone', () => {
  const heads = [
    { head: 'a grant', known: isCanonicalGrant, category: 'ACCESS_GRANTED', line: GRANT },
    { head: 'an STS response', known: isCanonicalStsResponse, category: 'STS_RESPONSE', line: STS_RESPONSE },
  ];
  const lines = [
    ...RECORD_FIXTURES.map((fixture) => fixture.line),
    ...DENIAL_FIXTURES.map((fixture) => deniedLine(fixture.error, fixture.arn)),
    ...mixedLogLines(2_000, 3),
  ];

  it.each(heads)('$head: is known as EKS writes it', ({ known, line }) => {
    expect(known(line)).toBe(true);
  });

  it.each(heads)(
    '$head: is read as such by the full parse, of the time its head gives, whatever follows the head',
    ({ known, category, line }) => {
      const head = line.slice(0, line.indexOf('"', line.indexOf(' msg="') + 6) + 1);
      fc.assert(
        fc.property(fc.string({ maxLength: 400 }), fc.stringMatching(/^[0-9]{2}$/), (rest, second) => {
          const text = `${head.replace(':00Z', `:${second}Z`)}${rest}`;
          if (!known(text)) return;
          const record = parseLine(text);
          expect(record && categoryOf(record)).toBe(category);
          expect(new TimeStrings().of(text)).toBe(record?.time);
          if (known === isCanonicalStsResponse)
            expect(canonicalStsResponse(text, new TimeStrings())).toEqual(record);
        }),
      );
    },
  );

  it.each(heads)(
    '$head: is said of no line the full parse reads otherwise (every fixture, the bench mix)',
    ({ known, category }) => {
      const said = lines.filter(known);
      expect(said.length).toBeGreaterThan(500);
      for (const line of said) expect(parsedCategory(line)).toBe(category);
    },
  );

  it.each(
    heads.flatMap(({ head, known, line }) => [
      {
        head,
        known,
        case: 'a time with fractions (the full parse reads it)',
        line: line.replace('10:00:00Z', '10:00:00.123Z'),
      },
      {
        head,
        known,
        case: 'a denial',
        line: line.replace(/level=info msg="[^"]*"/, 'level=warning msg="access denied"'),
      },
      {
        head,
        known,
        case: 'a CSV row',
        line: `"authenticator-1","2026-11-24 10:00:00.000","${line.replaceAll('"', '""')}"`,
      },
      { head, known, case: 'a line past the length limit', line: `${line} ${'x'.repeat(1 << 20)}` },
    ]),
  )('$head: leaves $case to the full parse', ({ known, line }) => {
    expect(known(line)).toBe(false);
  });

  it('tells a grant and an STS response apart', () => {
    expect([isCanonicalGrant(STS_RESPONSE), isCanonicalStsResponse(GRANT)]).toEqual([false, false]);
  });
});
