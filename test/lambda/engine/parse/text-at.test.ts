import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAt, Literal } from '../../../../lambda/engine/parse/text-at';

// Lines read from a file are views into a chunk: build them the same way.
const viewOf = (text: string) => `${'x'.repeat(40)}${text}`.slice(40);
const text = fc.string({ maxLength: 60 });
const constant = fc.string({ maxLength: 30 });

describe('isAt: startsWith at a position', () => {
  it('answers as String.prototype.startsWith, for short constants (compared as copies) and long ones (as views)', () => {
    fc.assert(
      fc.property(text, constant, fc.nat(70), (line, expected, at) => {
        expect(isAt(viewOf(line), at, expected)).toBe(line.startsWith(expected, at));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('Literal: a constant looked for on every line', () => {
  it('isAt answers as String.prototype.startsWith', () => {
    fc.assert(
      fc.property(text, constant, fc.nat(70), (line, expected, at) => {
        expect(new Literal(expected).isAt(viewOf(line), at)).toBe(line.startsWith(expected, at));
      }),
      { numRuns: 3000 },
    );
  });

  it('endsIn answers as String.prototype.endsWith', () => {
    fc.assert(
      fc.property(text, constant, (line, expected) => {
        expect(new Literal(expected).endsIn(viewOf(line))).toBe(line.endsWith(expected));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a long constant standing in a line, and rejects one differing in its last character', () => {
    const line = viewOf('time="x" level=info msg="input token was not properly formatted: token"');
    expect(new Literal('input token was not properly formatted: ').isAt(line, 25)).toBe(true);
    expect(new Literal('input token was not properly formatted; ').isAt(line, 25)).toBe(false);
  });
});
