import type { FixStep } from '../types';

/**
 * Puts a condition in front of each step ("If the mode is CONFIG_MAP: back up aws-auth …"). With a
 * `summary` (what the run of steps does, in a few words) it is also recorded as the steps' `route`,
 * so that a compact sink prints condition and summary once, then only the commands. A step that
 * already had a route (a condition inside a condition) keeps both, outer first.
 *
 * @example prefixed('If the mode is API: ', steps, 'create an access entry')[0].route === 'If the mode is API: create an access entry'
 */
export function prefixed(prefix: string, steps: readonly FixStep[], summary?: string): FixStep[] {
  const condition = prefix.replace(/:\s*$/, '');
  return steps.map((step) => {
    const text = `${prefix}${lowerFirst(step.text)}`;
    if (step.route) return { ...step, text, route: `${condition}, ${lowerFirst(step.route)}` };
    return summary ? { ...step, text, route: `${condition}: ${summary}` } : { ...step, text };
  });
}

/** Groups steps under a stage without changing their text ("Then, on the affected machine"). */
export function grouped(route: string, steps: readonly FixStep[]): FixStep[] {
  return steps.map((step) => ({ ...step, route }));
}

/** Marks steps as a look or an alternative that a compact sink may leave out (see `FixStep.optional`). */
export function optional(step: FixStep): FixStep {
  return { ...step, optional: true };
}

/** A summary written to follow a condition ("back up aws-auth, …"), as a sentence of its own. */
export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lowerFirst(text: string): string {
  // Keep acronyms and names (`AWS`, `IAM`, `Access entries`) readable: only lower a capitalised plain word.
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
