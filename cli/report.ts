import {
  type Category,
  isAlertable,
  isDenialCategory,
  SEVERITIES,
  type Severity,
} from '../lambda/engine/categories';
import { remediate } from '../lambda/engine/remediate';
import { stripControl } from '../lambda/engine/render';
import { formatCount } from '../lambda/engine/render/format';
import type { DiagnosisContext, Finding, Fix, FixStep } from '../lambda/engine/types';
import { type Cause, causesOf } from './causes';
import type { ProblemBook } from './problem-book';
import { type Paint, paint, type TerminalStyle } from './terminal-style';
import { fitLine, wrapCommand, wrapProse } from './wrap';

/** What the reader asked to see. */
export interface ReportOptions {
  /** The header and one line per cause only. */
  readonly summaryOnly?: boolean;
  /** Causes below this are left out (and counted). */
  readonly minSeverity?: Severity;
  /** Causes and facts without the steps and warnings. */
  readonly noFix?: boolean;
  /** Every step of every cause, past the report's line budget. */
  readonly full?: boolean;
}

const CAUSES_DETAILED = 25;
/** A report longer than this does not fit a screen's worth of scrolling: later causes are shown brief. */
const LINE_BUDGET = 150;
/** Step prose beyond this many lines is cut (the whole text is in --full and --format problems). */
const STEP_LINES = 2;
const PRINCIPALS_NAMED = 3;
const SEVERITY_PAINT: Readonly<Record<Severity, Paint[]>> = {
  critical: ['bold', 'red'],
  high: ['red'],
  medium: ['yellow'],
  low: ['cyan'],
  info: ['dim'],
};

/**
 * The `--format text` report, read top-down at 3 a.m.: a header, one summary line per distinct cause
 * (cluster-wide breakages on top), then one block per cause with its fix, then the records that are
 * not denials. Each warning is printed once; later blocks point back to it.
 */
export class Report {
  private lines = 0;
  private records = 0;
  private denials = 0;
  private readonly byCategory = new Map<Category, number>();

  constructor(
    private readonly context: DiagnosisContext,
    private readonly book: ProblemBook,
  ) {}

  countLine(): void {
    this.lines++;
  }

  /** Counts a record; the caller books it in the {@link ProblemBook}. */
  add(finding: Finding): void {
    this.addRecord(finding.category);
  }

  /** Counts a record known by its category alone (a grant, read from its head). */
  addRecord(category: Category): void {
    this.records++;
    this.byCategory.set(category, (this.byCategory.get(category) ?? 0) + 1);
    if (isDenialCategory(category)) this.denials++;
  }

  render(style: TerminalStyle, options: ReportOptions = {}): string {
    const out: string[] = [];
    const bold = (text: string) => paint(style, text, 'bold');
    const cluster = this.context.cluster;
    const where = [
      cluster?.region,
      cluster?.accountId && `account ${cluster.accountId}`,
      cluster?.authenticationMode,
    ]
      .filter(Boolean)
      .join(', ');
    out.push(
      bold(`eks-auth-doctor: cluster ${cluster?.clusterName ?? '(not given)'}${where ? ` (${where})` : ''}`),
    );
    const all = causesOf(this.book.problems());
    const distinct = this.book.distinct();
    const counted = `${distinct.atLeast ? 'more than ' : ''}${formatCount(distinct.count)}`;
    out.push(
      ...wrapProse(
        `${formatCount(this.lines)} lines read, ${formatCount(this.records)} authenticator records, ${formatCount(this.denials)} denials: ${formatCount(all.length)} ${all.length === 1 ? 'cause' : 'causes'}, ${counted} distinct problems.`,
        style.width,
      ),
    );
    if (this.records === 0) {
      out.push('', ...wrapProse(NO_RECORDS_HINT, style.width));
      return `${out.join('\n')}\n`;
    }
    const minRank = SEVERITIES.indexOf(options.minSeverity ?? 'info');
    const causes = all.filter((cause) => SEVERITIES.indexOf(cause.severity) <= minRank);
    const day = commonDay(causes);
    if (causes.length > 0) {
      out.push('', bold(`Summary${day ? ` (times UTC, ${day})` : ' (times UTC)'}:`));
      for (const cause of causes) out.push(this.summaryLine(cause, style, day));
    }
    if (causes.length < all.length) {
      out.push(`  ${all.length - causes.length} more below ${options.minSeverity} not shown.`);
    }
    if (this.book.untrackedOccurrences > 0) {
      out.push(
        ...wrapProse(
          `  Past ${formatCount(this.book.problems().length)} distinct problems, ${formatCount(this.book.untrackedOccurrences)} more denials were counted but not kept: a flood of distinct principals or forged tokens.`,
          style.width,
          '  ',
          '    ',
        ),
      );
    }
    if (options.summaryOnly) {
      if (causes.length > 0) out.push('', 'Run without --summary for each cause with its fix.');
      return `${out.join('\n')}\n`;
    }
    const detailed = causes.slice(0, CAUSES_DETAILED);
    const blocks = this.layOut(detailed, style, options, out.length + 4);
    for (const block of blocks) out.push('', ...block);
    if (causes.length > CAUSES_DETAILED) {
      out.push(
        '',
        `${causes.length - CAUSES_DETAILED} more causes are in the summary only; --format problems lists every one with its fix.`,
      );
    }
    out.push('', bold('Other records:'), ...wrapProse(this.otherRecords(), style.width, '  ', '  '));
    return `${out.join('\n')}\n`;
  }

  private summaryLine(cause: Cause, style: TerminalStyle, day: string | undefined): string {
    const fix = this.fixOf(cause);
    const severity = cause.severity.toUpperCase().padEnd(8);
    const count = `${formatCount(cause.occurrences.count)}x`.padStart(6);
    const time = clock(cause.occurrences.firstSeen, day).padEnd(day ? 5 : 16);
    const who = whoOf(cause);
    const action = firstAction(fix);
    const text = `${title(fix)}${who ? ` - ${who}` : ''}${action ? `. First: ${action}` : ''}`;
    const head = `  ${severity} ${count} ${time}  `;
    const line = fitLine(`${head}${clean(text)}`, style.width);
    return paint(style, severity, ...SEVERITY_PAINT[cause.severity]) === severity
      ? line
      : line.replace(severity, paint(style, severity, ...SEVERITY_PAINT[cause.severity]));
  }

  /**
   * Every cause brief first (cause, first step, where the rest is); then, in order of urgency, each one
   * whole while the report stays within {@link LINE_BUDGET} lines. `--full` shows all whole.
   */
  private layOut(
    causes: readonly Cause[],
    style: TerminalStyle,
    options: ReportOptions,
    used: number,
  ): string[][] {
    const whole = new Set<number>();
    const render = () => {
      const shown = new Map<string, number>();
      return causes.map((cause, i) => this.detailBlock(cause, i + 1, style, options, shown, !whole.has(i)));
    };
    if (options.full || options.noFix) {
      for (let i = 0; i < causes.length; i++) whole.add(i);
      return render();
    }
    causes.forEach((cause, i) => {
      if (cause.severity === 'critical') whole.add(i);
    });
    let blocks = render();
    for (let i = 0; i < causes.length; i++) {
      if (whole.has(i)) continue;
      whole.add(i);
      const tried = render();
      if (used + tried.reduce((sum, block) => sum + block.length + 1, 0) <= LINE_BUDGET) blocks = tried;
      else whole.delete(i);
    }
    return blocks;
  }

  private detailBlock(
    cause: Cause,
    n: number,
    style: TerminalStyle,
    options: ReportOptions,
    shownWarnings: Map<string, number>,
    brief: boolean,
  ): string[] {
    const width = style.width;
    const fix = this.fixOf(cause);
    const finding = cause.lead.problem.finding;
    const severity = paint(style, cause.severity.toUpperCase(), ...SEVERITY_PAINT[cause.severity]);
    const out: string[] = [
      paint(style, `${n}. `, 'bold') + severity + paint(style, ` ${clean(title(fix))}`, 'bold'),
    ];
    if (brief && !options.noFix) return this.briefBlock(cause, n, style, fix);
    const prose = (label: string, text: string, lines = 3) =>
      out.push(...atMost(wrapProse(`${label}${clean(text)}`, width, '   ', '   '), lines, width));
    prose('', fix.summary, brief ? 2 : 4);
    const category = finding.subCause ? `${finding.category} / ${finding.subCause}` : finding.category;
    prose('Seen: ', `${seenText(cause)}; ${category}, problem ${cause.lead.id}`, 2);
    const principals = principalList(cause);
    if (principals) prose(cause.principals.length === 1 ? 'Principal: ' : 'Principals: ', principals, 2);
    const said = finding.error ?? '';
    const details = Object.entries(finding.details).filter(([, value]) => value !== '');
    if (details.length > 0) prose('Details: ', details.map(([k, v]) => `${k}: ${v}`).join(', '), 1);
    else if (said !== '') prose('Authenticator said: ', said, 1);
    if (options.noFix) return out;

    if (cause.principals.length > 1 && !cause.clusterWide) {
      prose(
        '',
        `The commands are written for ${cause.principals[0]?.[0]}; run them for each principal above.`,
      );
    }
    fix.steps.forEach((step, i) => {
      const label = `   ${i + 1}. `;
      out.push(
        ...atMost(wrapProse(clean(step.text), width, label, ' '.repeat(label.length)), STEP_LINES, width),
      );
      if (step.command !== undefined) {
        const pad = ' '.repeat(label.length);
        const command = stripControl(step.command, 'keep');
        const lines = wrapCommand(command, width, `${pad}$ `, `${pad}  `);
        out.push(...lines.map((line) => paint(style, line, 'bold')));
      }
    });
    for (const warning of fix.warnings) {
      const earlier = shownWarnings.get(warning);
      if (earlier === undefined) {
        shownWarnings.set(warning, n);
        out.push(...wrapProse(`! ${clean(warning)}`, width, '   ', '     '));
      } else {
        out.push(fitLine(`   ! As under ${earlier}: ${clean(warning)}`, width));
      }
    }
    return out;
  }

  /** A cause in four lines: what, how often, the first step with its command, where the rest is. */
  private briefBlock(cause: Cause, n: number, style: TerminalStyle, fix: Fix): string[] {
    const width = style.width;
    const severity = paint(style, cause.severity.toUpperCase(), ...SEVERITY_PAINT[cause.severity]);
    const seen = `${formatCount(cause.occurrences.count)}x, ${cause.lead.id}`;
    const head = fitLine(`${n}. ${cause.severity.toUpperCase()} ${clean(title(fix))} (${seen})`, width);
    const out = [head.replace(cause.severity.toUpperCase(), severity)];
    out.push(fitLine(`   ${clean(fix.summary)}`, width));
    const step = firstStep(fix);
    const rest = fix.steps.length - (step ? 1 : 0);
    const more = rest > 0 ? ` [${rest} more: --full]` : '';
    if (step) {
      const label = `   First: `;
      out.push(`${fitLine(`${label}${clean(step.text)}`, width - more.length)}${more}`);
      const command =
        step.command === undefined
          ? []
          : wrapCommand(stripControl(step.command, 'keep'), width, '      $ ', '        ');
      if (command.length <= 2) out.push(...command.map((line) => paint(style, line, 'bold')));
      else out.push('      (a query: --full, or --format problems)');
    }
    return out;
  }

  private fixOf(cause: Cause): Fix {
    return remediate(cause.lead.problem.finding, cause.lead.problem.context);
  }

  private otherRecords(): string {
    const others = [...this.byCategory.entries()]
      .filter(([category]) => !isAlertable(category))
      .sort(([, a], [, b]) => b - a)
      .map(([category, count]) => `${formatCount(count)} ${category}`);
    return others.length > 0 ? others.join(', ') : 'none';
  }
}

const NO_RECORDS_HINT =
  'No authenticator records found. Export the `authenticator-*` streams of /aws/eks/<cluster>/cluster ' +
  '(authenticator logging must be enabled), e.g. from CloudWatch Logs Insights as CSV, and pass the file.';

/** Log text for a report line: no control or bidi characters, no line breaks. */
function clean(text: string): string {
  return stripControl(text, 'space');
}

function title(fix: Fix): string {
  return fix.title.trim() === '' ? 'Access denied' : fix.title;
}

/** "developer", "31 principals", or nothing when the log names nobody (token and STS errors). */
function whoOf(cause: Cause): string {
  const total = cause.principals.length + cause.principalsNotKept;
  if (total === 0) return '';
  if (total === 1) return shortName(cause.principals[0]?.[0] ?? '');
  return `${formatCount(total)} principals`;
}

function shortName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1) || arn;
}

function principalList(cause: Cause): string {
  const named = cause.principals
    .slice(0, PRINCIPALS_NAMED)
    .map(([arn, count]) => (cause.principals.length === 1 ? arn : `${arn} (${formatCount(count)})`));
  const more = cause.principals.length - named.length + cause.principalsNotKept;
  if (more > 0) named.push(`and ${formatCount(more)} more`);
  return named.join(', ');
}

/** The step to start with: the first that runs something and is not conditional. */
function firstStep(fix: Fix): FixStep | undefined {
  return (
    fix.steps.find((s) => s.command !== undefined && !/^(if|with|only if|optionally)\b/i.test(s.text)) ??
    fix.steps[0]
  );
}

function firstAction(fix: Fix): string {
  return firstStep(fix)?.text.replace(/\.$/, '') ?? '';
}

/** At most `max` lines; the last one shown ends in `...` when some were dropped. */
function atMost(lines: string[], max: number, width: number): string[] {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = fitLine(`${kept[max - 1]} ${'x'.repeat(width)}`, width);
  return kept;
}

function seenText(cause: Cause): string {
  const { count, firstSeen, lastSeen } = cause.occurrences;
  const times = `${formatCount(count)} ${count === 1 ? 'time' : 'times'}`;
  if (!Number.isFinite(firstSeen)) return times;
  const first = isoMinute(firstSeen);
  return lastSeen > firstSeen && isoMinute(lastSeen) !== first
    ? `${times}, ${first} to ${isoMinute(lastSeen)} UTC`
    : `${times}, at ${first} UTC`;
}

function isoMinute(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** The day every cause was first seen on, when they share one: the summary then shows times only. */
function commonDay(causes: readonly Cause[]): string | undefined {
  const days = new Set(
    causes
      .filter((c) => Number.isFinite(c.occurrences.firstSeen))
      .map((c) => new Date(c.occurrences.firstSeen).toISOString().slice(0, 10)),
  );
  return days.size === 1 ? [...days][0] : undefined;
}

function clock(ms: number, day: string | undefined): string {
  if (!Number.isFinite(ms)) return '-';
  const minute = isoMinute(ms);
  return day ? minute.slice(11) : minute;
}
