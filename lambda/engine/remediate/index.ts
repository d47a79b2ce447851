import { CATEGORY_ENTRIES, type Category, writeFix } from '../categories';
import type { DiagnosisContext, Finding, Fix } from '../types';
import { type FixBuilder, type FixRequest, fixRequest } from '../wording/fix-request';
import { withCommonWarnings } from './warnings';

/**
 * One fix builder per category, written from its entry. Complete, though built at load: every listed
 * category has an entry, which each family file checks at compile time.
 */
export const FIXES = Object.fromEntries(
  [...CATEGORY_ENTRIES.values()].map((entry) => [
    entry.id,
    (request: FixRequest) => writeFix(entry, request),
  ]),
) as Readonly<Record<Category, FixBuilder>>;

/**
 * The fix for a finding: a headline, one sentence of cause, and ordered steps with the exact commands,
 * names filled in from the context where known and placeholders (`<cluster-name>`, `<region>` …) where
 * not. Pure, never throws; names from the log go into commands only after they passed a shape check.
 *
 * @example
 * const fix = remediate(finding, { cluster: { clusterName: 'prod', region: 'eu-west-1', authenticationMode: 'API' } });
 * // fix.steps[n].command === 'aws eks create-access-entry --cluster-name prod --region eu-west-1 --principal-arn arn:aws:iam::…'
 */
export function remediate(finding: Finding, context: DiagnosisContext = {}): Fix {
  const request = fixRequest(finding, context);
  // A category from outside the type (an older or newer classifier) still gets the "unrecognised" fix.
  const build = FIXES[finding.category] ?? FIXES.UNKNOWN;
  return withCommonWarnings(build(request), request);
}
