import { type Category, isAlertable, isDenialCategory, SEVERITIES } from '../lambda/engine/categories';
import { problemNotification } from '../lambda/engine/diagnose/alert';
import { type OccurrenceTally, openProblem, type Problem } from '../lambda/engine/diagnose/problem';
import { problemKey } from '../lambda/engine/diagnose/problem-key';
import { detach } from '../lambda/engine/parse/detach';
import { renderText, stripControl } from '../lambda/engine/render';
import type { DiagnosisContext, Finding } from '../lambda/engine/types';

/** Past these, new keys are counted in aggregate only: memory stays flat on a flood of forged tokens. */
const MAX_PROBLEMS = 5_000;
const MAX_PRINCIPALS = 10_000;
const PROBLEMS_SHOWN = 25;
const PRINCIPALS_SHOWN = 10;

/**
 * The `--format text` report: counts per category, the most denied principals, and each distinct
 * problem once with its fix, most severe and most frequent first.
 */
export class Report {
  private lines = 0;
  private records = 0;
  private denials = 0;
  private readonly byCategory = new Map<Category, number>();
  private readonly byPrincipal = new Map<string, number>();
  private readonly problems = new Map<string, Problem<OccurrenceTally>>();
  private untrackedProblems = 0;

  constructor(private readonly context: DiagnosisContext) {}

  countLine(): void {
    this.lines++;
  }

  /** Adds one finding; `context`, when given, is what the log taught about its time (the creator …). */
  add(finding: Finding, context: DiagnosisContext = this.context): void {
    this.records++;
    this.byCategory.set(finding.category, (this.byCategory.get(finding.category) ?? 0) + 1);
    if (!isAlertable(finding.category)) return;
    if (isDenialCategory(finding.category)) this.denials++;
    const arn = finding.principal?.arn;
    if (arn !== undefined) {
      const count = this.byPrincipal.get(arn);
      if (count !== undefined) this.byPrincipal.set(arn, count + 1);
      else if (this.byPrincipal.size < MAX_PRINCIPALS) this.byPrincipal.set(detach(arn), 1);
    }
    const key = problemKey(this.context.cluster?.clusterName ?? '', finding);
    const problem = this.problems.get(key);
    // The log's time text, converted at this edge: the problem counts in epoch ms like the Lambda's.
    const time = finding.time === undefined ? Number.NaN : Date.parse(finding.time);
    if (problem) {
      problem.occurrences.add(time);
    } else if (this.problems.size < MAX_PROBLEMS) {
      // Kept to the end of the input: detached from the chunk of the file its line was read from.
      this.problems.set(key, openProblem(key, detach(finding), context, time));
    } else {
      this.untrackedProblems++;
    }
  }

  render(): string {
    const out: string[] = [];
    const cluster = this.context.cluster?.clusterName;
    out.push(`eks-auth-doctor report${cluster ? ` for cluster ${cluster}` : ''}`);
    out.push(`${this.lines} lines read, ${this.records} authenticator records, ${this.denials} denials`);
    if (this.records === 0) {
      out.push('', NO_RECORDS_HINT);
      return `${out.join('\n')}\n`;
    }
    out.push('', 'Records by category:');
    for (const [category, count] of sortedByCount(this.byCategory)) {
      out.push(`  ${String(count).padStart(8)}  ${category}`);
    }
    if (this.byPrincipal.size > 0) {
      out.push('', 'Most denied principals:');
      for (const [arn, count] of sortedByCount(this.byPrincipal).slice(0, PRINCIPALS_SHOWN)) {
        out.push(`  ${String(count).padStart(8)}  ${stripControl(arn)}`);
      }
    }
    const problems = [...this.problems.entries()].sort(([, a], [, b]) => bySeverityThenCount(a, b));
    if (problems.length > 0) out.push('', `Distinct problems: ${problems.length + this.untrackedProblems}`);
    for (const [, problem] of problems.slice(0, PROBLEMS_SHOWN)) {
      out.push('', '-'.repeat(72), this.renderProblem(problem));
    }
    const hidden = problems.length - PROBLEMS_SHOWN + this.untrackedProblems;
    if (hidden > 0)
      out.push('', `… and ${hidden} more distinct problems; use --format json to see every record.`);
    return `${out.join('\n')}\n`;
  }

  private renderProblem(problem: Problem): string {
    return renderText(problemNotification('alert', problem)).trimEnd();
  }
}

const NO_RECORDS_HINT =
  'No authenticator records found. Export the `authenticator-*` streams of /aws/eks/<cluster>/cluster ' +
  '(authenticator logging must be enabled), e.g. from CloudWatch Logs Insights as CSV, and pass the file.';

function sortedByCount<K>(counts: Map<K, number>): [K, number][] {
  return [...counts.entries()].sort(([, a], [, b]) => b - a);
}

function bySeverityThenCount(a: Problem, b: Problem): number {
  const rank = SEVERITIES.indexOf(a.finding.severity) - SEVERITIES.indexOf(b.finding.severity);
  return rank !== 0 ? rank : b.occurrences.count - a.occurrences.count;
}
