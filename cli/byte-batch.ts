/**
 * Output bytes gathered into one growing buffer and taken out a batch at a time. `--format json`
 * writes a record per line, and most of a record is a piece it has written before (a principal's
 * middle, a second's time), so the pieces are kept encoded and each is copied in with one `set`. As
 * strings, the same pieces cost an array join per batch (flattening every cached piece again) and an
 * encoding of the joined text at the write: about 9 % of the CLI's instructions on the bench log.
 *
 * @example
 * const batch = new ByteBatch();
 * batch.bytes(Buffer.from('{"line":'));
 * batch.decimal(42);
 * batch.text('}\n');
 * batch.take().toString(); // '{"line":42}\n'
 */
export class ByteBatch {
  private buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  private used = 0;

  /** Bytes gathered since the last `take`. */
  get length(): number {
    return this.used;
  }

  bytes(piece: Uint8Array): void {
    this.room(piece.length);
    this.buffer.set(piece, this.used);
    this.used += piece.length;
  }

  /** `text` as UTF-8, as a stream's `write(text)` would encode it. */
  text(text: string): void {
    // UTF-8 needs at most three bytes for each UTF-16 unit (a pair's four bytes are two units).
    this.room(text.length * 3);
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  /** A non-negative integer in decimal, as `String(value)` writes it. */
  decimal(value: number): void {
    // A line number: small integer arithmetic, written from the last digit back.
    if (!(value >= 0 && value <= MAX_SMALL && Number.isInteger(value))) {
      this.text(String(value));
      return;
    }
    let digits = 1;
    while (digits < POWERS_OF_TEN.length && value >= (POWERS_OF_TEN[digits] as number)) digits++;
    this.room(digits);
    const end = this.used + digits;
    let rest = value | 0;
    for (let at = end - 1; at >= this.used; at--) {
      const tenth = (rest / 10) | 0;
      this.buffer[at] = DIGIT_ZERO + rest - tenth * 10;
      rest = tenth;
    }
    this.used = end;
  }

  /**
   * The bytes gathered, in a buffer of their own: a stream may hold a chunk past the next batch (a
   * pipe writes later), so the next batch starts in a new buffer, not over this one.
   */
  take(): Buffer {
    const taken = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(Math.max(INITIAL_BYTES, this.used));
    this.used = 0;
    return taken;
  }

  private room(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

/** A batch of the CLI is a 64 KiB chunk of input; its records are about half that. */
const INITIAL_BYTES = 64 * 1024;
const DIGIT_ZERO = 0x30;
/** The largest integer `decimal` writes with 32-bit arithmetic. */
const MAX_SMALL = 2 ** 31 - 1;
/** 10^0 … 10^9: the digit counts of the integers up to MAX_SMALL. */
const POWERS_OF_TEN = Array.from({ length: 10 }, (_, power) => 10 ** power);
