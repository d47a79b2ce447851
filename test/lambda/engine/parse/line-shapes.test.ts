import { describe, expect, it } from 'vitest';
import { LineShapes, MAX_PART_LENGTH } from '../../../../lambda/engine/parse/line-shapes';

/** A line's shape around its `client` value, as the batch memo and the denial parse cut it. */
function cut(line: string): [number, string, number, number, number] {
  const headEnd = line.indexOf(' client="');
  const tail = line.indexOf('"', headEnd + 9);
  return [LineShapes.lengthsOf(line, 0, headEnd, tail), line, 0, headEnd, tail];
}

const line = (port: number, error = 'identity is not mapped') =>
  `msg="access denied" client="127.0.0.1:${port}" error="${error}"`;

describe('line shapes', () => {
  it('find a line by its text apart from the cut value', () => {
    const shapes = new LineShapes<string>();
    shapes.add(...cut(line(1)), 'first');
    expect(shapes.get(...cut(line(65_535)))).toBe('first');
    expect(shapes.get(...cut(line(1, 'identity is not mapPED')))).toBeUndefined();
  });

  it('keep apart many shapes of the same lengths, past the few compared in place', () => {
    const shapes = new LineShapes<number>();
    const errors = Array.from({ length: 40 }, (_, i) => `error number ${String(i).padStart(4, '0')}`);
    for (const [i, error] of errors.entries()) shapes.add(...cut(line(1, error)), i);
    for (const [i, error] of errors.entries()) expect(shapes.get(...cut(line(2, error)))).toBe(i);
  });

  it('forget everything once full, so a flood of distinct lines costs a table of bounded size', () => {
    const shapes = new LineShapes<number>(3);
    for (let i = 0; i < 4; i++) shapes.add(...cut(line(1, `e${i}`)), i);
    expect(shapes.get(...cut(line(1, 'e0')))).toBeUndefined();
    expect(shapes.get(...cut(line(1, 'e3')))).toBe(3);
  });

  it('give no shape to a part too long to be an authenticator line', () => {
    expect(cut(line(1, 'x'.repeat(MAX_PART_LENGTH)))[0]).toBe(-1);
  });
});
