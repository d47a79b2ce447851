import type { Writable } from 'node:stream';

/**
 * The output's reader went away (`| head -1` read its line and exited): nothing more can be written,
 * and nothing is wrong. The CLI stops the command and exits 0 without a word.
 */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
}

/** What a closed pipe looks like: EPIPE from the write, or the stream already destroyed by it. */
function isClosedPipe(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
}

function closedPipe(): NodeJS.ErrnoException {
  return Object.assign(new Error('the output stream is closed'), { code: 'EPIPE' });
}

/**
 * Writes to a stream and waits when it is full, so a slow consumer cannot make memory grow. A closed
 * pipe becomes {@link OutputClosedError} at the next write; any other write error is thrown as it is.
 */
export class OutputWriter {
  private failure: NodeJS.ErrnoException | undefined;
  private readonly closing = new AbortController();
  /**
   * Aborted once the reader has closed the output: a command that produces output from a callback (and
   * so cannot stop at a failed write) passes it to `readLines` to stop reading.
   */
  readonly closed: AbortSignal = this.closing.signal;

  constructor(private readonly stream: Writable) {
    // A write error arrives as an 'error' event, often after write() returned; keep it for the next write.
    stream.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
  }

  async line(text: string): Promise<void> {
    await this.write(`${text}\n`);
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    this.throwIfFailed();
    if (this.stream.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        this.stream.off('drain', onDrain);
        this.stream.off('close', onClose);
        this.stream.off('error', done);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      // A destroyed stream never drains: without this the write would wait forever.
      const onClose = () => done(this.failure ?? closedPipe());
      this.stream.once('drain', onDrain);
      this.stream.once('close', onClose);
      this.stream.once('error', done);
    }).catch((error: NodeJS.ErrnoException) => this.fail(error));
    this.throwIfFailed();
  }

  private fail(error: NodeJS.ErrnoException): void {
    this.failure ??= error;
    if (isClosedPipe(this.failure)) this.closing.abort();
  }

  private throwIfFailed(): void {
    if (this.failure === undefined && this.stream.destroyed) this.fail(closedPipe());
    if (this.failure === undefined) return;
    if (isClosedPipe(this.failure)) throw new OutputClosedError('the output was closed by its reader');
    throw this.failure;
  }
}
