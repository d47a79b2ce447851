import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines a chunk at a time, exactly as `readline` with `crlfDelay: Infinity`
 * does (`\n`, `\r\n` and a lone `\r` end a line, a `\r\n` split across chunks is one break, the last
 * line needs no break, UTF-8 characters split across chunks are decoded whole), but hands out each
 * chunk's lines as one array. Why not `readline`: its async iterator costs a promise per line and its
 * regular expression split ran at about half the speed of `indexOf` on the bench log; the CLI reads a
 * file twice, so that was most of its time outside the engine.
 *
 * @example
 * const split = new LineSplitter();
 * split.push(Buffer.from('a\r')); // → ['a']
 * split.push(Buffer.from('\nb')); // → []  (the \n completes the \r\n)
 * split.end(); // → ['b']
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  /** The previous chunk ended in `\r`: a `\n` opening this one belongs to that break. */
  private sawReturn = false;
  /** The decoder read the previous chunk, so it may hold the first bytes of a character. */
  private decoding = false;

  push(chunk: Buffer | string): string[] {
    let text = typeof chunk === 'string' ? chunk : this.decoded(chunk);
    if (this.sawReturn && text.startsWith('\n')) text = text.slice(1);
    this.sawReturn = false;
    const lines: string[] = [];
    let start = 0;
    // The rest of the last chunk never holds a `\r` (it would have ended a line there).
    if (!text.includes('\r')) {
      // The rest joins the chunk's first line only, not the whole chunk: no copy of 64 KiB per chunk.
      const first = text.indexOf('\n');
      if (first === -1) {
        this.rest += text;
        return lines;
      }
      lines.push(this.rest + text.slice(0, first));
      start = first + 1;
      for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
        lines.push(text.slice(start, end));
        start = end + 1;
      }
    } else {
      text = this.rest + text;
      for (const match of text.matchAll(/\r\n|\r|\n/g)) {
        lines.push(text.slice(start, match.index));
        start = match.index + match[0].length;
      }
      this.sawReturn = start === text.length && text.endsWith('\r');
    }
    this.rest = text.slice(start);
    return lines;
  }

  /**
   * The text of a chunk. Logs are nearly always plain ASCII, which read as Latin-1 is the same text
   * without UTF-8 decoding (about a fifth of the time on the bench log); a chunk after one the decoder
   * read goes to the decoder too, which may hold a character's first bytes.
   */
  private decoded(chunk: Buffer): string {
    const ascii = isAscii(chunk);
    if (ascii && !this.decoding) return chunk.toString('latin1');
    this.decoding = !ascii;
    return this.decoder.write(chunk);
  }

  /** The last line, when the input did not end with a line break. */
  end(): string[] {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    return last === '' ? [] : [last];
  }
}
