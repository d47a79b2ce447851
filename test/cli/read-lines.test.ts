import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError, readLineBatches } from '../../cli/read-lines';
import { tempDir } from '../helpers/temp-dir';

async function linesOf(name: string, signal?: AbortSignal): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of readLineBatches(name, Readable.from([]), signal)) lines.push(...batch);
  return lines;
}

/**
 * Lines whose breaks and multi-byte characters straddle the reader's 64 KiB chunks: a two-byte `é`
 * across the first boundary, a `\r\n` across the second, a line without a break at the end.
 */
function awkwardLog(): { text: string; lines: string[] } {
  const lines: string[] = [];
  let bytes = 0;
  const push = (line: string, breakBytes = 1) => {
    lines.push(line);
    bytes += Buffer.byteLength(line) + breakBytes;
  };
  while (bytes < 65_536 - 200) push('x'.repeat(99));
  push(`${'a'.repeat(65_536 - bytes - 1)}é tail`); // the é's two bytes are 65535 and 65536
  let text = `${lines.join('\n')}\n`;
  const crlfAt = 131_072 - 1 - Buffer.byteLength(text);
  const crlfLine = 'b'.repeat(crlfAt);
  text += `${crlfLine}\r\n`; // the \r is byte 131071, the \n the first of the third chunk
  lines.push(crlfLine);
  for (let i = 0; i < 50; i++) lines.push(`line ${i}`);
  text += lines.slice(-50).join('\n');
  return { text, lines };
}

describe('reading a named file', () => {
  it('gives every line whole however the 64 KiB reads cut the bytes (UTF-8 and \\r\\n across reads, no final break)', async () => {
    const { text, lines } = awkwardLog();
    const file = join(tempDir(), 'awkward.log');
    writeFileSync(file, text);
    expect(Buffer.byteLength(text)).toBeGreaterThan(131_072);
    expect(await linesOf(file)).toEqual(lines);
  });

  it('reads a gzip file (recognised by its first bytes, whatever its name) as its lines', async () => {
    const { text, lines } = awkwardLog();
    const file = join(tempDir(), 'export-without-extension');
    writeFileSync(file, gzipSync(text));
    expect(await linesOf(file)).toEqual(lines);
  });

  it('says which file cannot be read and why, as an InputError', async () => {
    const missing = join(tempDir(), 'missing.log');
    await expect(linesOf(missing)).rejects.toThrow(InputError);
    await expect(linesOf(missing)).rejects.toThrow(`cannot read ${missing}: no such file`);
  });

  it('stops early, as if the input ended, once the signal aborts', async () => {
    const file = join(tempDir(), 'long.log');
    writeFileSync(file, `${'y'.repeat(200)}\n`.repeat(10_000)); // about 2 MB: many reads
    const stop = new AbortController();
    let seen = 0;
    for await (const batch of readLineBatches(file, Readable.from([]), stop.signal)) {
      seen += batch.length;
      stop.abort();
    }
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(10_000);
  });
});
