import type { Category, Severity, SubCause } from './categories';

/**
 * How loud each category is. `critical`: nodes or everyone are locked out. `high`: a real person or
 * workload is locked out and needs a change. `medium`: a client-side credential problem the user fixes
 * themselves. `low`: noise anyone on the internet can produce (forged or garbage tokens). `info`: not
 * a problem.
 */
export const CATEGORY_SEVERITY: Readonly<Record<Category, Severity>> = {
  TOKEN_TOO_LARGE: 'low',
  TOKEN_NOT_AWS: 'low',
  TOKEN_DECODE_ERROR: 'low',
  TOKEN_BAD_SCHEME: 'low',
  TOKEN_STS_HOST_REJECTED: 'medium',
  TOKEN_BAD_PATH: 'low',
  TOKEN_BAD_QUERY: 'low',
  TOKEN_WRONG_ACTION: 'low',
  TOKEN_CLUSTER_ID_NOT_SIGNED: 'medium',
  TOKEN_BAD_EXPIRES: 'medium',
  TOKEN_MISSING_DATE: 'medium',
  TOKEN_BAD_DATE: 'low',
  TOKEN_EXPIRED: 'medium',
  TOKEN_REQUEST_BUILD_ERROR: 'low',
  STS_UNREACHABLE: 'high',
  STS_REJECTED_NO_BODY: 'medium',
  STS_INVALID_CLIENT_TOKEN: 'medium',
  STS_SIGNATURE_MISMATCH: 'medium',
  STS_EXPIRED_CREDENTIALS: 'medium',
  STS_THROTTLED: 'high',
  STS_SERVER_ERROR: 'high',
  STS_OTHER: 'medium',
  STS_BAD_RESPONSE: 'high',
  IDENTITY_NOT_MAPPED: 'high',
  IDENTITY_ARN_MISMATCH: 'high',
  MAPPER_LOOKUP_ERROR: 'high',
  TEMPLATE_SESSION_NOT_INSTANCE_ID: 'high',
  TEMPLATE_EC2_LOOKUP_FAILED: 'critical',
  TEMPLATE_DNS1123: 'high',
  USERNAME_RESERVED_PREFIX: 'high',
  UNKNOWN: 'medium',
  ACCESS_GRANTED: 'info',
  STS_RESPONSE: 'info',
  AWS_AUTH_PARSE_ERROR: 'critical',
  INFO: 'info',
};

/** IDENTITY_NOT_MAPPED's severity depends on why: a dropped aws-auth or node role locks out many. */
export const SUB_CAUSE_SEVERITY: Readonly<Record<SubCause, Severity>> = {
  NOT_IN_AWS_AUTH: 'high',
  NODE_ROLE_NOT_MAPPED: 'critical',
  ROLE_PATH_IN_AWS_AUTH: 'high',
  SSO_ROLE: 'high',
  ASSUMED_ROLE_ARN_IN_AWS_AUTH: 'high',
  AWS_AUTH_BROKEN: 'critical',
  MODE_API_IGNORES_AWS_AUTH: 'high',
  ACCESS_ENTRY_STALE_PRINCIPAL: 'high',
  // Anyone with an AWS account can reach this on a public endpoint; worth a look, not a page.
  FOREIGN_ACCOUNT: 'medium',
  CREATOR_LOST: 'critical',
  ACCESS_REMOVED_RECENTLY: 'critical',
};

// Maps rather than the records: looking a string up in an object of 35 keys measured as one of the
// costliest steps of classifying a successful authentication.
const BY_CATEGORY: ReadonlyMap<Category, Severity> = new Map(
  Object.entries(CATEGORY_SEVERITY) as [Category, Severity][],
);
const BY_SUB_CAUSE: ReadonlyMap<SubCause, Severity> = new Map(
  Object.entries(SUB_CAUSE_SEVERITY) as [SubCause, Severity][],
);

/** The severity of a finding: its sub-cause's when it has one. */
export function severityOf(category: Category, subCause: SubCause | undefined): Severity {
  return (subCause === undefined ? BY_CATEGORY.get(category) : BY_SUB_CAUSE.get(subCause)) ?? 'info';
}
