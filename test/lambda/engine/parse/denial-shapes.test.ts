import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixedLogLines } from '../../../../bench/mixed-log';
import { MAX_KEPT_TEXT } from '../../../../lambda/engine/parse/detach';
import { DenialShapes, type ParseOptions, parseLine } from '../../../../lambda/engine/parse/parse';
import { DENIAL_FIXTURES, deniedLine } from '../fixtures/denial-errors';

const HEAD = 'time="2026-11-24T10:00:00Z" level=warning msg="access denied"';

/** A record as a list, so that two records compare in their fields' order too. */
function spelled(line: string, options?: ParseOptions): unknown {
  const record = parseLine(line, options);
  return record && { ...record, fields: Object.entries(record.fields) };
}

/** Pieces a denial's fields are made of, awkward ones among them: a shape must never change a parse. */
const FIELD = fc.oneof(
  fc.constantFrom(
    'arn="arn:aws:iam::111122223333:role/dev"',
    'arn=arn:aws:iam::111122223333:role/dev',
    'error="identity is not mapped"',
    'error="sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: {\\"Error\\":{\\"Code\\":\\"ExpiredToken\\"}}"',
    'error="x client="',
    'error="a\\" client=\\"1"',
    'client=127.0.0.1:1',
    'method=POST',
    'path=/authenticate',
    'error="unterminated',
    '"',
    '\\',
    'noise',
  ),
  fc.stringMatching(/^[0-9a-z.:\\" =]{0,12}$/).map((value) => `client="${value}"`),
  fc.stringMatching(/^[0-9a-z:/\\" =]{0,16}$/).map((value) => `arn="${value}"`),
);
const DENIAL = fc.array(FIELD, { minLength: 0, maxLength: 6 }).map((fields) => `${HEAD} ${fields.join(' ')}`);

describe("a stream's denials read through their shape", () => {
  it('parse exactly as each line alone, field by field and in order, whatever the lines hold', () => {
    fc.assert(
      fc.property(fc.array(DENIAL, { minLength: 1, maxLength: 30 }), (lines) => {
        const options = { denials: new DenialShapes() };
        for (const line of [...lines, ...lines]) expect(spelled(line, options)).toEqual(spelled(line));
      }),
      { numRuns: 400 },
    );
  });

  it('parse every denial fixture and the bench mix as each line alone', () => {
    const lines = [
      ...DENIAL_FIXTURES.map((fixture) => deniedLine(fixture.error, fixture.arn)),
      ...mixedLogLines(3_000, 7),
    ];
    const options = { denials: new DenialShapes() };
    for (const line of [...lines, ...lines]) expect(spelled(line, options)).toEqual(spelled(line));
  });

  it("give a repeat its own client and time, and the first line's other fields", () => {
    const options = { denials: new DenialShapes() };
    const first = `${HEAD} arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:1" error="identity is not mapped"`;
    const repeat = first.replace('10:00:00Z', '10:00:07Z').replace('127.0.0.1:1', '127.0.0.1:2');
    parseLine(first, options);
    expect(parseLine(repeat, options)).toEqual({
      time: '2026-11-24T10:00:07Z',
      level: 'warning',
      msg: 'access denied',
      fields: {
        arn: 'arn:aws:iam::111122223333:role/dev',
        client: '127.0.0.1:2',
        error: 'identity is not mapped',
      },
    });
  });

  it("give a mapping failure of another principal its own ARN and client, and the first line's other fields", () => {
    // Prepare: an org-wide cluster's principals denied in turn, one shape apart from ARN and port.
    const options = { denials: new DenialShapes() };
    const line = (n: number) =>
      `${HEAD} arn="arn:aws:iam::111122223333:role/team-${n}" client="127.0.0.1:${n}" error="identity is not mapped" method=POST path=/authenticate`;

    // Act
    const records = [1, 22, 333, 4_444].map((n) => parseLine(line(n), options));

    // Assess: one shape for all of them, and every record as the line alone reads.
    expect(records).toEqual([1, 22, 333, 4_444].map((n) => parseLine(line(n))));
    expect(options.denials.size).toBe(1);
  });

  it('keep the ARN in the shape when the caller does not want it, so its repeats still share one', () => {
    // Prepare
    const options = { fields: ['client', 'error'], denials: new DenialShapes() };
    const line = (port: number) =>
      `${HEAD} arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:${port}" error="identity is not mapped"`;

    // Act
    const records = [1, 2, 3].map((port) => spelled(line(port), options));

    // Assess
    expect(records).toEqual([1, 2, 3].map((port) => spelled(line(port), { fields: ['client', 'error'] })));
    expect(options.denials.size).toBe(1);
  });

  it('read an ARN holding an escape as the line alone does, even after a line of the same shape', () => {
    const options = { denials: new DenialShapes() };
    const line = (arn: string) => `${HEAD} arn="${arn}" client="127.0.0.1:1" error="identity is not mapped"`;
    for (const arn of ['plain', 'a\\\\', 'b\\"c', 'plain']) {
      expect(spelled(line(arn), options)).toEqual(spelled(line(arn)));
    }
  });

  it('keep no shape longer than a stream keeps: a forged long denial is scanned each time, and alike', () => {
    const options = { denials: new DenialShapes() };
    const line = `${HEAD} arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:1" error="${'x'.repeat(MAX_KEPT_TEXT)}"`;
    for (let i = 0; i < 3; i++) expect(spelled(line, options)).toEqual(spelled(line));
    expect(options.denials.size).toBe(0);
    parseLine(line.slice(0, 200), options);
    expect(options.denials.size).toBe(1);
  });

  it('are not fooled by a first client="" that is not the field, even one spelling the same port', () => {
    const options = { denials: new DenialShapes() };
    const line = (port: string) => `${HEAD} error="abc client="${port}" client="127.0.0.1:9"`;
    for (const port of ['127.0.0.1:9', '127.0.0.1:5', '1 2']) {
      expect(parseLine(line(port), options)?.fields).toEqual({
        error: `abc client="${port}`,
        client: '127.0.0.1:9',
      });
    }
  });
});

describe('a single wanted field read where it stands first', () => {
  const GRANT_HEAD = 'time="2026-11-24T10:00:00Z" level=info msg="access granted"';
  const FIRST = fc.constantFrom(
    ' arn="arn:aws:iam::111122223333:role/dev" ',
    ' arn="arn:aws:iam::111122223333:role/dev"',
    ' arn="a\\"b" ',
    ' arn="a\\\\" ',
    ' arn="" ',
    ' arn=bare ',
    ' arn="x"y ',
    '\tarn="x" ',
    '  arn="x" ',
    ' arn="unterminated',
    ' arnx="x" ',
    ' ar="x" ',
    'xarn="x" ',
  );
  const REST = fc.array(fc.constantFrom('arn="second"', 'client="1"', 'x', '"', '\\', ''), { maxLength: 4 });

  it('is what the scan of every field reads, whatever the line holds', () => {
    fc.assert(
      fc.property(FIRST, REST, (first, rest) => {
        const line = `${GRANT_HEAD}${first}${rest.join(' ')}`;
        // Two wanted fields, one never present, take the scan; one takes the shortcut when it can.
        const scanned = parseLine(line, { fields: ['arn', 'absent'] });
        expect(spelled(line, { fields: ['arn'] })).toEqual(
          scanned && { ...scanned, fields: Object.entries(scanned.fields) },
        );
      }),
    );
  });
});
