import type { FixStep } from '../types';

/** Puts a condition in front of each step ("If the mode is CONFIG_MAP: back up aws-auth …"). */
export function prefixed(prefix: string, steps: readonly FixStep[]): FixStep[] {
  return steps.map((step) => ({ ...step, text: `${prefix}${lowerFirst(step.text)}` }));
}

function lowerFirst(text: string): string {
  // Keep acronyms and names (`AWS`, `IAM`, `Access entries`) readable: only lower a capitalised plain word.
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
