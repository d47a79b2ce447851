import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixedLogLines } from '../../../../bench/mixed-log';
import { categoryOf } from '../../../../lambda/engine/classify/classify';
import {
  canonicalGrant,
  canonicalStsResponse,
  isCanonicalGrant,
  isCanonicalStsResponse,
  parseLine,
  STS_RESPONSE_KEYS,
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

describe('a grant read from its head and its leading ARN (canonicalGrant)', () => {
  const head = GRANT.slice(0, GRANT.indexOf(' arn="'));
  /** What a line diagnoser and the first pass over a file ask of a grant: its `arn` alone. */
  const askingForTheArn = [
    { asker: 'the classifier', options: () => ({ times: new TimeStrings() }) },
    {
      asker: 'the first pass',
      options: () => ({
        times: new TimeStrings(),
        fieldsByMessage: {
          'access denied': ['arn', 'client'],
          'STS response': [],
          'access granted': ['arn'],
          other: [],
        },
      }),
    },
  ];

  it.each(askingForTheArn)(
    'reads every grant of the bench mix, for $asker, as the full parse does',
    ({ options }) => {
      const grants = [...mixedLogLines(3_000, 5)].filter(isCanonicalGrant);
      expect(grants.length).toBeGreaterThan(1_000);
      for (const line of grants) {
        const read = canonicalGrant(line, options());
        expect(read).toBeDefined();
        expect(read).toEqual(parseLine(line, options()));
      }
    },
  );

  it.each(askingForTheArn)(
    'gives what the full parse gives, for $asker, whatever follows the head, or leaves the line to it',
    ({ options }) => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ maxLength: 300 }),
            fc
              .tuple(fc.string({ maxLength: 80 }), fc.string({ maxLength: 200 }))
              .map(([arn, rest]) => ` arn="${arn}" ${rest}`),
          ),
          (rest) => {
            const text = `${head}${rest}`;
            const read = canonicalGrant(text, options());
            if (read !== undefined) expect(read).toEqual(parseLine(text, options()));
          },
        ),
      );
    },
  );

  it.each([
    {
      case: 'a grant whose first field is not its arn',
      line: GRANT.replace(' arn="', ' client="127.0.0.1:1" arn="'),
    },
    { case: 'an arn with an escape in it', line: GRANT.replace('role/dev"', 'role/d\\"ev"') },
    { case: 'an arn quoted to the end of the line', line: `${head} arn="arn:aws:iam::111122223333:role/dev` },
    { case: 'an STS response', line: STS_RESPONSE },
  ])('leaves $case to the full parse', ({ line }) => {
    expect(canonicalGrant(line, { times: new TimeStrings() })).toBeUndefined();
  });

  it.each([
    { asker: 'every field', options: { allFields: true } },
    { asker: 'a list of fields', options: { fields: ['arn', 'username'] } },
    {
      asker: 'other fields of a grant',
      options: {
        fieldsByMessage: {
          'access denied': [],
          'STS response': [],
          'access granted': ['username'],
          other: [],
        },
      },
    },
  ])('leaves a grant to the full parse when the caller asks for $asker', ({ options }) => {
    expect(canonicalGrant(GRANT, options)).toBeUndefined();
    expect(parseLine(GRANT, options)?.msg).toBe('access granted');
  });
});

describe('the fields of an STS response as EKS writes it, read in its order', () => {
  const head = STS_RESPONSE.slice(0, STS_RESPONSE.indexOf(' accesskeyid='));
  /**
   * The same line with a second space after its head: the general scan reads it alike (it skips
   * spaces), the ordered read never.
   */
  const scanned = (line: string) => {
    const headEnd = line.indexOf('"', line.indexOf(' msg="') + 6) + 1;
    return `${line.slice(0, headEnd)} ${line.slice(headEnd)}`;
  };
  const asked = [
    { asker: 'the join', fields: ['accesskeyid', 'accountid', 'arn', 'client', 'session', 'userid'] },
    { asker: 'the first pass', fields: ['client'] },
    { asker: 'a reader of grants', fields: ['arn', 'groups', 'uid', 'username'] },
  ];
  const token = fc.oneof(
    fc.constantFrom(...STS_RESPONSE_KEYS),
    fc.constantFrom('error', 'username', 'Client', ''),
  );
  const value = fc.oneof(
    fc.stringMatching(/^[\w:/.@=+-]{0,20}$/),
    fc.stringMatching(/^"[\w:/. @"\\=-]{0,20}"?$/),
    fc.string({ maxLength: 12 }),
  );
  const rest = fc
    .array(fc.tuple(token, value, fc.constantFrom(' ', ' ', ' ', '  ', '\t')), { maxLength: 10 })
    .map((tokens) => tokens.map(([key, text, gap]) => `${gap}${key}=${text}`).join(''));

  it.each(asked)(
    'reads every STS response of the bench mix, for $asker, as the general scan does',
    ({ fields }) => {
      const lines = [...mixedLogLines(3_000, 7)].filter(isCanonicalStsResponse);
      expect(lines.length).toBeGreaterThan(1_000);
      for (const line of lines) {
        const record = parseLine(line, { fields });
        expect(record?.fields).toEqual(parseLine(scanned(line), { fields })?.fields);
        expect(Object.keys(record?.fields ?? {})).toEqual(
          Object.keys(parseLine(scanned(line), { fields })?.fields ?? {}),
        );
      }
    },
  );

  it.each(asked)(
    'gives what the general scan gives, for $asker, whatever the fields after the head',
    ({ fields }) => {
      fc.assert(
        fc.property(rest, (tail) => {
          const line = `${head}${tail}`;
          expect(parseLine(line, { fields })?.fields).toEqual(parseLine(scanned(line), { fields })?.fields);
        }),
        { numRuns: 3_000 },
      );
    },
  );
});
