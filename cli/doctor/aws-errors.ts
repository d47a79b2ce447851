import { stripControl } from '../../lambda/engine/render';

/** What went wrong with an AWS call, in the terms the report needs. */
export type AwsProblemKind =
  | 'access-denied'
  | 'sso-expired'
  | 'no-credentials'
  | 'expired-credentials'
  | 'invalid-credentials'
  | 'not-found'
  | 'unreachable'
  | 'throttled'
  | 'other';

export interface AwsProblem {
  readonly kind: AwsProblemKind;
  /** The AWS error code or the SDK's error name (`AccessDeniedException`, `CredentialsProviderError` …). */
  readonly code: string;
  /** AWS's message, one line, control characters removed, shortened. */
  readonly message: string;
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const INVALID = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch']);
const NOT_FOUND = new Set(['ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException']);
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);

/**
 * Sorts an error thrown by an AWS SDK call (or its credential chain) into what the report says about
 * it. Never throws; anything unrecognised is `other`, with its message.
 *
 * @example
 * awsProblemOf(new Error('connect ECONNREFUSED 127.0.0.1:443')).kind; // 'unreachable'
 */
export function awsProblemOf(error: unknown): AwsProblem {
  const err = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const name = typeof err.name === 'string' ? err.name : 'Error';
  const code = typeof err.code === 'string' ? err.code : name;
  const raw = typeof err.message === 'string' ? err.message : String(error);
  const message = shorten(stripControl(raw, 'space'));
  const kind = kindOf(name, code, raw);
  return { kind, code: kind === 'unreachable' && code !== name ? code : name, message };
}

function kindOf(name: string, code: string, message: string): AwsProblemKind {
  if (ACCESS_DENIED.has(name) || /is not authorized to perform/.test(message)) return 'access-denied';
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return /\bsso\b|aws sso login/i.test(message) ? 'sso-expired' : 'no-credentials';
  }
  if (EXPIRED.has(name)) return 'expired-credentials';
  if (INVALID.has(name)) return 'invalid-credentials';
  if (NOT_FOUND.has(name)) return 'not-found';
  if (THROTTLED.has(name)) return 'throttled';
  if (
    UNREACHABLE.has(code) ||
    name === 'TimeoutError' ||
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket hang up/.test(message)
  )
    return 'unreachable';
  return 'other';
}

function shorten(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The line a check prints when its AWS call failed: what failed and what fixes it, e.g.
 * "AccessDeniedException: needs eks:DescribeCluster".
 */
export function problemDetail(problem: AwsProblem, permission: string): string {
  switch (problem.kind) {
    case 'access-denied':
      return `${problem.code}: this check needs ${permission} (read-only)`;
    case 'sso-expired':
      return 'the IAM Identity Center (SSO) session has expired';
    case 'no-credentials':
      return 'no AWS credentials found';
    case 'expired-credentials':
      return `${problem.code}: the AWS credentials have expired`;
    case 'invalid-credentials':
      return `${problem.code}: AWS does not recognise the credentials`;
    case 'unreachable':
      return `cannot reach the AWS endpoint (${problem.code})`;
    case 'throttled':
      return `${problem.code}: AWS throttled the call; run again in a minute`;
    default:
      return `${problem.code}: ${problem.message}`;
  }
}
