#!/usr/bin/env node
/**
 * The `eks-auth-doctor` executable: the process around `main` (built to dist/cli/eks-auth-doctor.js by
 * `npm run build`). It owns what only a process has: the real streams, the signals, the exit code.
 */
import { getEventListeners } from 'node:events';
import { main } from '../cli/main';

// The AWS SDK warns on stderr that its releases after January 2027 need Node.js 22 (see
// @aws-sdk/core's emitWarningIfUnsupportedVersion): news for the developer, not for an operator
// reading a diagnosis. The SDK documents this variable to turn it off; a user's own setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `| head -1` closes the pipe while we write: EPIPE is the reader saying it has enough, not an error.
// OutputWriter turns it into a quiet stop; this covers writes that bypass it (usage, messages).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`eks-auth-doctor: cannot write the output: ${error.message}\n`);
  process.exitCode = 1;
});

// First Ctrl-C: inputs end where they are and the command finishes with what it read (a report of the
// lines so far), then exit 130. A second Ctrl-C, or one while nothing is being read, quits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted || !reading()) process.exit(130);
  process.stderr.write(
    'eks-auth-doctor: interrupted; finishing with the lines read so far (Ctrl-C again to quit)\n',
  );
  interrupt.abort();
});
/** Whether an input is open on the signal (readLines registers one listener per input). */
function reading(): boolean {
  return getEventListeners(interrupt.signal, 'abort').length > 0;
}

process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: interrupt.signal,
});
