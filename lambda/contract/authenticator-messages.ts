/**
 * The authenticator's own wording of the lines the pipeline acts on. The classifier recognises them and
 * the stack's subscription filter lets exactly these through, so both read them from here: a wording
 * added to one side only would be classified but never delivered, or delivered but never recognised.
 */

/** The `msg` of every request denial. Also the filter term for them. */
export const DENIAL_MESSAGE = 'access denied';

/** A line the authenticator writes about its configuration, not about a request. */
export interface ConfigurationMessage {
  /** How the message starts, as the authenticator spells it. */
  readonly startsWith: string;
  /**
   * The case-sensitive subscription-filter term that passes the line: from the first word that is lower
   * case in every release on, so a capitalisation change of the first word cannot hide it.
   */
  readonly filterTerm: string;
}

/** The three wordings of an aws-auth ConfigMap parse error (reference §3): one drops every mapping. */
export const AWS_AUTH_PARSE_MESSAGES: readonly ConfigurationMessage[] = [
  { startsWith: 'Errors parsing configmap', filterTerm: 'parsing configmap' },
  { startsWith: 'There was an error parsing the config maps', filterTerm: 'parsing the config maps' },
  { startsWith: 'error parsing config map', filterTerm: 'parsing config map' },
];
