import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endsWith, isAt } from '../../lambda/engine/text-at';

// Lines read from a file are views into a chunk: build them the same way.
const viewOf = (text: string) => `${'x'.repeat(40)}${text}`.slice(40);

describe('isAt: startsWith at a position', () => {
  it('answers as String.prototype.startsWith for constants shorter and longer than a piece', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 30 }),
        fc.nat(70),
        (text, expected, at) => {
          expect(isAt(viewOf(text), at, expected)).toBe(text.startsWith(expected, at));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('finds a long constant standing in a line, and rejects one differing in its last piece', () => {
    const line = viewOf('time="x" level=info msg="input token was not properly formatted: token"');
    expect(isAt(line, 25, 'input token was not properly formatted: ')).toBe(true);
    expect(isAt(line, 25, 'input token was not properly formatted; ')).toBe(false);
  });
});

describe('endsWith', () => {
  it('answers as String.prototype.endsWith', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 30 }), (text, expected) => {
        expect(endsWith(viewOf(text), expected)).toBe(text.endsWith(expected));
      }),
      { numRuns: 3000 },
    );
  });
});
