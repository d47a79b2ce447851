import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixedLogLines } from '../../../../bench/mixed-log';
import { categoryOf } from '../../../../lambda/engine/classify/classify';
import {
  canonicalTime,
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

const STS_RESPONSE =
  'time="2026-11-24T10:00:00Z" level=info msg="STS response" accesskeyid=ASIAEXAMPLEKEY accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role/dev/alice" client="127.0.0.1:40000" method=POST path=/authenticate session=alice userid=AROAEXAMPLE';

describe('an STS response known from its head alone', () => {
  it('is an STS response as EKS writes it', () => {
    expect(isCanonicalStsResponse(STS_RESPONSE)).toBe(true);
  });

  it('is read by the full parse as an STS response of the time its head gives, whatever follows the head', () => {
    const head = STS_RESPONSE.slice(0, STS_RESPONSE.indexOf(' accesskeyid='));
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.stringMatching(/^[0-9]{2}$/), (rest, second) => {
        const line = `${head.replace(':00Z', `:${second}Z`)}${rest}`;
        if (!isCanonicalStsResponse(line)) return;
        const record = parseLine(line);
        expect(record && categoryOf(record)).toBe('STS_RESPONSE');
        expect(canonicalTime(line, new TimeStrings())).toBe(record?.time);
      }),
    );
  });

  it('says so of no line the full parse reads otherwise (every fixture, the bench mix)', () => {
    const lines = [
      ...RECORD_FIXTURES.map((fixture) => fixture.line),
      ...DENIAL_FIXTURES.map((fixture) => deniedLine(fixture.error, fixture.arn)),
      ...mixedLogLines(2_000, 3),
    ];
    const responses = lines.filter(isCanonicalStsResponse);
    expect(responses.length).toBeGreaterThan(500);
    for (const line of responses) expect(parsedCategory(line)).toBe('STS_RESPONSE');
  });

  it.each([
    ['a time with fractions (the full parse reads it)', STS_RESPONSE.replace('10:00:00Z', '10:00:00.123Z')],
    ['a grant', GRANT],
    ['a CSV row', `"authenticator-1","2026-11-24 10:00:00.000","${STS_RESPONSE.replaceAll('"', '""')}"`],
    ['a line past the length limit', `${STS_RESPONSE} ${'x'.repeat(1 << 20)}`],
  ])('leaves %s to the full parse', (_case, line) => {
    expect(isCanonicalStsResponse(line)).toBe(false);
  });
});
