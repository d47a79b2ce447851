import type { Notification } from '../types';
import { describeNotification } from './content';
import { escapePlainText, escapeWithin } from './escape';

/**
 * Per-value cap for e-mail and terminals. Nothing forces one, but a 20 000-character forged hostname
 * buries the fix; the authenticator itself rejects tokens over 4096 bytes.
 */
const TEXT_VALUE_MAX = 4000;

const STEP_INDENT = '     ';

/**
 * Renders a notification as plain text for e-mail and the terminal: title, cause, numbered steps with
 * their commands indented, warnings, notes, then the context lines.
 *
 * Only this function starts lines. A line break inside a log value or a prose field is shown as
 * `\n`, so it cannot forge a "Step 1:" line; a line break inside a command is kept (multi-line
 * commands exist) but the next line is indented behind a `>` prompt, never at the left margin.
 * Control characters are removed, so no ANSI escape from a log line reaches a terminal.
 *
 * @example process.stdout.write(renderText(notification));
 */
export function renderText(n: Notification): string {
  const content = describeNotification(n);
  const prose = (raw: string) => escapeWithin(raw, TEXT_VALUE_MAX, escapePlainText);
  const lines: string[] = [`${content.tag} ${prose(content.headline)}`, ''];

  if (content.lead) lines.push(prose(content.lead), '');
  if (content.cause) lines.push(`Cause: ${prose(content.cause)}`);
  if (content.error) lines.push(`Authenticator said: ${prose(content.error)}`);
  if (content.details.length > 0) {
    lines.push(`Details: ${prose(content.details.map(([key, value]) => `${key}: ${value}`).join(', '))}`);
  }
  if (content.cause || content.error || content.details.length > 0) lines.push('');

  if (content.steps.length > 0) {
    lines.push(content.briefSteps ? 'Fix (as before):' : 'Steps:');
    content.steps.forEach((step, i) => {
      lines.push(`  ${i + 1}. ${prose(step.text)}`);
      if (step.command !== undefined && !content.briefSteps) lines.push(...commandLines(step.command));
    });
    lines.push('');
  }
  if (content.warnings.length > 0) {
    lines.push('Warnings:', ...content.warnings.map((w) => `  ! ${prose(w)}`), '');
  }
  if (content.notes.length > 0) {
    lines.push('Notes:', ...content.notes.map((note) => `  - ${prose(note)}`), '');
  }

  const width = Math.max(0, ...content.facts.map((fact) => fact.label.length)) + 1;
  for (const fact of content.facts) {
    lines.push(`${`${fact.label}:`.padEnd(width)} ${orEmpty(prose(fact.value))}`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
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
