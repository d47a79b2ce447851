import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Thrown when an input cannot be opened or read; the message names the file and the reason. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * Streams the lines of a file, or of stdin for `-`, so memory stays flat on a multi-GB export. Open errors
 * (missing file, a directory, no permission) surface as `InputError` from the iteration.
 */
export function readLines(name: string, stdin: Readable): AsyncIterable<string> {
  return linesOf(name, name === '-' ? stdin : createReadStream(name));
}

async function* linesOf(name: string, stream: Readable): AsyncGenerator<string> {
  try {
    // readline's iterator rejects when the underlying stream errors (ENOENT, EISDIR, EACCES …).
    yield* createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  } catch (error) {
    throw new InputError(`cannot read ${name}: ${describe(error as NodeJS.ErrnoException)}`);
  }
}

function describe(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
      return 'permission denied';
    default:
      return error.message;
  }
}
