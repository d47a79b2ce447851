import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { addAbortSignal, pipeline, Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { UsageError } from './io';
import { LineSplitter } from './line-splitter';

/** Thrown when an input cannot be opened or read; the message names the file and the reason. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The first two bytes of every gzip member (RFC 1952, section 2.3.1: ID1 = 31, ID2 = 139). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The inputs a command reads: the files named, or standard input (`-`) when none is. With nothing named
 * and a terminal on standard input, nobody is going to type a log: that is a usage error (the usage is
 * printed) instead of a silent wait.
 */
export function inputsOrStdin(files: readonly string[], stdin: Readable): readonly string[] {
  if (files.length > 0) return files;
  if ((stdin as Readable & { isTTY?: boolean }).isTTY) {
    throw new UsageError('no input: name a log file, or pipe one in (… | eks-auth-doctor classify)');
  }
  return ['-'];
}

/**
 * Streams the lines of a file, or of stdin for `-`, so memory stays flat on a multi-GB export. A gzip
 * input (CloudWatch Logs' export to S3 writes `.gz` objects) is recognised by its first bytes, whatever
 * its name, and decompressed as it streams. Open and read errors (missing file, a directory, no
 * permission, a broken gzip) surface as `InputError` from the iteration. When `signal` aborts (Ctrl-C),
 * the lines end early, as if the input had ended there.
 */
export function readLines(name: string, stdin: Readable, signal?: AbortSignal): AsyncIterable<string> {
  return flatten(readLineBatches(name, stdin, signal));
}

/**
 * `readLines`, a chunk of lines at a time (about 64 KiB of input each): a command that handles
 * millions of lines loops over each batch without a promise per line.
 */
export function readLineBatches(
  name: string,
  stdin: Readable,
  signal?: AbortSignal,
): AsyncIterable<readonly string[]> {
  return batchesOf(name, name === '-' ? streamChunks(stdin, signal) : fileChunks(name, signal));
}

/** The bytes of a stream (gunzipped when they start with the gzip magic); they end when `signal` aborts. */
async function* streamChunks(source: Readable, signal?: AbortSignal): AsyncGenerator<Buffer | string> {
  if (signal) addAbortSignal(signal, source);
  yield* await decoded(source);
}

/** Bytes read at a time: the size at which splitting measured fastest (larger chunks were slower). */
const CHUNK_BYTES = 64 * 1024;
/** Chunks between two turns of the event loop, so Ctrl-C and a closed output are noticed. */
const CHUNKS_PER_TURN = 16;

/**
 * The bytes of a named file, read with synchronous reads into one buffer: a stream's round trip to
 * the thread pool for every 64 KiB was the CLI's largest wait on a file in the page cache, and the CLI
 * reads a file twice. Each chunk is valid until the next is asked for (the splitter decodes it into a
 * string of its own first). A gzip file goes through the stream path, which decompresses as it reads.
 */
async function* fileChunks(name: string, signal?: AbortSignal): AsyncGenerator<Buffer | string> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(name, 'r');
  try {
    for (let chunk = 0; !signal?.aborted; chunk++) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) return;
      if (chunk === 0 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1]) {
        yield* streamChunks(createReadStream(name), signal);
        return;
      }
      yield buffer.subarray(0, read);
      if (chunk % CHUNKS_PER_TURN === CHUNKS_PER_TURN - 1) await nextTurn();
    }
  } finally {
    closeSync(fd);
  }
}

async function* flatten(batches: AsyncIterable<readonly string[]>): AsyncGenerator<string> {
  for await (const batch of batches) yield* batch;
}

async function* batchesOf(
  name: string,
  chunks: AsyncIterable<Buffer | string>,
): AsyncGenerator<readonly string[]> {
  const split = new LineSplitter();
  try {
    // The iteration rejects when reading fails (ENOENT, EISDIR, EACCES, Z_DATA_ERROR …).
    for await (const chunk of chunks) {
      const lines = split.push(chunk);
      if (lines.length > 0) yield lines;
    }
  } catch (error) {
    if ((error as Error).name === 'AbortError') return;
    throw new InputError(`cannot read ${name}: ${describe(error as NodeJS.ErrnoException)}`, {
      cause: error,
    });
  }
  const last = split.end();
  if (last.length > 0) yield last;
}

/** The bytes of `source`, gunzipped when they start with the gzip magic. */
async function decoded(source: Readable): Promise<Readable> {
  const chunks = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < GZIP_MAGIC.length) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, toBuffer(next.value)]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield toBuffer(next.value);
  }
  const bytes = Readable.from(all(), { objectMode: false });
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) return bytes;
  // pipeline() carries an error of either side to the gunzip stream, whose iteration then rejects.
  return pipeline(bytes, createGunzip(), () => {});
}

/** Files give Buffers; a test's `Readable.from(['text'])` gives strings. */
function toBuffer(chunk: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
}

function describe(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
      return 'permission denied';
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return `it starts like gzip but does not decompress (${error.message}); is the download complete?`;
    default:
      return error.message;
  }
}
