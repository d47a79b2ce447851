import { CloudWatchLogsClient, type QueryStatistics } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { AUTHENTICATION_MODES, type AuthenticationMode } from '../lambda/engine/categories';
import { buildAccessReport, type ReportCluster, type ReportInputs } from './access-report/access-report';
import { type AwsAuth, AwsAuthFileError, awsAuthOf } from './access-report/aws-auth-mappings';
import { type AwsClients, gatherLive } from './access-report/live-inputs';
import { gatherOffline } from './access-report/offline-inputs';
import { renderAccessReportCsv } from './access-report/render-csv';
import { renderAccessReportJson } from './access-report/render-json';
import { renderAccessReportText } from './access-report/render-text';
import { sinceMs } from './access-report/since';
import { checkedAccount, checkedChoice, checkedCluster, checkedRegion, parseCommandArgs } from './args';
import { readAwsAuthText } from './aws-auth-file';
import { type CliCommand, type CliIo, UsageError } from './io';
import { OutputWriter } from './output-writer';
import { InputError } from './read-lines';

export const ACCESS_REPORT_USAGE = `Usage: eks-auth-doctor access-report --cluster NAME [--region REGION] [--since 30d] [--aws-auth FILE] [--format FORMAT]
       eks-auth-doctor access-report --log FILE --access-entries FILE [--aws-auth FILE] [--cluster NAME] …

Who authenticated to the cluster, how each principal is let in (an access entry, or only aws-auth),
whether the cluster is ready for authenticationMode=API, who would be locked out, and the exact
commands that create the missing access entries. Also lists the aws-auth mappings nobody used.

Live (the default) asks AWS with your usual credentials: EKS DescribeCluster, ListAccessEntries and
DescribeAccessEntry; one CloudWatch Logs Insights query over the authenticator streams of
/aws/eks/NAME/cluster; iam:GetRole for the IAM path of roles that would be locked out. It needs
eks:DescribeCluster, eks:ListAccessEntries, eks:DescribeAccessEntry, logs:StartQuery,
logs:GetQueryResults, logs:StopQuery and iam:GetRole; a call that fails becomes a line of the report.

Offline (--log) reads an exported authenticator log (raw CloudWatch text, a Logs Insights CSV
export, Docker json-file, … or '-' for standard input) and the access entries saved as JSON:
  aws eks list-access-entries --cluster-name NAME > entries.json
or, to show each entry's type, username and groups:
  for arn in $(aws eks list-access-entries --cluster-name NAME --query 'accessEntries[]' --output text); do
    aws eks describe-access-entry --cluster-name NAME --principal-arn "$arn"; done > entries.json
The file may hold list-access-entries output ({"accessEntries": [...]}), describe-access-entry
output ({"accessEntry": {...}}), bare entries or ARNs — alone, in a JSON array, or one after another.

Options:
  --cluster NAME         the cluster (required live; offline it fills the commands)
  --region REGION        its region (live default: the AWS CLI/SDK default region)
  --since WHEN           count logins from then on: 30d, 12h, 6w, or a date such as 2026-11-01
                         (live default: 30d; offline default: the whole log)
  --aws-auth FILE        the aws-auth ConfigMap (kubectl get configmap aws-auth -n kube-system -o yaml):
                         carries usernames and groups over, and finds the mappings nobody used
  --format FORMAT        text (default), json (one document), csv (one row per principal)
  --log FILE             offline: the exported authenticator log
  --access-entries FILE  offline: the saved access entries (not needed with --auth-mode CONFIG_MAP)
  --account ID           offline: the cluster's 12-digit account (default: from the access entries)
  --auth-mode MODE       offline: CONFIG_MAP, API_AND_CONFIG_MAP or API
                         (default: API_AND_CONFIG_MAP when the cluster has access entries)
  -h, --help             show this help
`;

const FORMATS = ['text', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_SINCE = '30d';

interface Options {
  readonly format: Format;
  readonly cluster: ReportCluster;
  readonly since?: string;
  readonly awsAuthFile?: string;
  readonly logFile?: string;
  readonly accessEntriesFile?: string;
}

/** What the command needs from outside; tests pass clients pointed at a local fake, a clock and a sleep. */
export interface AccessReportDependencies {
  readonly clients?: (region: string | undefined) => AwsClients & { destroy(): void };
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultClients = (region: string | undefined) => {
  const config = region ? { region } : {};
  const clients = {
    eks: new EKSClient(config),
    logs: new CloudWatchLogsClient(config),
    iam: new IAMClient(config),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
};

export function accessReportCommand(dependencies: AccessReportDependencies = {}): CliCommand {
  const now = dependencies.now ?? Date.now;
  return async (argv, io) => {
    const options = parseAccessReportArgs(argv);
    if (options === 'help') {
      io.stdout.write(ACCESS_REPORT_USAGE);
      return 0;
    }
    const awsAuth = options.awsAuthFile === undefined ? undefined : await readAwsAuth(options.awsAuthFile);
    const nowMs = now();
    const inputs =
      options.logFile === undefined
        ? await live(options, awsAuth, nowMs, io, dependencies)
        : await gatherOffline(
            {
              logFile: options.logFile,
              accessEntriesFile: options.accessEntriesFile,
              awsAuth,
              cluster: options.cluster,
              sinceMs: options.since === undefined ? undefined : windowStart(options.since, nowMs),
            },
            io.stdin,
          );
    const report = buildAccessReport(inputs);
    const render =
      options.format === 'json'
        ? renderAccessReportJson
        : options.format === 'csv'
          ? renderAccessReportCsv
          : renderAccessReportText;
    await new OutputWriter(io.stdout).write(render(report));
    return 0;
  };
}

export const runAccessReport: CliCommand = accessReportCommand();

async function live(
  options: Options,
  awsAuth: AwsAuth | undefined,
  nowMs: number,
  io: CliIo,
  dependencies: AccessReportDependencies,
): Promise<ReportInputs> {
  const clusterName = options.cluster.clusterName as string;
  const clients = (dependencies.clients ?? defaultClients)(options.cluster.region);
  const progress = isTty(io) ? new ProgressLine(io) : undefined;
  try {
    const region = options.cluster.region ?? (await clients.eks.config.region().catch(() => undefined));
    return await gatherLive(clients, {
      clusterName,
      region,
      sinceMs: windowStart(options.since ?? DEFAULT_SINCE, nowMs),
      nowMs,
      awsAuth,
      polling: { sleep: dependencies.sleep, onProgress: progress?.show },
    });
  } finally {
    progress?.clear();
    clients.destroy();
  }
}

/** The query's progress on one rewritten line of a terminal's stderr; nothing when stderr is a file or pipe. */
class ProgressLine {
  constructor(private readonly io: CliIo) {}

  readonly show = (status: string, statistics: QueryStatistics | undefined): void => {
    const scanned = statistics?.recordsScanned ?? 0;
    const matched = statistics?.recordsMatched ?? 0;
    const megabytes = (statistics?.bytesScanned ?? 0) / 1_000_000;
    this.io.stderr.write(
      `\r\x1b[KLogs Insights: ${status.toLowerCase()}, ${scanned.toLocaleString('en-US')} records scanned ` +
        `(${megabytes.toFixed(1)} MB), ${matched.toLocaleString('en-US')} grants matched`,
    );
  };

  clear(): void {
    this.io.stderr.write('\r\x1b[K');
  }
}

function isTty(io: CliIo): boolean {
  return (io.stderr as { isTTY?: boolean }).isTTY === true;
}

function windowStart(since: string, nowMs: number): number {
  const start = sinceMs(since, nowMs);
  if (start === undefined) {
    throw new UsageError(`--since must be a duration such as 30d, 12h or 6w, or a past date, not "${since}"`);
  }
  return start;
}

async function readAwsAuth(path: string): Promise<AwsAuth> {
  const text = await readAwsAuthText(path);
  try {
    return awsAuthOf(text);
  } catch (error) {
    if (error instanceof AwsAuthFileError)
      throw new InputError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

function parseAccessReportArgs(argv: readonly string[]): Options | 'help' {
  const { values, positionals } = parseCommandArgs(argv, {
    cluster: { type: 'string' },
    region: { type: 'string' },
    since: { type: 'string' },
    'aws-auth': { type: 'string' },
    format: { type: 'string' },
    log: { type: 'string' },
    'access-entries': { type: 'string' },
    account: { type: 'string' },
    'auth-mode': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const format = checkedChoice('--format', values.format, FORMATS, 'text');
  const cluster = checkedCluster(values.cluster);
  const region = checkedRegion(values.region);
  const account = checkedAccount(values.account);
  const mode = checkedChoice('--auth-mode', values['auth-mode'], AUTHENTICATION_MODES);
  const logFile = values.log;
  const accessEntriesFile = values['access-entries'];
  if (logFile === undefined) {
    if (cluster === undefined) throw new UsageError('--cluster is required (or --log FILE to work offline)');
    for (const [flag, value] of [
      ['--access-entries', accessEntriesFile],
      ['--account', account],
      ['--auth-mode', mode],
    ] as const) {
      if (value !== undefined) throw new UsageError(`${flag} needs --log: live mode asks EKS itself`);
    }
  } else if (accessEntriesFile === undefined && mode !== 'CONFIG_MAP') {
    throw new UsageError(
      '--access-entries FILE is needed with --log (aws eks list-access-entries --cluster-name NAME > entries.json), ' +
        'unless the cluster is CONFIG_MAP (--auth-mode CONFIG_MAP)',
    );
  }
  return {
    format,
    cluster: {
      clusterName: cluster,
      region,
      accountId: account,
      authenticationMode: mode as AuthenticationMode | undefined,
    },
    since: values.since,
    awsAuthFile: values['aws-auth'],
    logFile,
    accessEntriesFile,
  };
}
