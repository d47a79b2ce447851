import { version } from '../package.json';
import { type CliCommand, type CliIo, EXIT_CODES, UsageError } from './io';
import { OutputClosedError } from './output-writer';
import { InputError } from './read-lines';

/** A command as the dispatcher knows it before loading it: what it does, and how to load it. */
interface LazyCommand {
  readonly summary: string;
  readonly load: () => Promise<{ readonly run: CliCommand; readonly usage: string }>;
}

/**
 * A command whose module is imported only when it runs, so `classify` never loads the AWS SDK that
 * `selftest` needs; `run` and `usage` name the module's exports.
 */
function lazy<R extends string, U extends string>(
  summary: string,
  load: () => Promise<Record<R, CliCommand> & Record<U, string>>,
  run: R,
  usage: U,
): LazyCommand {
  return { summary, load: async () => load().then((module) => ({ run: module[run], usage: module[usage] })) };
}

/** The commands, one entry each, in the order the usage lists them. */
const COMMANDS: Readonly<Record<string, LazyCommand>> = {
  doctor: lazy(
    'you got Unauthorized: run the runbook with your credentials and get the one fix',
    () => import('./doctor-command'),
    'runDoctorCommand',
    'DOCTOR_USAGE',
  ),
  classify: lazy(
    "diagnose an exported authenticator log and print each problem's fix",
    () => import('./classify-command'),
    'runClassify',
    'CLASSIFY_USAGE',
  ),
  'access-report': lazy(
    'who logged in and how: is the cluster ready for API mode, and the access entries it lacks',
    () => import('./access-report-command'),
    'runAccessReport',
    'ACCESS_REPORT_USAGE',
  ),
  replay: lazy(
    "run a log through the deployed pipeline's code with local sinks: what SNS and Slack would get",
    () => import('./replay-command'),
    'runReplay',
    'REPLAY_USAGE',
  ),
  selftest: lazy(
    "write a marked test denial into a cluster's log group to check the deployed pipeline",
    () => import('./selftest-command'),
    'runSelftest',
    'SELFTEST_USAGE',
  ),
};

const USAGE = `Usage: eks-auth-doctor <command> [options]

Explains EKS "You must be logged in to the server (Unauthorized)" from the cluster's authenticator log.

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(13)} ${command.summary}`)
  .join('\n')}

Run 'eks-auth-doctor <command> --help' for a command's options; 'eks-auth-doctor --version' for the version.
Exit status: 0 done (also when the reader of the output stops early, as '| head' does), 1 an input could
not be read or AWS refused, 2 bad usage, 130 stopped by Ctrl-C.
`;

/** Runs one CLI invocation and returns the exit code (see `EXIT_CODES`). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (name === '-V' || name === '--version') {
    io.stdout.write(`${version}\n`);
    return EXIT_CODES.ok;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    io.stderr.write(`eks-auth-doctor: unknown command "${name}"\n\n${USAGE}`);
    return EXIT_CODES.usage;
  }
  const command = await entry.load();
  try {
    const code = await command.run(rest, io);
    return io.signal?.aborted ? EXIT_CODES.interrupted : code;
  } catch (error) {
    if (error instanceof OutputClosedError) return EXIT_CODES.ok;
    if (error instanceof UsageError) {
      io.stderr.write(`eks-auth-doctor ${name}: ${error.message}\n\n${command.usage}`);
      return EXIT_CODES.usage;
    }
    if (error instanceof InputError) {
      io.stderr.write(`eks-auth-doctor ${name}: ${error.message}\n`);
      return EXIT_CODES.failed;
    }
    io.stderr.write(`eks-auth-doctor ${name}: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_CODES.failed;
  }
}
