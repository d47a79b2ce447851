import { AUTHENTICATION_MODES, SEVERITIES, type Severity } from '../lambda/engine/categories';
import { problemNotification } from '../lambda/engine/diagnose/alert';
import { createTimelineDiagnoser } from '../lambda/engine/diagnose/diagnose-lines';
import { LogTimeline } from '../lambda/engine/diagnose/log-timeline';
import { DEFAULT_WINDOW, TimeWindow } from '../lambda/engine/diagnose/time-window';
import { parseArn } from '../lambda/engine/parse/arn';
import {
  canonicalGrant,
  isCanonicalGrant,
  type ParseOptions,
  TimeStrings,
} from '../lambda/engine/parse/parse';
import { remediate } from '../lambda/engine/remediate';
import { renderChatbot, renderSlack } from '../lambda/engine/render';
import type { ClusterContext, DiagnosisContext, Notification } from '../lambda/engine/types';
import { checkedAccount, checkedChoice, checkedCluster, checkedRegion, parseCommandArgs } from './args';
import { readAwsAuthFile } from './aws-auth-file';
import { ByteBatch } from './byte-batch';
import { type CliCommand, EXIT_CODES, UsageError } from './io';
import { JsonRecords } from './json-records';
import { OutputWriter } from './output-writer';
import { type BookedProblem, ProblemBook } from './problem-book';
import { inputsOrStdin, readLineBatches } from './read-lines';
import { Report, type ReportOptions } from './report';
import { safeJson } from './safe-json';
import { styleFor } from './terminal-style';

export const CLASSIFY_USAGE = `Usage: eks-auth-doctor classify [options] [FILE …]

Reads authenticator log lines (raw CloudWatch text, a Logs Insights CSV export, Docker json-file,
stern/kail output, …) from each FILE, or standard input when none or '-', and explains every denial.

Options:
  --format FORMAT       text (default): a summary line per cause, then each cause with its fix
                        json: one object per record (line, category, subCause, severity, principal,
                          time, problem); the first record of each problem also carries its fix
                        problems: one object per distinct problem: counts, principals, times, fix
                        slack, chatbot: one payload per distinct problem, as the pipeline sends it
  --summary             text: the header and the summary only
  --min-severity SEV    text: leave out causes below SEV (critical, high, medium, low, info)
  --no-fix              text: causes and facts without the steps
  --full                text: every step of every cause, however long the report gets
  --fail-on SEV         exit 3 when a problem at or above SEV is found (for CI), in every format
  --cluster NAME        the cluster's name, filled into the fix's commands
  --region REGION       the cluster's region, e.g. eu-west-1
  --account ID          the cluster's 12-digit AWS account ID (principals of other accounts are called out)
  --auth-mode MODE      the cluster's authentication mode: CONFIG_MAP, API_AND_CONFIG_MAP or API
                        (aws eks describe-cluster --name NAME --query cluster.accessConfig.authenticationMode)
  --aws-auth FILE       the aws-auth ConfigMap (kubectl get configmap aws-auth -n kube-system -o yaml),
                        to spot role ARNs written with a path or as assumed-role ARNs
  --creator ARN         the cluster creator's IAM role or user ARN, named in every lock-out fix
                        (otherwise learned from a kubernetes-admin grant in the log, on CONFIG_MAP clusters)
  -h, --help            show this help

Files are read twice: first for what the log says about itself (grants, the creator, aws-auth
breakage and repair, mode switches, STS responses), then to diagnose, so the order of the lines does
not matter (newest-first exports included). Standard input is read once and put in time order within
a window of ${DEFAULT_WINDOW} lines.

Exit codes: 0 done, 1 unreadable input, 2 bad usage, 3 a problem at or above --fail-on was found.
`;

const FORMATS = ['text', 'json', 'problems', 'slack', 'chatbot'] as const;
type Format = (typeof FORMATS)[number];

/** `--fail-on` met: CI fails the job, and the output is complete. */
export const EXIT_PROBLEM_FOUND = 3;

interface ClassifyOptions {
  readonly format: Format;
  readonly context: DiagnosisContext;
  readonly files: readonly string[];
  readonly report: ReportOptions;
  readonly failOn?: Severity;
}

export const runClassify: CliCommand = async (argv, io) => {
  const options = await parseClassifyArgs(argv);
  if (options === 'help') {
    io.stdout.write(CLASSIFY_USAGE);
    return 0;
  }
  const out = new OutputWriter(io.stdout);
  const book = new ProblemBook(options.context);
  const report = options.format === 'text' ? new Report(options.context, book) : undefined;
  const jsonRecords = options.format === 'json' ? new JsonRecords() : undefined;
  const files = inputsOrStdin(options.files, io.stdin);
  const multipleFiles = files.length > 1;
  for (const file of files) {
    // Standard input is diagnosed in the order its time window releases the lines, not as read.
    const timeline = new LogTimeline(options.context, {
      secondPass: file === '-' ? 'time-window' : 'same-order',
    });
    const diagnose = createTimelineDiagnoser(timeline);
    // The fix names the creator wherever its grant stood (or the flag's): one context per creator,
    // not one per line.
    let withCreator: { readonly arn: string; readonly context: DiagnosisContext } | undefined;
    const contextWithCreator = (): DiagnosisContext => {
      const arn = timeline.creatorArn;
      if (arn === undefined) return options.context;
      if (withCreator?.arn !== arn) {
        const context = { ...options.context, cluster: { ...options.context.cluster, creatorArn: arn } };
        withCreator = { arn, context };
      }
      return withCreator.context;
    };
    // A batch's JSON records, written in one go.
    const records = new ByteBatch();
    const fileField = multipleFiles ? file : undefined;
    // In JSON a grant as EKS writes it is known by its head and its ARN: no diagnosis to run.
    const grantOptions: ParseOptions = { times: new TimeStrings() };
    // Diagnoses a line; in JSON, adds its record to the batch's.
    const emit = (line: string, lineNumber: number): void => {
      // Outside JSON a grant is only counted, and its head says what it is: no need to diagnose it.
      if (jsonRecords === undefined) {
        if (isCanonicalGrant(line)) {
          report?.addRecord('ACCESS_GRANTED');
          return;
        }
      } else {
        const grant = canonicalGrant(line, grantOptions);
        if (grant !== undefined) {
          jsonRecords.appendKnown(records, 'ACCESS_GRANTED', grant, lineNumber, fileField);
          return;
        }
      }
      // An STS response is only joined, and known by its head: never diagnosed, and in JSON its
      // record (category, severity, time) needs no parse.
      const stsResponse = timeline.joinedStsResponse(line);
      if (stsResponse !== undefined) {
        report?.addRecord('STS_RESPONSE');
        jsonRecords?.appendKnown(records, 'STS_RESPONSE', stsResponse, lineNumber, fileField);
        return;
      }
      const finding = diagnose(line);
      if (finding === undefined) return;
      report?.add(finding);
      const booked = book.add(finding, contextWithCreator());
      jsonRecords?.append(records, finding, lineNumber, fileField, booked);
    };
    const flush = async () => {
      if (records.length === 0) return;
      await out.write(records.take());
    };
    let lineNumber = 0;
    if (file !== '-') {
      // A file is read twice: first for what the whole log says about itself, then to diagnose.
      for await (const batch of readLineBatches(file, io.stdin, io.signal)) {
        for (const line of batch) timeline.learn(line);
      }
      timeline.finish();
      for await (const batch of readLineBatches(file, io.stdin, io.signal)) {
        for (const line of batch) {
          lineNumber++;
          report?.countLine();
          emit(line, lineNumber);
        }
        await flush();
      }
      continue;
    }
    // Standard input is read once: each line teaches the timeline as it enters the window, and is
    // diagnosed in time order as it leaves it, knowing everything within the window.
    const window = new NumberedWindow();
    const release = (ready: readonly { line: string; at: number }[]) => {
      if (ready.length > 0) timeline.finish();
      for (const { line, at } of ready) emit(line, at);
    };
    for await (const batch of readLineBatches(file, io.stdin, io.signal)) {
      for (const line of batch) {
        lineNumber++;
        report?.countLine();
        timeline.learn(line);
        release(window.push(line, lineNumber));
      }
      await flush();
    }
    release(window.drain());
    await flush();
  }
  if (report) {
    const stdout = io.stdout as { isTTY?: boolean; columns?: number };
    const style = styleFor({ isTTY: stdout.isTTY, columns: stdout.columns, env: process.env });
    await out.write(report.render(style, options.report));
  } else if (options.format === 'problems') {
    for (const booked of book.problems()) await out.line(safeJson(problemRecord(booked)));
  } else if (options.format === 'slack' || options.format === 'chatbot') {
    const render = options.format === 'slack' ? renderSlack : renderChatbot;
    for (const n of notifications(book, options.context)) await out.line(safeJson(render(n)));
  }
  return failed(options.failOn, book) ? EXIT_PROBLEM_FOUND : EXIT_CODES.ok;
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

function failed(failOn: Severity | undefined, book: ProblemBook): boolean {
  return (
    failOn !== undefined &&
    book.worst !== undefined &&
    SEVERITIES.indexOf(book.worst) <= SEVERITIES.indexOf(failOn)
  );
}

/** One object of `--format problems`. */
function problemRecord(booked: BookedProblem) {
  const { finding, occurrences, context } = booked.problem;
  return {
    problem: booked.id,
    category: finding.category,
    ...(finding.subCause ? { subCause: finding.subCause } : {}),
    severity: finding.severity,
    count: occurrences.count,
    ...(Number.isFinite(occurrences.firstSeen)
      ? {
          firstSeen: new Date(occurrences.firstSeen).toISOString(),
          lastSeen: new Date(occurrences.lastSeen).toISOString(),
        }
      : {}),
    principals: [...booked.principals].map(([arn, count]) => ({ arn, count })),
    ...(booked.principalsNotKept > 0 ? { principalsNotListed: booked.principalsNotKept } : {}),
    ...(finding.error ? { error: finding.error } : {}),
    fix: remediate(finding, context),
  };
}

/**
 * The messages the pipeline would send for this log: one alert per distinct problem with its count
 * and times, and, past the cap, one digest of the rest.
 */
function notifications(book: ProblemBook, context: DiagnosisContext): Notification[] {
  const alerts = book.problems().map((booked) => problemNotification('alert', booked.problem));
  if (book.untrackedOccurrences === 0) return alerts;
  const cluster = context.cluster ?? {};
  const digest: Notification = {
    kind: 'digest',
    cluster,
    count: book.untrackedOccurrences,
    problemKey: `${cluster.clusterName ?? ''}|digest`,
    notes: [],
  };
  return [...alerts, digest];
}

async function parseClassifyArgs(argv: readonly string[]): Promise<ClassifyOptions | 'help'> {
  const { values, positionals } = parseCliArgs(argv);
  if (values.help) return 'help';
  const format = checkedChoice('--format', values.format, FORMATS, 'text');
  const mode = checkedChoice('--auth-mode', values['auth-mode'], AUTHENTICATION_MODES);
  const account = checkedAccount(values.account);
  const region = checkedRegion(values.region);
  const failOn = checkedChoice('--fail-on', values['fail-on'], SEVERITIES);
  const minSeverity = checkedChoice('--min-severity', values['min-severity'], SEVERITIES);
  const cluster: ClusterContext = {
    clusterName: checkedCluster(values.cluster),
    region,
    accountId: account,
    authenticationMode: mode,
    awsAuthArns: values['aws-auth'] === undefined ? undefined : await readAwsAuthFile(values['aws-auth']),
    creatorArn: creatorOf(values.creator),
  };
  const report = { summaryOnly: values.summary, minSeverity, noFix: values['no-fix'], full: values.full };
  return { format, context: { cluster }, files: positionals, report, failOn };
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
    summary: { type: 'boolean' },
    'min-severity': { type: 'string' },
    'no-fix': { type: 'boolean' },
    full: { type: 'boolean' },
    'fail-on': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
}
