import { CLASSIFY_USAGE, runClassify } from './classify-command';
import { DOCTOR_USAGE, runDoctorCommand } from './doctor-command';
import { type CliCommand, type CliIo, UsageError } from './io';
import { InputError } from './read-lines';
import { REPLAY_USAGE, runReplay } from './replay-command';
import { runSelftest, SELFTEST_USAGE } from './selftest-command';

const USAGE = `Usage: eks-auth-doctor <command> [options]

Explains EKS "You must be logged in to the server (Unauthorized)" from the cluster's authenticator log.

Commands:
  doctor     you got Unauthorized: run the runbook with your credentials and get the one fix
  classify   diagnose an exported authenticator log and print each problem's fix
  replay     run a log through the deployed pipeline's code with local sinks: what SNS and Slack would get
  selftest   write a marked test denial into a cluster's log group to check the deployed pipeline

Run 'eks-auth-doctor <command> --help' for a command's options.
`;

interface Command {
  readonly run: CliCommand;
  readonly usage: string;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  doctor: { run: runDoctorCommand, usage: DOCTOR_USAGE },
  classify: { run: runClassify, usage: CLASSIFY_USAGE },
  replay: { run: runReplay, usage: REPLAY_USAGE },
  selftest: { run: runSelftest, usage: SELFTEST_USAGE },
};

/** Runs one CLI invocation and returns the exit code: 0 ok, 1 failed, 2 bad usage. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr.write(`eks-auth-doctor: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`eks-auth-doctor ${name}: ${error.message}\n\n${command.usage}`);
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
