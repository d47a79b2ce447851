import type { AuthenticatorRecord } from '../types';
import type { Category } from './categories';

/**
 * Category-specific facts quoted from the error text, for the fix and the message. Every value is
 * untrusted (the host, query key and date of a token error are whatever the client sent).
 */
type DetailExtractor = (error: string, record: AuthenticatorRecord) => Record<string, string>;

const ENDPOINT = /^ on ([\w-]+) endpoint/;

/**
 * STS error facts. Found with `indexOf` rather than regexes over the whole body: during an STS
 * incident every line of a storm carries a body.
 */
const stsDetails: DetailExtractor = (error) => {
  const details: Record<string, string> = {};
  const code = jsonStringValue(error, '"Code":"', 100);
  if (code !== undefined) details.stsCode = code;
  const message = jsonStringValue(error, '"Message":"', 500);
  if (message !== undefined) details.stsMessage = message;
  const status = error.indexOf('expected 200, got ');
  if (status !== -1) {
    details.httpStatus = error.slice(status + 18, status + 21);
    const closing = error.indexOf(')', status);
    const endpoint = ENDPOINT.exec(error.slice(closing + 1, closing + 80))?.[1];
    if (endpoint !== undefined) details.stsEndpoint = endpoint;
  }
  return details;
};

/** The value after `opening` up to the next quote, as AWS writes its JSON error bodies (no spaces). */
function jsonStringValue(text: string, opening: string, maxLength: number): string | undefined {
  const start = text.indexOf(opening);
  if (start === -1) return undefined;
  const end = text.indexOf('"', start + opening.length);
  if (end === -1 || end - start - opening.length > maxLength) return undefined;
  return text.slice(start + opening.length, end);
}

const mapperName: DetailExtractor = (error) => pick({ mapper: /mapper (\w+)/.exec(error)?.[1] });

const EXTRACTORS: Partial<Record<Category, DetailExtractor>> = {
  TOKEN_STS_HOST_REJECTED: (error) =>
    pick({
      host: /hostname "((?:[^"\\]|\\.)*)"/.exec(error)?.[1] ?? /too few labels: (\S+)/.exec(error)?.[1],
    }),
  TOKEN_BAD_SCHEME: (error) => pick({ scheme: /scheme "((?:[^"\\]|\\.)*)"/.exec(error)?.[1] }),
  TOKEN_BAD_QUERY: (error) =>
    pick({ parameter: /parameter (?:found: )?"((?:[^"\\]|\\.)*)"/.exec(error)?.[1] }),
  TOKEN_BAD_EXPIRES: (error) => pick({ expires: /pre-signed URL: (-?\d+)/.exec(error)?.[1] }),
  TOKEN_EXPIRED: (error) => pick({ signedAt: after(error, 'expiration) ') }),
  STS_UNREACHABLE: stsDetails,
  STS_REJECTED_NO_BODY: stsDetails,
  STS_INVALID_CLIENT_TOKEN: stsDetails,
  STS_SIGNATURE_MISMATCH: stsDetails,
  STS_EXPIRED_CREDENTIALS: stsDetails,
  STS_THROTTLED: stsDetails,
  STS_SERVER_ERROR: stsDetails,
  STS_OTHER: stsDetails,
  IDENTITY_ARN_MISMATCH: mapperName,
  MAPPER_LOOKUP_ERROR: mapperName,
  TEMPLATE_SESSION_NOT_INSTANCE_ID: (error) =>
    pick({ mapper: /mapper (\w+)/.exec(error)?.[1], template: /template "([^"]*)"/.exec(error)?.[1] }),
  TEMPLATE_EC2_LOOKUP_FAILED: (error) =>
    pick({
      mapper: /mapper (\w+)/.exec(error)?.[1],
      instanceId: /\b(i-[0-9a-f]{8,17})\b/.exec(error)?.[1],
      ec2Error: /(UnauthorizedOperation|InvalidInstanceID\.NotFound|RequestLimitExceeded|Throttling)/.exec(
        error,
      )?.[1],
    }),
  USERNAME_RESERVED_PREFIX: (error) =>
    pick({
      username: /^invalid username '(.*)' for mapper/.exec(error)?.[1],
      mapper: /for mapper (\w+)/.exec(error)?.[1],
    }),
  // The parse error is in `msg` itself (`Errors parsing configmap: %+v`); YAML errors name a line.
  AWS_AUTH_PARSE_ERROR: (_error, record) => {
    const text = record.fields.error ?? record.msg;
    return pick({ yamlError: text, yamlLine: /line (\d+)/.exec(text)?.[1] });
  },
};

// A Map: a string key looked up in an object of this size is a slow, megamorphic load.
const EXTRACTOR_BY_CATEGORY: ReadonlyMap<string, DetailExtractor> = new Map(Object.entries(EXTRACTORS));

export function detailsOf(category: Category, record: AuthenticatorRecord): Readonly<Record<string, string>> {
  const extract = EXTRACTOR_BY_CATEGORY.get(category);
  return extract ? extract(record.fields.error ?? '', record) : NO_DETAILS;
}

const NO_DETAILS: Readonly<Record<string, string>> = Object.freeze({});

/** The rest of `text` after the first `marker`. */
function after(text: string, marker: string): string | undefined {
  const at = text.indexOf(marker);
  return at === -1 ? undefined : text.slice(at + marker.length);
}

function pick(values: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in values) if (values[key] !== undefined) out[key] = values[key];
  return out;
}
