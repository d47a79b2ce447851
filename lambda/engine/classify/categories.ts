/**
 * The category and sub-cause IDs. These strings are the project's public contract: they appear in CLI
 * output, metric dimensions, SNS message attributes and alerts. Add, never rename.
 */

/** Why an `access denied` line was logged. */
export const DENIAL_CATEGORIES = [
  'TOKEN_TOO_LARGE',
  'TOKEN_NOT_AWS',
  'TOKEN_DECODE_ERROR',
  'TOKEN_BAD_SCHEME',
  'TOKEN_STS_HOST_REJECTED',
  'TOKEN_BAD_PATH',
  'TOKEN_BAD_QUERY',
  'TOKEN_WRONG_ACTION',
  'TOKEN_CLUSTER_ID_NOT_SIGNED',
  'TOKEN_BAD_EXPIRES',
  'TOKEN_MISSING_DATE',
  'TOKEN_BAD_DATE',
  'TOKEN_EXPIRED',
  'TOKEN_REQUEST_BUILD_ERROR',
  'STS_UNREACHABLE',
  'STS_REJECTED_NO_BODY',
  'STS_INVALID_CLIENT_TOKEN',
  'STS_SIGNATURE_MISMATCH',
  'STS_EXPIRED_CREDENTIALS',
  'STS_THROTTLED',
  'STS_SERVER_ERROR',
  'STS_OTHER',
  'STS_BAD_RESPONSE',
  'IDENTITY_NOT_MAPPED',
  'IDENTITY_ARN_MISMATCH',
  'MAPPER_LOOKUP_ERROR',
  'TEMPLATE_SESSION_NOT_INSTANCE_ID',
  'TEMPLATE_EC2_LOOKUP_FAILED',
  'TEMPLATE_DNS1123',
  'USERNAME_RESERVED_PREFIX',
  'UNKNOWN',
] as const;

/** Authenticator records that are not denials. */
export const OTHER_CATEGORIES = ['ACCESS_GRANTED', 'STS_RESPONSE', 'AWS_AUTH_PARSE_ERROR', 'INFO'] as const;

export type DenialCategory = (typeof DENIAL_CATEGORIES)[number];
export type OtherCategory = (typeof OTHER_CATEGORIES)[number];
export type Category = DenialCategory | OtherCategory;

export const CATEGORIES: readonly Category[] = [...DENIAL_CATEGORIES, ...OTHER_CATEGORIES];

/** Why an IAM principal that passed STS was still not mapped to a Kubernetes identity. */
export const SUB_CAUSES = [
  /** CONFIG_MAP-era: the principal is simply not in mapRoles/mapUsers. */
  'NOT_IN_AWS_AUTH',
  /** A node's instance role (session `i-…`) has no mapping or EC2 access entry. */
  'NODE_ROLE_NOT_MAPPED',
  /** aws-auth lists the role with its IAM path; the authenticator compares without it. */
  'ROLE_PATH_IN_AWS_AUTH',
  /** An IAM Identity Center (SSO) role: aws-auth needs it without the `aws-reserved/sso…` path. */
  'SSO_ROLE',
  /** aws-auth lists an `sts::…:assumed-role/…` ARN instead of the IAM role ARN. */
  'ASSUMED_ROLE_ARN_IN_AWS_AUTH',
  /** aws-auth failed to parse recently, so every mapping in the broken block was dropped. */
  'AWS_AUTH_BROKEN',
  /** The cluster is in `API` mode: aws-auth is ignored, only access entries count. */
  'MODE_API_IGNORES_AWS_AUTH',
  /** An access entry exists but the principal still fails: it was deleted and recreated. */
  'ACCESS_ENTRY_STALE_PRINCIPAL',
  /** The principal belongs to another AWS account than the cluster. */
  'FOREIGN_ACCOUNT',
  /** The cluster creator (implicitly mapped) is the one denied. */
  'CREATOR_LOST',
  /** The same principal was granted access recently: a mapping or access entry was just removed. */
  'ACCESS_REMOVED_RECENTLY',
] as const;

export type SubCause = (typeof SUB_CAUSES)[number];

/** How loud an alert should be. `critical` means nodes or everyone are locked out. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isDenialCategory(category: Category): category is DenialCategory {
  return (DENIAL_CATEGORIES as readonly string[]).includes(category);
}

/** Worth telling people about: every denial, and an aws-auth parse error (it drops every mapping). */
export function isAlertable(category: Category): boolean {
  return category === 'AWS_AUTH_PARSE_ERROR' || isDenialCategory(category);
}

/** The EKS cluster authentication modes (`accessConfig.authenticationMode`). */
export const AUTHENTICATION_MODES = ['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'API'] as const;
export type AuthenticationMode = (typeof AUTHENTICATION_MODES)[number];
