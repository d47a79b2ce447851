import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detach, detachValues } from '../../../../lambda/engine/parse/detach';

describe('detach: a copy of what a line holds, to keep beyond the line', () => {
  it('copies a slice of a larger text to an equal string, at every length, ASCII or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(), fc.nat(), (chunk, a, b) => {
        const start = a % (chunk.length + 1);
        const end = start + (b % (chunk.length - start + 1));
        const text = chunk.slice(start, end);
        expect(detach(text)).toBe(text);
      }),
    );
  });

  it('copies each value of a record of fields, and the record itself', () => {
    const fields = { arn: 'arn:aws:iam::111122223333:role/developer', client: '127.0.0.1:40000' };
    const copy = detachValues(fields);
    expect(copy).toEqual(fields);
    expect(copy).not.toBe(fields);
  });
});
