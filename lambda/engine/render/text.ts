import type { FixStep, Notification } from '../types';
import { describeNotification, type Fact, type MessageContent, whomText } from './content';
import { escapePlainText, escapeWithin } from './escape';

/**
 * Per-value cap for e-mail and terminals. Nothing forces one, but a 20 000-character forged hostname
 * buries the fix; the authenticator itself rejects tokens over 4096 bytes.
 */
const TEXT_VALUE_MAX = 4000;
/** Per principal a digest names: IAM ARNs are far shorter, and five forged ones must not bury the rest. */
const PRINCIPAL_MAX = 300;
/** Facts are packed onto lines of about this width ("Cluster: prod | Region: eu-west-1 | …"). */
const FACT_LINE_WIDTH = 120;

const STEP_INDENT = '     ';

/**
 * Renders a notification as plain text for e-mail and the terminal, compact enough to act on from
 * a phone (about 25 lines for the common problems): the problem, its cause, the steps (each run of
 * steps for one case or stage, such as a route of an unknown authentication mode, under one line
 * that says what it does, then only its commands), the warnings those steps need, and the facts
 * packed on a few lines. Optional steps (a look before acting, an alternative) are left out and
 * counted, with the warnings only they need; a follow-up repeats the commands.
 *
 * Only this function starts lines. A line break inside a log value or a prose field is shown as
 * `\n`, so it cannot forge a "1." line; a line break inside a command is kept (multi-line commands
 * exist) but the next line is indented behind a `>` prompt, never at the left margin. Control
 * characters are removed, so no ANSI escape from a log line reaches a terminal.
 *
 * @example process.stdout.write(renderText(notification));
 */
export function renderText(n: Notification): string {
  const content = describeNotification(n);
  const prose = (raw: string) => escapeWithin(raw, TEXT_VALUE_MAX, escapePlainText);
  const cluster = n.cluster.clusterName ? `${prose(n.cluster.clusterName)}: ` : '';
  const lines: string[] = [
    `${content.tag} ${n.kind === 'alert' ? cluster : ''}${prose(content.headline)}`,
    '',
  ];

  if (content.lead) lines.push(prose(content.lead));
  if (content.whom) {
    const arn = (raw: string) => escapeWithin(raw, PRINCIPAL_MAX, escapePlainText);
    lines.push(`Top principals: ${whomText(content.whom, arn, prose)}`);
  }
  if (content.lead || content.whom) lines.push('');
  if (content.cause) lines.push(`Cause: ${prose(content.cause)}`);
  const details = unquotedDetails(content);
  if (details.length > 0) {
    lines.push(`Details: ${prose(details.map(([key, value]) => `${key}: ${value}`).join(', '))}`);
  }
  if (content.cause || details.length > 0) lines.push('');

  if (content.steps.length > 0) {
    const { lines: stepLines, left, summarised } = stepsText(content.steps, prose);
    if (content.briefSteps) lines.push('Fix (the same as in the first alert):');
    lines.push(...stepLines);
    const rest = [
      ...(left > 0 ? [`${left} optional ${left === 1 ? 'step' : 'steps'}`] : []),
      ...(summarised ? ['the reasons behind each case'] : []),
    ];
    if (rest.length > 0) {
      const what = rest.join(' and ');
      lines.push(
        `  (${what.charAt(0).toUpperCase()}${what.slice(1)} ${rest.length === 1 && left === 1 ? 'is' : 'are'} in the Slack or chat message, or run eks-auth-doctor classify on the log.)`,
      );
    }
    lines.push('');
  }
  // The warnings of the steps shown: a caveat of a step left out goes with it.
  const warnings = content.warnings.filter((w) => !content.optionalWarnings.includes(w));
  if (warnings.length > 0) lines.push(...warnings.map((w) => `! ${prose(w)}`), '');
  if (content.notes.length > 0) lines.push(...content.notes.map((note) => `Note: ${prose(note)}`), '');
  // The tag and the first line already say the severity and the cluster.
  const shown =
    n.kind === 'alert'
      ? content.facts.filter((f) => f.label !== 'Severity' && f.label !== 'Cluster')
      : content.facts;
  // The authenticator's own words are a fact like the others; a long STS body gets a line of its own.
  const said = content.error ? [{ label: 'Authenticator said', value: content.error }] : [];
  lines.push(...factLines([...shown, ...said], prose));
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * The details the cause or the authenticator's words do not quote already (a rejected host is in
 * both): said once is enough on a phone.
 */
function unquotedDetails(content: MessageContent): readonly (readonly [string, string])[] {
  const quoted = `${content.cause ?? ''}\n${content.error ?? ''}`;
  return content.details.filter(([, value]) => !quoted.includes(value));
}

/**
 * Numbered steps. A run of steps for one case ("If the mode is CONFIG_MAP") is one numbered line
 * naming the case, then its commands (`summarised`: the steps' own texts were left to the fuller
 * sinks); optional steps are counted, not shown.
 */
function stepsText(
  steps: readonly FixStep[],
  prose: (raw: string) => string,
): { lines: string[]; left: number; summarised: boolean } {
  const lines: string[] = [];
  let number = 0;
  let left = 0;
  let summarised = false;
  let route: string | undefined;
  for (const step of steps) {
    if (step.optional) {
      left++;
      continue;
    }
    if (step.route !== undefined) {
      if (step.route !== route) {
        number++;
        lines.push(`  ${number}. ${prose(step.route)}:`);
      }
      route = step.route;
      if (step.command !== undefined) {
        lines.push(...commandLines(step.command));
        summarised = true;
      } else lines.push(`${STEP_INDENT}- ${prose(step.text)}`);
      continue;
    }
    route = undefined;
    number++;
    lines.push(`  ${number}. ${prose(step.text)}`);
    if (step.command !== undefined) lines.push(...commandLines(step.command));
  }
  return { lines, left, summarised };
}

/** Facts packed onto as few lines as read well: `Cluster: prod | Region: eu-west-1 | …`. */
function factLines(facts: readonly Fact[], prose: (raw: string) => string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const fact of facts) {
    const part = `${fact.label}: ${orEmpty(prose(fact.value))}`;
    const next = line === '' ? part : `${line} | ${part}`;
    if (line !== '' && next.length > FACT_LINE_WIDTH) {
      lines.push(line);
      line = part;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A value that cleaning left blank is said to be empty, rather than leaving a dangling label. */
function orEmpty(value: string): string {
  return value.trim() === '' ? '(empty)' : value;
}

/** `$ first line`, then `> next line`, all indented under the step. */
function commandLines(command: string): string[] {
  const clean = escapeWithin(command, TEXT_VALUE_MAX, (raw) => escapePlainText(raw, 'keep'));
  return clean.split('\n').map((line, i) => `${STEP_INDENT}${i === 0 ? '$' : '>'} ${line}`);
}
