import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixedLogLines } from '../../../../bench/mixed-log';
import { classify } from '../../../../lambda/engine/classify/classify';
import { createLineDiagnoser } from '../../../../lambda/engine/diagnose/diagnose-lines';
import { type ParseOptions, parseLine } from '../../../../lambda/engine/parse/parse';
import type { DiagnosisContext } from '../../../../lambda/engine/types';
import { RECORD_FIXTURES } from '../fixtures/record-lines';

const CONTEXT: DiagnosisContext = { cluster: { clusterName: 'demo', accountId: '111122223333' } };

const GRANT =
  'time="2026-11-24T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:40000" groups="[]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROAEXAMPLE" username="dev"';
const STS_RESPONSE =
  'time="2026-11-24T10:00:00Z" level=info msg="STS response" accesskeyid=ASIAEXAMPLEKEY accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role/dev/alice" client="127.0.0.1:40000" method=POST path=/authenticate session=alice userid=AROAEXAMPLE';

/**
 * Lines near the two the diagnoser reads without the full parse: one character replaced, dropped or
 * doubled anywhere (a quote, a space, a letter of the head, the arn's own text).
 */
const nearCanonical = fc
  .record({
    line: fc.constantFrom(GRANT, STS_RESPONSE),
    at: fc.nat(),
    edit: fc.constantFrom('replace', 'drop', 'double'),
    char: fc.constantFrom('"', ' ', '\\', '=', 'x', 'Z', 'a'),
  })
  .map(({ line, at, edit, char }) => {
    const i = at % line.length;
    if (edit === 'drop') return line.slice(0, i) + line.slice(i + 1);
    if (edit === 'double') return line.slice(0, i + 1) + line.slice(i);
    return line.slice(0, i) + char + line.slice(i + 1);
  });

/** What the full parse and a one-off classification make of a line that needs no other line. */
function alone(line: string, options?: ParseOptions) {
  const record = parseLine(line, options);
  return record === undefined ? undefined : classify(record, CONTEXT);
}

describe('a line diagnoser reads grants and STS responses as EKS writes them as the full parse does', () => {
  const standalone = (finding: ReturnType<typeof alone>) =>
    finding?.category === 'ACCESS_GRANTED' || finding?.category === 'STS_RESPONSE';

  it('on the bench log, the fixtures and every line one character away from a canonical one', () => {
    const lines = [...mixedLogLines(3_000, 11), ...RECORD_FIXTURES.map((fixture) => fixture.line)];
    const diagnose = createLineDiagnoser(CONTEXT);
    let compared = 0;
    for (const line of lines) {
      const expected = alone(line);
      const actual = diagnose(line);
      if (!standalone(expected)) continue;
      expect(actual, line).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(2_000);
    fc.assert(
      fc.property(fc.array(nearCanonical, { minLength: 1, maxLength: 20 }), (batch) => {
        const diagnoseBatch = createLineDiagnoser(CONTEXT);
        for (const line of batch) {
          const expected = alone(line);
          const actual = diagnoseBatch(line);
          if (standalone(expected)) expect(actual, line).toEqual(expected);
          else if (expected === undefined) expect(actual, line).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    { options: { allFields: true }, kept: 'every field' },
    { options: { fields: ['accesskeyid', 'session'] }, kept: 'the fields asked for' },
  ] as const)('keeps $kept of an STS response when its options ask for them', ({ options }) => {
    const finding = createLineDiagnoser(CONTEXT, options)(STS_RESPONSE);
    expect(finding?.record.fields.accesskeyid).toBe('ASIAEXAMPLEKEY');
    expect(finding).toEqual(alone(STS_RESPONSE, options));
  });

  it('remembers a canonical grant for a later denial of the same principal', () => {
    const diagnose = createLineDiagnoser(CONTEXT);
    diagnose(GRANT);
    const denial = diagnose(
      'time="2026-11-24T10:05:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:40001" error="identity is not mapped" method=POST path=/authenticate',
    );
    expect(denial?.category).toBe('IDENTITY_NOT_MAPPED');
    expect(denial?.subCause).toBe('ACCESS_REMOVED_RECENTLY');
  });
});
