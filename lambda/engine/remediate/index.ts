import type { Category } from '../classify/categories';
import type { DiagnosisContext, Finding, Fix } from '../types';
import { type FixBuilder, fixRequest } from './fix-request';
import { IDENTITY_FIXES } from './identity-fixes';
import { OTHER_FIXES } from './other-fixes';
import { STS_FIXES } from './sts-fixes';
import { TOKEN_FIXES } from './token-fixes';
import { withCommonWarnings } from './warnings';

/**
 * One fix builder per category. Typed as a full `Record<Category, …>`, so adding a category without a
 * fix does not compile.
 */
export const FIXES: Readonly<Record<Category, FixBuilder>> = {
  ...TOKEN_FIXES,
  ...STS_FIXES,
  ...IDENTITY_FIXES,
  ...OTHER_FIXES,
};

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
