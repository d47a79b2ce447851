import { stripControl } from '../../lambda/engine/render';
import type { CheckResult, CheckStatus } from './check';
import type { Verdict } from './verdict';

/** The whole text report fits a support ticket: at most this many lines. */
export const MAX_TEXT_LINES = 40;

const SYMBOL: Readonly<Record<CheckStatus, string>> = { pass: '✓', fail: '✗', unknown: '?' };

export const TEXT_HEADER =
  'eks-auth-doctor doctor: the Unauthorized runbook, read-only, with your credentials';

/** One check as a report line: `✓ title: what it saw`. */
export function checkLine(result: CheckResult): string {
  return clean(`${SYMBOL[result.status]} ${result.title}: ${result.detail}`);
}

/**
 * The verdict and its fix in at most `budget` lines: headline and cause always, then as many steps
 * (text, then `$ command`) as fit, then the warnings if there is room; what does not fit is counted
 * and left to `--format json`.
 *
 * @example
 * verdictLines(verdict, 20);
 * // ['', '✗ Verdict: IAM role is not mapped … [IDENTITY_NOT_MAPPED/NOT_IN_AWS_AUTH]', '  IAM role arn:… has no entry …', 'Fix:', '  1. …', '     $ aws eks …']
 */
export function verdictLines(verdict: Verdict, budget: number): string[] {
  const { fix } = verdict;
  const category = verdict.category
    ? ` [${verdict.subCause ? `${verdict.category}/${verdict.subCause}` : verdict.category}]`
    : '';
  const lines = ['', clean(`${verdict.problem ? '✗' : '✓'} Verdict: ${fix.title}${category}`)];
  if (fix.summary) lines.push(clean(`  ${fix.summary}`));
  if (fix.steps.length > 0) lines.push(verdict.problem ? 'Fix:' : 'Next:');
  const steps = fix.steps.map((step, index) => [
    clean(`  ${index + 1}. ${step.text}`),
    ...(step.command ?? '')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line, at) => clean(`     ${at === 0 ? '$ ' : '  '}${line}`)),
  ]);
  let shown = 0;
  for (const step of steps) {
    const left = steps.length - shown - 1;
    // Keep one line for the "… more steps" note unless this is the last step.
    if (lines.length + step.length + (left > 0 ? 1 : 0) > budget) break;
    lines.push(...step);
    shown++;
  }
  if (shown < steps.length) {
    lines.push(
      `  … ${steps.length - shown} more step${steps.length - shown === 1 ? '' : 's'}: run with --format json for the whole fix`,
    );
  }
  for (const warning of fix.warnings) {
    if (lines.length + 1 > budget) break;
    lines.push(clean(`  ! ${warning}`));
  }
  return lines;
}

function clean(text: string): string {
  return stripControl(text, 'space');
}
