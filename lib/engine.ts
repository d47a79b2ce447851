/**
 * `eks-auth-doctor/engine`: the engine the CLI and the Lambda run, for programmatic use. Pure functions:
 * no AWS SDK, no file system, no terminal; they take text and return data.
 *
 * @example
 * import { createLineDiagnoser, isDenialCategory, remediate } from 'eks-auth-doctor/engine';
 *
 * const context = { cluster: { clusterName: 'prod-eks', region: 'eu-west-1', accountId: '111122223333' } };
 * const diagnose = createLineDiagnoser(context);
 * for (const line of lines) {
 *   const finding = diagnose(line); // parse, join the STS response lines, classify
 *   if (finding && isDenialCategory(finding.category)) console.log(remediate(finding, context).steps);
 * }
 */
export {
  AUTHENTICATION_MODES,
  type AuthenticationMode,
  CATEGORIES,
  type Category,
  DENIAL_CATEGORIES,
  type DenialCategory,
  isAlertable,
  isDenialCategory,
  SEVERITIES,
  type Severity,
  SUB_CAUSES,
  type SubCause,
} from '../lambda/engine/categories';
export { categoryOf, classify } from '../lambda/engine/classify/classify';
export { alertOf } from '../lambda/engine/diagnose/alert';
export { createLineDiagnoser, type LineDiagnoser } from '../lambda/engine/diagnose/diagnose-lines';
export { parseLine } from '../lambda/engine/parse/parse';
export { remediate } from '../lambda/engine/remediate';
export { renderChatbot, renderSlack, renderText } from '../lambda/engine/render';
export type * from '../lambda/engine/types';
