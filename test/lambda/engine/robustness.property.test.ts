import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../../lambda/engine/categories';
import { classify } from '../../../lambda/engine/classify/classify';
import { createLineDiagnoser } from '../../../lambda/engine/diagnose/diagnose-lines';
import { parseLine } from '../../../lambda/engine/parse/parse';
import { DENIAL_FIXTURES, deniedLine } from './fixtures/denial-errors';

// Pieces of real lines, so generated input reaches deep into the parser rather than failing at once.
const fragment = fc.constantFrom(
  'time=',
  'level=',
  'msg=',
  'msg=""',
  '"access denied"',
  'error=',
  'arn=',
  'client=',
  '"',
  '\\',
  '\\"',
  '\\u00',
  '\\x',
  ' ',
  '=',
  '{',
  '}',
  '{"log":"',
  '"msg":',
  ',"',
  'input token was not properly formatted: ',
  'sts getCallerIdentity failed: ',
  'identity is not mapped',
  'arn:aws:iam::111122223333:role/',
  'arn:aws:sts::111122223333:assumed-role/a/',
);
const lineLike = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 400 }),
  fc.array(fc.oneof(fragment, fc.string({ maxLength: 8 })), { maxLength: 40 }).map((parts) => parts.join('')),
  fc.constantFrom(...DENIAL_FIXTURES).chain((fixture) =>
    fc
      .tuple(fc.nat(deniedLine(fixture.error, fixture.arn).length), fc.string({ maxLength: 20 }))
      .map(([cut, noise]) => {
        const line = deniedLine(fixture.error, fixture.arn);
        return line.slice(0, cut) + noise + line.slice(cut);
      }),
  ),
);

describe('robustness on arbitrary input', () => {
  it('parses any line without throwing, to nothing or to a record with a msg', () => {
    fc.assert(
      fc.property(lineLike, (line) => {
        const record = parseLine(line);
        expect(record === undefined || typeof record.msg === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('classifies anything it parsed into a category of the contract', () => {
    fc.assert(
      fc.property(lineLike, (line) => {
        const record = parseLine(line);
        if (record) expect(CATEGORIES).toContain(classify(record).category);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the fields a kind of line needs exactly as the full scan reads them', () => {
    const head = fc.constantFrom(
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied"',
      'time="2026-11-24T10:00:00Z" level=info msg="access granted"',
      'time="2026-11-24T10:00:00.123Z" level=info msg="STS response"',
      'time="2026-11-24T10:00:00Z" level=error msg="something else"',
    );
    const rest = fc.array(fc.oneof(fragment, fc.string({ maxLength: 8 })), { maxLength: 30 });
    fc.assert(
      fc.property(head, rest, (start, parts) => {
        const line = `${start} ${parts.join('')}`;
        const needed = parseLine(line);
        const full = parseLine(line, { allFields: true });
        expect(needed?.msg).toBe(full?.msg);
        expect(needed?.time).toBe(full?.time);
        for (const [key, value] of Object.entries(needed?.fields ?? {}))
          expect(full?.fields[key]).toBe(value);
      }),
      { numRuns: 3000 },
    );
  });

  it('diagnoses a stream of arbitrary lines without throwing', () => {
    fc.assert(
      fc.property(fc.array(lineLike, { maxLength: 30 }), (lines) => {
        const diagnose = createLineDiagnoser({
          cluster: { accountId: '111122223333', authenticationMode: 'CONFIG_MAP' },
        });
        for (const line of lines) {
          const finding = diagnose(line);
          if (finding) expect(CATEGORIES).toContain(finding.category);
        }
      }),
      { numRuns: 300 },
    );
  });
});
