import { AUTHENTICATION_MODES, type AuthenticationMode, isAlertable } from '../lambda/engine/categories';
import { alertOf } from '../lambda/engine/diagnose/alert';
import { createTimelineDiagnoser } from '../lambda/engine/diagnose/diagnose-lines';
import { LogTimeline } from '../lambda/engine/diagnose/log-timeline';
import { DEFAULT_WINDOW, TimeWindow } from '../lambda/engine/diagnose/time-window';
import { parseArn } from '../lambda/engine/parse/arn';
import { remediate } from '../lambda/engine/remediate';
import { renderChatbot, renderSlack } from '../lambda/engine/render';
import type { ClusterContext, DiagnosisContext, Finding } from '../lambda/engine/types';
import { isOneOf, parseCommandArgs } from './args';
import { readAwsAuthFile } from './aws-auth-file';
import { type CliCommand, UsageError } from './io';
import { OutputWriter } from './output-writer';
import { inputsOrStdin, readLines } from './read-lines';
import { Report } from './report';

export const CLASSIFY_USAGE = `Usage: eks-auth-doctor classify [options] [FILE …]

Reads authenticator log lines (raw CloudWatch text, a Logs Insights CSV export, Docker json-file,
stern/kail output, …) from each FILE, or standard input when none or '-', and explains every denial.

Options:
  --format FORMAT    text (default: a report with each problem's fix), json (one object per record),
                     slack (a Block Kit payload per denial), chatbot (an AWS Chatbot notification per denial)
  --cluster NAME     the cluster's name, filled into the fix's commands
  --region REGION    the cluster's region, e.g. eu-west-1
  --account ID       the cluster's 12-digit AWS account ID (principals of other accounts are called out)
  --auth-mode MODE   the cluster's authentication mode: CONFIG_MAP, API_AND_CONFIG_MAP or API
                     (aws eks describe-cluster --name NAME --query cluster.accessConfig.authenticationMode)
  --aws-auth FILE    the aws-auth ConfigMap (kubectl get configmap aws-auth -n kube-system -o yaml),
                     to spot role ARNs written with a path or as assumed-role ARNs
  --creator ARN      the cluster creator's IAM role or user ARN, named in every lock-out fix
                     (otherwise learned from a kubernetes-admin grant in the log, on CONFIG_MAP clusters)

Files are read twice: first for what the log says about itself (grants, the creator, aws-auth
breakage and repair, mode switches, STS responses), then to diagnose, so the order of the lines does
not matter (newest-first exports included). Standard input is read once and put in time order within
a window of ${DEFAULT_WINDOW} lines.
  -h, --help         show this help
`;

const FORMATS = ['text', 'json', 'slack', 'chatbot'] as const;
type Format = (typeof FORMATS)[number];

interface ClassifyOptions {
  readonly format: Format;
  readonly context: DiagnosisContext;
  readonly files: readonly string[];
}

export const runClassify: CliCommand = async (argv, io) => {
  const options = await parseClassifyArgs(argv);
  if (options === 'help') {
    io.stdout.write(CLASSIFY_USAGE);
    return 0;
  }
  const out = new OutputWriter(io.stdout);
  const report = options.format === 'text' ? new Report(options.context) : undefined;
  const files = inputsOrStdin(options.files, io.stdin);
  const multipleFiles = files.length > 1;
  // JSON shows each record whole; the other formats need only what the classifier reads.
  const parseOptions = { allFields: options.format === 'json' };
  for (const file of files) {
    const timeline = new LogTimeline(options.context);
    const diagnose = createTimelineDiagnoser(timeline, parseOptions);
    const emit = async (line: string, at: number) => {
      const finding = diagnose(line);
      if (finding === undefined) return;
      // The fix names the creator wherever its grant stood (or the flag's).
      const creatorArn = timeline.creatorArn;
      const context =
        creatorArn === undefined
          ? options.context
          : { ...options.context, cluster: { ...options.context.cluster, creatorArn } };
      if (report) {
        report.add(finding, context);
        return;
      }
      const output = formatFinding(options, finding, context, at, multipleFiles ? file : undefined);
      if (output !== undefined) await out.line(output);
    };
    let lineNumber = 0;
    if (file !== '-') {
      // A file is read twice: first for what the whole log says about itself, then to diagnose.
      for await (const line of readLines(file, io.stdin, io.signal)) timeline.learn(line);
      timeline.finish();
      for await (const line of readLines(file, io.stdin, io.signal)) {
        lineNumber++;
        report?.countLine();
        await emit(line, lineNumber);
      }
      continue;
    }
    // Standard input is read once: each line teaches the timeline as it enters the window, and is
    // diagnosed in time order as it leaves it, knowing everything within the window.
    const window = new NumberedWindow();
    const release = async (ready: readonly { line: string; at: number }[]) => {
      if (ready.length > 0) timeline.finish();
      for (const { line, at } of ready) await emit(line, at);
    };
    for await (const line of readLines(file, io.stdin, io.signal)) {
      lineNumber++;
      report?.countLine();
      timeline.learn(line);
      await release(window.push(line, lineNumber));
    }
    await release(window.drain());
  }
  if (report) await out.write(report.render());
  return 0;
};

/** The time window, keeping each line's number for the JSON output. */
class NumberedWindow {
  private readonly window = new TimeWindow();
  private readonly numbers = new Map<string, number[]>();

  push(line: string, at: number): { line: string; at: number }[] {
    const numbers = this.numbers.get(line);
    if (numbers === undefined) this.numbers.set(line, [at]);
    else numbers.push(at);
    return this.window.push(line).map((ready) => this.numbered(ready));
  }

  drain(): { line: string; at: number }[] {
    return this.window.drain().map((ready) => this.numbered(ready));
  }

  private numbered(line: string): { line: string; at: number } {
    const numbers = this.numbers.get(line) ?? [];
    const at = numbers.shift() ?? 0;
    if (numbers.length === 0) this.numbers.delete(line);
    return { line, at };
  }
}

function formatFinding(
  options: ClassifyOptions,
  finding: Finding,
  context: DiagnosisContext,
  line: number,
  file: string | undefined,
) {
  if (options.format === 'json') {
    const { record, ...rest } = finding;
    const fix = remediate(finding, context);
    return JSON.stringify({
      ...(file ? { file } : {}),
      line,
      ...rest,
      fields: record.fields,
      msg: record.msg,
      fix,
    });
  }
  if (!isAlertable(finding.category)) return undefined;
  const alert = alertOf(finding, context);
  return JSON.stringify(options.format === 'slack' ? renderSlack(alert) : renderChatbot(alert));
}

async function parseClassifyArgs(argv: readonly string[]): Promise<ClassifyOptions | 'help'> {
  const { values, positionals } = parseCliArgs(argv);
  if (values.help) return 'help';
  const format = values.format ?? 'text';
  if (!isOneOf(FORMATS, format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const mode = values['auth-mode'];
  if (mode !== undefined && !isOneOf(AUTHENTICATION_MODES, mode)) {
    throw new UsageError(`--auth-mode must be one of ${AUTHENTICATION_MODES.join(', ')}, not "${mode}"`);
  }
  const account = values.account;
  if (account !== undefined && !/^\d{12}$/.test(account)) {
    throw new UsageError(`--account must be a 12-digit AWS account ID (e.g. 123456789012), not "${account}"`);
  }
  const region = values.region;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new UsageError(`--region must be an AWS region such as eu-west-1, not "${region}"`);
  }
  const cluster: ClusterContext = {
    clusterName: values.cluster,
    region,
    accountId: account,
    authenticationMode: mode as AuthenticationMode | undefined,
    awsAuthArns: values['aws-auth'] === undefined ? undefined : await readAwsAuthFile(values['aws-auth']),
    creatorArn: creatorOf(values.creator),
  };
  return { format, context: { cluster }, files: positionals };
}

/** `--creator`: an IAM role or user ARN (an assumed-role ARN is taken as its role). */
function creatorOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const parsed = parseArn(text);
  if (parsed === undefined || (parsed.type !== 'role' && parsed.type !== 'user')) {
    throw new UsageError(
      `--creator must be an IAM role or user ARN (e.g. arn:aws:iam::123456789012:role/admin), not "${text}"`,
    );
  }
  return parsed.canonical;
}

function parseCliArgs(argv: readonly string[]) {
  return parseCommandArgs(argv, {
    format: { type: 'string' },
    cluster: { type: 'string' },
    region: { type: 'string' },
    account: { type: 'string' },
    'auth-mode': { type: 'string' },
    'aws-auth': { type: 'string' },
    creator: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
}
