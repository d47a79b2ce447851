import { stripControl } from '../../lambda/engine/render';

/**
 * Untrusted text (from a kubeconfig, a log line, an AWS message) as it may appear in a report line:
 * one line, control and bidi characters removed, and short enough not to push the fix off screen.
 *
 * @example
 * shown('prod\u001b[2J', 40); // 'prod[2J'
 */
export function shown(text: string, max = 120): string {
  const clean = stripControl(text, 'space');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
