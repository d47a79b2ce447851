import type { Readable, Writable } from 'node:stream';

/** The streams a CLI command talks to; tests pass their own. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** A command: parses its own arguments, returns the process exit code (0 ok, 1 failure, 2 usage). */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Bad flags or arguments: the CLI prints the message and the command's usage, then exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
