import { runClassify } from './classify-command';
import { type CliCommand, type CliIo, UsageError } from './io';
import { InputError } from './read-lines';

const USAGE = `Usage: eks-auth-doctor <command> [options]

Explains EKS "You must be logged in to the server (Unauthorized)" from the cluster's authenticator log.

Commands:
  classify   diagnose an exported authenticator log and print each problem's fix
  replay     run a log through the deployed pipeline's code with local sinks: what SNS and Slack would get
  selftest   write a marked test denial into a cluster's log group to check the deployed pipeline

Run 'eks-auth-doctor <command> --help' for a command's options.
`;

const COMMANDS: Readonly<Record<string, CliCommand>> = {
  classify: runClassify,
};

/** Runs one CLI invocation and returns the exit code: 0 ok, 1 failed, 2 bad usage. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`eks-auth-doctor: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `eks-auth-doctor ${name}: ${error.message}\nRun 'eks-auth-doctor ${name} --help' for usage.\n`,
      );
      return 2;
    }
    if (error instanceof InputError) {
      io.stderr.write(`eks-auth-doctor ${name}: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`eks-auth-doctor ${name}: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
