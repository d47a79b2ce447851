import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes to a stream and waits when it is full, so a slow consumer cannot make memory grow. */
export class OutputWriter {
  constructor(private readonly stream: Writable) {}

  async line(text: string): Promise<void> {
    await this.write(`${text}\n`);
  }

  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
}
