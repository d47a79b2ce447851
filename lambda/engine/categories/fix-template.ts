import type { Fix, FixStep } from '../types';
import type { FixRequest } from '../wording/fix-request';

/** Text that is the same for every finding, or written from the request. */
export type Prose = string | ((request: FixRequest) => string);

/**
 * How the fix of a category or sub-cause is written: a headline, one sentence of cause, caveats and
 * ordered steps. Commands take names from the request, which are checked; `request.finding` is for
 * prose only.
 */
export interface FixTemplate {
  readonly title: Prose;
  /** One sentence of cause. */
  readonly summary: Prose;
  /** Caveats of this category; the ones every fix may need are added by `remediate`. */
  readonly warnings: readonly string[] | ((request: FixRequest) => readonly string[]);
  readonly steps: (request: FixRequest) => readonly FixStep[];
}

/** Fills a template in for one request. Pure: the same request always gives the same fix. */
export function writeFix(template: FixTemplate, request: FixRequest): Fix {
  return {
    title: proseOf(template.title, request),
    summary: proseOf(template.summary, request),
    steps: template.steps(request),
    warnings: warningsOf(template, request),
  };
}

/** The template `choose` picks for each request: a category whose fix depends on its sub-cause. */
export function chosenBy(choose: (request: FixRequest) => FixTemplate): FixTemplate {
  return {
    title: (request) => proseOf(choose(request).title, request),
    summary: (request) => proseOf(choose(request).summary, request),
    warnings: (request) => warningsOf(choose(request), request),
    steps: (request) => choose(request).steps(request),
  };
}

export function proseOf(prose: Prose, request: FixRequest): string {
  return typeof prose === 'function' ? prose(request) : prose;
}

function warningsOf(template: FixTemplate, request: FixRequest): readonly string[] {
  return typeof template.warnings === 'function' ? template.warnings(request) : template.warnings;
}
