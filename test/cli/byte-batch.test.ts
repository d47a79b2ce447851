import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteBatch } from '../../cli/byte-batch';

/** One step of writing a batch, and the text it stands for. */
type Step = { kind: 'bytes' | 'text'; text: string } | { kind: 'decimal'; value: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), text: fc.string({ unit: 'binary' }) }),
  fc.record({ kind: fc.constant('text' as const), text: fc.string({ unit: 'binary', maxLength: 40_000 }) }),
  fc.record({
    kind: fc.constant('decimal' as const),
    value: fc.oneof(fc.nat(), fc.constantFrom(0, 9, 10, 99, 2 ** 31 - 1, 2 ** 31, 2 ** 53, 1e21, 1.5)),
  }),
);

function write(batch: ByteBatch, steps: readonly Step[]): string {
  let expected = '';
  for (const s of steps) {
    if (s.kind === 'decimal') {
      batch.decimal(s.value);
      expected += String(s.value);
    } else {
      if (s.kind === 'bytes') batch.bytes(Buffer.from(s.text));
      else batch.text(s.text);
      expected += s.text;
    }
  }
  return expected;
}

describe('a batch of output bytes', () => {
  it('holds exactly the UTF-8 of what was written, in order, however large it grows', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const batch = new ByteBatch();
        const expected = write(batch, steps);

        expect(batch.length).toBe(Buffer.byteLength(expected));
        expect(batch.take().equals(Buffer.from(expected))).toBe(true);
      }),
    );
  });

  it('writes line numbers as String() does, the powers of ten included', () => {
    const numbers = [0, 7, 10, 99, 100, 999_999, 1_000_000, 2 ** 31 - 1, 2 ** 31, 12_345_678_901];
    const batch = new ByteBatch();
    for (const n of numbers) {
      batch.decimal(n);
      batch.text(' ');
    }

    expect(batch.take().toString()).toBe(`${numbers.join(' ')} `);
  });

  it('starts each batch in a buffer of its own: a chunk a stream still holds is never written over', () => {
    const batch = new ByteBatch();
    batch.text('first batch\n');
    const first = batch.take();
    batch.text('second\n');
    const second = batch.take();

    expect([first.toString(), second.toString(), batch.length]).toEqual(['first batch\n', 'second\n', 0]);
  });
});
