import { Literal } from '../parse/text-at';
import type { DenialCategory } from './categories';

/**
 * How an `access denied` line's `error=` text maps to a category: an ordered table, first match wins.
 *
 * The authenticator wraps each family of errors in a fixed prefix, and a family is decided by that
 * prefix before any rule runs. This matters for safety, not only speed: token errors echo text chosen
 * by anonymous clients (a forged host can read `…ExpiredToken…`), so a token error is only ever
 * compared with token rules, and those are anchored at the start of the message, where the
 * authenticator's own words stand.
 */
export interface DenialRule {
  readonly category: DenialCategory;
  /** Lower-case phrases the message starts with (compared anywhere when the prefix was lost). */
  readonly startsWith?: readonly string[];
  /** Lower-case phrases the message contains; used only where the text is not client-controlled. */
  readonly contains?: readonly string[];
  /** AWS error codes (`"Code":"…"` of an STS error body), as AWS spells them, that mean this category. */
  readonly stsCodes?: readonly string[];
  readonly pattern?: RegExp;
}

export interface DenialFamily {
  readonly name: 'token' | 'sts' | 'mapping';
  /** Lower-case prefixes that put an error in this family; stripped before the rules run. */
  readonly prefixes: readonly string[];
  readonly rules: readonly DenialRule[];
  /** When no rule matches an error of this family. */
  readonly fallback: DenialCategory;
}

export const TOKEN_FAMILY: DenialFamily = {
  name: 'token',
  prefixes: ['input token was not properly formatted: '],
  rules: [
    { category: 'TOKEN_TOO_LARGE', startsWith: ['token is too large'] },
    { category: 'TOKEN_NOT_AWS', startsWith: ['token is missing expected "k8s-aws-v1." prefix'] },
    { category: 'TOKEN_BAD_SCHEME', startsWith: ['unexpected scheme '] },
    {
      category: 'TOKEN_STS_HOST_REJECTED',
      startsWith: [
        'unexpected hostname',
        'could not parse region for pre-signed url',
        'invalid region identifier format provided',
        'global endpoint unsupported in partition',
        'partition {',
        'invalid host format',
      ],
    },
    { category: 'TOKEN_BAD_PATH', startsWith: ['unexpected path in pre-signed url'] },
    {
      category: 'TOKEN_BAD_QUERY',
      startsWith: [
        'malformed query parameter',
        'duplicate query parameter found',
        'non-whitelisted query parameter',
        'query parameter with multiple values not supported',
      ],
    },
    { category: 'TOKEN_WRONG_ACTION', startsWith: ['unexpected action parameter in pre-signed url'] },
    { category: 'TOKEN_CLUSTER_ID_NOT_SIGNED', startsWith: ['client did not sign the x-k8s-aws-id header'] },
    { category: 'TOKEN_BAD_EXPIRES', startsWith: ['invalid x-amz-expires parameter'] },
    { category: 'TOKEN_MISSING_DATE', startsWith: ['x-amz-date parameter must be present'] },
    { category: 'TOKEN_BAD_DATE', startsWith: ['error parsing x-amz-date parameter'] },
    { category: 'TOKEN_EXPIRED', startsWith: ['x-amz-date parameter is expired'] },
    { category: 'TOKEN_REQUEST_BUILD_ERROR', startsWith: ['error creating http request'] },
  ],
  // base64 and url.Parse errors are passed through unchanged, so they have no phrase of their own.
  fallback: 'TOKEN_DECODE_ERROR',
};

/**
 * STS bodies come from AWS itself (the host passed the STS host check), so `contains` is safe here.
 * The body's error code decides first: it is read once instead of searching the body per rule.
 */
export const STS_FAMILY: DenialFamily = {
  name: 'sts',
  prefixes: ['sts getcalleridentity failed: ', 'sts getcalleridentity was throttled: '],
  rules: [
    { category: 'STS_THROTTLED', stsCodes: ['Throttling'], contains: ['rate exceeded'] },
    { category: 'STS_INVALID_CLIENT_TOKEN', stsCodes: ['InvalidClientTokenId'] },
    { category: 'STS_SIGNATURE_MISMATCH', stsCodes: ['SignatureDoesNotMatch'] },
    { category: 'STS_EXPIRED_CREDENTIALS', stsCodes: ['ExpiredToken'] },
    { category: 'STS_SERVER_ERROR', pattern: /error from aws \(expected 200, got 5\d\d\)/ },
    {
      category: 'STS_REJECTED_NO_BODY',
      pattern: /error from aws \(expected 200, got \d+\)(?: on [\w-]+ endpoint)?\.?$/,
    },
    { category: 'STS_OTHER', startsWith: ['error from aws'] },
    { category: 'STS_UNREACHABLE', startsWith: ['error during get', 'error reading http result'] },
    {
      category: 'STS_BAD_RESPONSE',
      contains: [
        'invalid character',
        'cannot unmarshal',
        'unexpected end of json input',
        "' is invalid",
        'does not have a recognized partition',
        'does not have a role',
        'unrecognized resource',
        'is not a valid service for identities',
        'malformed userid',
      ],
    },
  ],
  fallback: 'STS_OTHER',
};

/** Mapping errors carry no prefix; the caller is a real AWS principal, the text is the authenticator's. */
export const MAPPING_FAMILY: DenialFamily = {
  name: 'mapping',
  prefixes: [],
  rules: [
    // First: the username is rendered from the caller's session name and could echo other phrases.
    { category: 'USERNAME_RESERVED_PREFIX', startsWith: ["invalid username '"] },
    { category: 'IDENTITY_NOT_MAPPED', startsWith: ['arn is not mapped', 'identity is not mapped'] },
    { category: 'IDENTITY_ARN_MISMATCH', contains: ['arn does not match user id'] },
    {
      category: 'TEMPLATE_SESSION_NOT_INSTANCE_ID',
      contains: ['sessionname did not contain an instance id'],
    },
    {
      category: 'TEMPLATE_EC2_LOOKUP_FAILED',
      contains: ['failed querying private dns', 'failed to find node'],
    },
    { category: 'TEMPLATE_DNS1123', contains: ['not a dns-1123'] },
    { category: 'MAPPER_LOOKUP_ERROR', startsWith: ['mapper ', '[mapper '] },
  ],
  fallback: 'UNKNOWN',
};

/** The STS throttling prefix says it all, whatever the body (v0.6.28+ logs the raw body only). */
const THROTTLED_PREFIX = 'sts getcalleridentity was throttled: ';

/**
 * Classifies an `error=` text. The authenticator writes its prefixes in one spelling, so the common
 * cases are recognised on the text as it is: a token error by its first words, an STS error by the
 * error code of its body. Everything else (odd casing, errors that lost their prefix in a hand-edited
 * excerpt) goes through the case-insensitive table, mapping family first, phrases compared anywhere.
 */
export function categorizeDenial(error: string): DenialCategory {
  if (TOKEN_PREFIX.isAt(error, 0)) {
    const head = error.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + TOKEN_PHRASE_MAX).toLowerCase();
    const candidates = TOKEN_RULES_BY_FIRST_CHAR.get(head.charCodeAt(0)) ?? NO_RULES;
    return firstMatch(candidates, head, 0, undefined) ?? TOKEN_FAMILY.fallback;
  }
  if (STS_PREFIX.isAt(error, 0)) {
    const byCode = stsCategoryAsWritten(error);
    if (byCode !== undefined) return byCode;
  }
  for (const phrase of NOT_MAPPED_AS_WRITTEN) if (phrase.isAt(error, 0)) return 'IDENTITY_NOT_MAPPED';
  return categorizeCaseInsensitively(error.toLowerCase());
}

/** Every version's spelling of the not-mapped error (reference §3), the commonest mapping failure. */
const NOT_MAPPED_AS_WRITTEN = ['identity is not mapped', 'Identity is not mapped', 'ARN is not mapped'].map(
  (phrase) => new Literal(phrase),
);

/** The category of an STS error body's code, compared where it stands as AWS spells it. */
function stsCategoryAsWritten(error: string): DenialCategory | undefined {
  const at = error.indexOf(CODE_OPENING);
  if (at === -1) return undefined;
  const start = at + CODE_OPENING.length;
  for (const { code, category } of STS_CODES_AS_WRITTEN) {
    if (error.charCodeAt(start + code.length) === QUOTE && code.isAt(error, start)) return category;
  }
  return undefined;
}

const CODE_OPENING = '"Code":"';
const QUOTE = 34;
const STS_CODES_AS_WRITTEN = STS_FAMILY.rules.flatMap((rule) =>
  (rule.stsCodes ?? []).map((code) => ({ code: new Literal(code), category: rule.category })),
);

function categorizeCaseInsensitively(lower: string): DenialCategory {
  if (lower.startsWith(THROTTLED_PREFIX)) return 'STS_THROTTLED';
  const code = stsErrorCode(lower);
  for (const family of [TOKEN_FAMILY, STS_FAMILY]) {
    for (const prefix of family.prefixes) {
      if (lower.startsWith(prefix))
        return firstMatch(family.rules, lower, prefix.length, code) ?? family.fallback;
    }
  }
  const mapped = firstMatch(MAPPING_FAMILY.rules, lower, 0, undefined);
  if (mapped) return mapped;
  for (const family of UNPREFIXED_ORDER) {
    const loose = firstMatch(family.rules, lower, LOOSE, code);
    if (loose) return loose;
  }
  return 'UNKNOWN';
}

/** The prefixes as the authenticator spells them. */
const TOKEN_PREFIX = new Literal('input token was not properly formatted: ');
const STS_PREFIX = new Literal('sts getCallerIdentity ');
/** Longer than any token phrase: all a token rule ever reads. */
const TOKEN_PHRASE_MAX = 64;

/** What an STS error code means, from the STS rules that name codes. */
const STS_CATEGORY_BY_CODE: ReadonlyMap<string, DenialCategory> = new Map(
  STS_FAMILY.rules.flatMap((rule) =>
    (rule.stsCodes ?? []).map((code) => [code.toLowerCase(), rule.category] as const),
  ),
);
const NO_RULES: readonly DenialRule[] = [];

/** The token rules grouped by the first character of their phrases, in table order. */
const TOKEN_RULES_BY_FIRST_CHAR: ReadonlyMap<number, readonly DenialRule[]> = (() => {
  const index = new Map<number, DenialRule[]>();
  for (const rule of TOKEN_FAMILY.rules) {
    for (const first of new Set((rule.startsWith ?? []).map((phrase) => phrase.charCodeAt(0)))) {
      index.set(first, [...(index.get(first) ?? []), rule]);
    }
  }
  return index;
})();

/** The AWS error code of an STS error body (`"Code":"InvalidClientTokenId"`), as written; read once. */
function stsErrorCode(text: string): string | undefined {
  let at = text.indexOf('"Code":"');
  if (at === -1) at = text.indexOf('"code":"');
  if (at === -1) return undefined;
  const end = text.indexOf('"', at + 8);
  return end === -1 ? undefined : text.slice(at + 8, end);
}

const UNPREFIXED_ORDER = [MAPPING_FAMILY, STS_FAMILY, TOKEN_FAMILY];
/** `start` value meaning: compare `startsWith` phrases anywhere, not at a position. */
const LOOSE = -1;

/** The first rule matching `text` from `start` (the family prefix's end), or anywhere when LOOSE. */
function firstMatch(
  rules: readonly DenialRule[],
  text: string,
  start: number,
  stsCode: string | undefined,
): DenialCategory | undefined {
  for (const rule of rules) {
    if (matches(rule, text, start, stsCode)) return rule.category;
  }
  return undefined;
}

function matches(rule: DenialRule, text: string, start: number, stsCode: string | undefined): boolean {
  if (stsCode !== undefined && STS_CATEGORY_BY_CODE.get(stsCode) === rule.category) return true;
  for (const phrase of rule.startsWith ?? NONE) {
    if (start === LOOSE ? text.includes(phrase) : text.startsWith(phrase, start)) return true;
  }
  for (const phrase of rule.contains ?? NONE) {
    if (text.includes(phrase, Math.max(start, 0))) return true;
  }
  if (rule.pattern === undefined) return false;
  return rule.pattern.test(start > 0 ? text.slice(start) : text);
}

const NONE: readonly string[] = [];
