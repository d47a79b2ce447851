import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../cli/line-splitter';

/** What `readline` makes of the same chunks, the behaviour the splitter replaces. */
async function readlineLines(chunks: readonly Buffer[]): Promise<string[]> {
  const lines: string[] = [];
  const input = Readable.from(chunks, { objectMode: false });
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) lines.push(line);
  return lines;
}

function splitterLines(chunks: readonly Buffer[]): string[] {
  const split = new LineSplitter();
  return [...chunks.flatMap((chunk) => split.push(chunk)), ...split.end()];
}

/** `bytes` cut at `cuts` (any byte offsets, so inside a \r\n or a UTF-8 character too). */
function cut(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const end of [...at, bytes.length]) {
    if (end > start) chunks.push(bytes.subarray(start, end));
    start = Math.max(start, end);
  }
  return chunks;
}

describe('splitting a log into lines', () => {
  it('gives the lines readline gives, however the bytes are cut (\\r\\n across chunks, UTF-8 across chunks)', async () => {
    // Prepare
    const text = fc
      .array(fc.constantFrom('a', 'é', '€', '😀', '\n', '\r', '\r\n', ' ', 'access denied'), {
        maxLength: 40,
      })
      .map((parts) => parts.join(''));
    const cuts = fc.array(fc.nat(), { maxLength: 8 });

    // Act and Assess
    await fc.assert(
      fc.asyncProperty(text, cuts, async (t, c) => {
        const chunks = cut(Buffer.from(t), c);
        expect(splitterLines(chunks)).toEqual(await readlineLines(chunks));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the lines readline gives for bytes that are not UTF-8 (a character cut short before plain text)', async () => {
    // Prepare: the first bytes of €, and a lone continuation byte, among plain ASCII. The input ends
    // with a line break: at the very end readline drops a character cut short, the splitter keeps it
    // as U+FFFD (nothing lost).
    const part = fc.constantFrom(
      Buffer.from('a'),
      Buffer.from('access denied'),
      Buffer.from('\n'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from([0x82]),
      Buffer.from('é'),
    );
    const bytes = fc
      .array(part, { maxLength: 30 })
      .map((parts) => Buffer.concat([...parts, Buffer.from('\n')]));
    const cuts = fc.array(fc.nat(), { maxLength: 8 });

    // Act and Assess
    await fc.assert(
      fc.asyncProperty(bytes, cuts, async (b, c) => {
        const chunks = cut(b, c);
        expect(splitterLines(chunks)).toEqual(await readlineLines(chunks));
      }),
      { numRuns: 300 },
    );
  });

  it('hands out each chunk’s complete lines and keeps the rest for the next', () => {
    // Prepare
    const split = new LineSplitter();

    // Act
    const first = split.push(Buffer.from('one\ntwo\r'));
    const second = split.push(Buffer.from('\nthr'));
    const third = split.push(Buffer.from('ee\n\nfour'));
    const last = split.end();

    // Assess
    expect([first, second, third, last]).toEqual([['one', 'two'], [], ['three', ''], ['four']]);
  });

  it('gives no empty last line when the input ends with a line break', () => {
    // Prepare
    const split = new LineSplitter();

    // Act
    const lines = [...split.push(Buffer.from('only\n')), ...split.end()];

    // Assess
    expect(lines).toEqual(['only']);
  });
});
