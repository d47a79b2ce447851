import { checkedChoice, checkedCluster, checkedRegion, parseCommandArgs } from './args';
import { type DoctorEnvironment, doctorEnvironment } from './doctor/environment';
import type { DoctorOptions } from './doctor/facts';
import { doctorJson } from './doctor/render-json';
import { checkLine, MAX_TEXT_LINES, TEXT_HEADER, verdictLines } from './doctor/render-text';
import { runDoctor } from './doctor/run-doctor';
import { type CliCommand, UsageError } from './io';
import { OutputWriter } from './output-writer';

export const DOCTOR_USAGE = `Usage: eks-auth-doctor doctor [options]

Runs the "Unauthorized" runbook for you, with your own AWS credentials, read-only: the kubeconfig
context and its token command, the IAM identity the token carries and the ARN the authenticator sees,
the cluster (exists, endpoint, authentication mode), your access entry or aws-auth mapping, and what
the authenticator logged about you. Prints a line per check, then one verdict and the fix.

Options:
  --context NAME       the kubeconfig context (default: current-context)
  --kubeconfig FILE    the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
  --cluster NAME       the cluster you mean to reach (default: the context's)
  --region REGION      its region (default: the context's)
  --profile PROFILE    the AWS profile to check instead of the one the kubeconfig uses
  --since DURATION     how far back to read the authenticator log: 30m, 1h (default), 2d
  --aws-auth FILE      a saved aws-auth ConfigMap (kubectl get configmap aws-auth -n kube-system -o yaml)
  --probe              also present a freshly made token to the API server and report 200/401/403
  --format FORMAT      text (default) or json (one object: the checks and the verdict)
  -h, --help           show this help

Exit status: 0 no problem found, 1 a problem found (the verdict says which), 2 bad usage.
`;

const FORMATS = ['text', 'json'] as const;
const DURATION = /^(\d{1,4})([smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_SINCE_MS = 30 * UNIT_MS.d;

/** The doctor command; tests pass their own environment (a short probe timeout, a fixed clock). */
export function doctorCommand(
  environmentOf: () => DoctorEnvironment = () => doctorEnvironment(),
): CliCommand {
  return async (argv, io) => {
    const parsed = parseDoctorArgs(argv);
    if (parsed === 'help') {
      io.stdout.write(DOCTOR_USAGE);
      return 0;
    }
    const { options, format } = parsed;
    const out = new OutputWriter(io.stdout);
    if (format === 'json') {
      const report = await runDoctor(options, environmentOf());
      await out.line(doctorJson(report));
      return report.verdict.problem ? 1 : 0;
    }
    let used = 1;
    await out.line(TEXT_HEADER);
    const report = await runDoctor(options, environmentOf(), async (check) => {
      used++;
      await out.line(checkLine(check));
    });
    for (const line of verdictLines(report.verdict, MAX_TEXT_LINES - used)) await out.line(line);
    return report.verdict.problem ? 1 : 0;
  };
}

export const runDoctorCommand: CliCommand = doctorCommand();

function parseDoctorArgs(
  argv: readonly string[],
): { options: DoctorOptions; format: 'text' | 'json' } | 'help' {
  const { values, positionals } = parseCommandArgs(argv, {
    context: { type: 'string' },
    kubeconfig: { type: 'string' },
    cluster: { type: 'string' },
    region: { type: 'string' },
    profile: { type: 'string' },
    since: { type: 'string' },
    'aws-auth': { type: 'string' },
    probe: { type: 'boolean' },
    format: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const format = checkedChoice('--format', values.format, FORMATS, 'text');
  checkedCluster(values.cluster);
  checkedRegion(values.region);
  if (values.profile !== undefined && !/^[\w+=,.@-]{1,64}$/.test(values.profile)) {
    throw new UsageError(`--profile must be an AWS profile name, not "${values.profile}"`);
  }
  const sinceText = values.since ?? '1h';
  const since = DURATION.exec(sinceText);
  const sinceMs = since ? Number(since[1]) * UNIT_MS[since[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!(sinceMs > 0 && sinceMs <= MAX_SINCE_MS)) {
    throw new UsageError(
      `--since must be a duration such as 30m, 1h or 2d (at most 30d), not "${sinceText}"`,
    );
  }
  return {
    format,
    options: {
      kubeconfig: values.kubeconfig,
      context: values.context,
      cluster: values.cluster,
      region: values.region,
      profile: values.profile,
      sinceMs,
      sinceText,
      awsAuthFile: values['aws-auth'],
      probe: values.probe === true,
    },
  };
}
