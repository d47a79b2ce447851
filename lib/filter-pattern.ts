import { FilterPattern, type IFilterPattern } from 'aws-cdk-lib/aws-logs';
import { AWS_AUTH_PARSE_MESSAGES, DENIAL_MESSAGE } from '../lambda/contract/authenticator-messages';

/**
 * The authenticator lines worth a Lambda invocation: every `access denied`, and the three wordings of an
 * aws-auth ConfigMap parse error (which silently drops mappings and precedes a flood of denials).
 *
 * Everything else — above all the `access granted` and `STS response` line of every successful kubectl
 * call — stays out, so a quiet cluster costs next to nothing. Filter terms are case-sensitive; these are
 * the authenticator's own spellings.
 */
export const AUTHENTICATOR_FILTER_TERMS: readonly string[] = [
  DENIAL_MESSAGE,
  ...AWS_AUTH_PARSE_MESSAGES.map((message) => message.filterTerm),
];

export function authenticatorFilterPattern(): IFilterPattern {
  return FilterPattern.anyTerm(...AUTHENTICATOR_FILTER_TERMS);
}
