import { AUTHENTICATION_MODES, type AuthenticationMode, isAlertable } from '../lambda/engine/categories';
import { alertOf } from '../lambda/engine/diagnose/alert';
import { createLineDiagnoser } from '../lambda/engine/diagnose/diagnose-lines';
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
  for (const file of files) {
    // JSON shows each record whole; the other formats need only what the classifier reads.
    const diagnose = createLineDiagnoser(options.context, { allFields: options.format === 'json' });
    let lineNumber = 0;
    for await (const line of readLines(file, io.stdin, io.signal)) {
      lineNumber++;
      report?.countLine();
      const finding = diagnose(line);
      if (finding === undefined) continue;
      if (report) {
        report.add(finding);
        continue;
      }
      const output = formatFinding(options, finding, lineNumber, multipleFiles ? file : undefined);
      if (output !== undefined) await out.line(output);
    }
  }
  if (report) await out.write(report.render());
  return 0;
};

function formatFinding(options: ClassifyOptions, finding: Finding, line: number, file: string | undefined) {
  if (options.format === 'json') {
    const { record, ...rest } = finding;
    const fix = remediate(finding, options.context);
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
  const alert = alertOf(finding, options.context);
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
  };
  return { format, context: { cluster }, files: positionals };
}

function parseCliArgs(argv: readonly string[]) {
  return parseCommandArgs(argv, {
    format: { type: 'string' },
    cluster: { type: 'string' },
    region: { type: 'string' },
    account: { type: 'string' },
    'auth-mode': { type: 'string' },
    'aws-auth': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
}
