import { FilterPattern, type IFilterPattern } from 'aws-cdk-lib/aws-logs';
import { AUTHENTICATOR_FILTER_TERMS } from '../lambda/contract/authenticator-messages';

/**
 * The authenticator lines worth a Lambda invocation: every `access denied`, and the cluster-wide
 * breakages that explain the denials after them (reference §3, §3.1): an aws-auth parse error or
 * deletion, an access-entry file that does not parse, a run-time switch of the authentication mode, the
 * server stopping (any fatal or panic line, and its start-up errors), and EC2 batch failures (joined to
 * the node denials they explain).
 *
 * Everything else — above all the `access granted` and `STS response` line of every successful kubectl
 * call — stays out, so a quiet cluster costs next to nothing. Filter terms are case-sensitive; these are
 * the authenticator's own spellings. A subscription filter pattern holds at most 1024 characters
 * (`filterPattern`, https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_SubscriptionFilter.html);
 * the test holds the pattern under it.
 */
export { AUTHENTICATOR_FILTER_TERMS };

/** The most a subscription filter pattern may hold (PutSubscriptionFilter `filterPattern`). */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

export function authenticatorFilterPattern(): IFilterPattern {
  return FilterPattern.anyTerm(...AUTHENTICATOR_FILTER_TERMS);
}
