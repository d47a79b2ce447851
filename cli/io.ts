import type { Readable, Writable } from 'node:stream';

/** The streams a CLI command talks to; tests pass their own. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /**
   * Aborted on Ctrl-C (SIGINT): inputs stop as if they had ended, so the command finishes with what it
   * read (a report of the lines so far) and the CLI exits 130.
   */
  readonly signal?: AbortSignal;
}

/** A command: parses its own arguments, returns the process exit code (see {@link EXIT_CODES}). */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * The exit codes, as the README documents them. A pipe closed by its reader (`| head -1`) is not a
 * failure: the reader has what it wanted, so that ends with `ok`.
 */
export const EXIT_CODES = {
  /** Done; also when the reader of the output closed it early. */
  ok: 0,
  /** An input could not be read (missing file, a directory, no permission, broken gzip) or AWS refused. */
  failed: 1,
  /** Bad command line: unknown command or flag, a bad value, no input on a terminal. */
  usage: 2,
  /** Stopped by Ctrl-C (SIGINT) after finishing with what was read; 128 + SIGINT's number, as shells do. */
  interrupted: 130,
} as const;

/** Bad flags or arguments: the CLI prints the message and the command's usage, then exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
