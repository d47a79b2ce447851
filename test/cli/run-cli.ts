import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../cli/io';
import { main } from '../../cli/main';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured streams, as the `eks-auth-doctor` binary would. */
export function runCli(argv: readonly string[], stdin = ''): Promise<CliResult> {
  return runCommand(main, argv, stdin);
}

/** Runs one CLI command (or the dispatcher) with `stdin` as input, capturing what it prints. */
export async function runCommand(
  command: (argv: readonly string[], io: CliIo) => Promise<number>,
  argv: readonly string[],
  stdin = '',
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await command(argv, { stdin: Readable.from([stdin]), stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
