import { CATEGORY_ENTRIES, type TrustClass } from '../categories';
import type { Finding } from '../types';

/**
 * The identity of a problem, for deduplication and chat threads: the same cluster, category,
 * sub-cause and principal is the same problem however often it repeats.
 *
 * A key never holds request-specific text: whatever the client sent (a forged host, a query value,
 * a token fragment) and whatever changes per request (STS RequestIds, ports, dates) stays out, so an
 * attacker cannot mint a new problem per line. Problems without an authenticated principal are keyed
 * by their category alone: for a probe the category *is* the error's shape (its family prefix and
 * wording decided it), and `errorShape` describes the echoed rest for the message, never for the key.
 *
 * A function of the cluster, category, sub-cause and principal ARN alone: the CLI's ProblemBook
 * remembers keys by those (tested there against this function).
 *
 * @example
 * problemKey('prod', invalidClientTokenFinding) // 'prod|STS_INVALID_CLIENT_TOKEN|-|probe'
 * problemKey('prod', notMappedFinding) // 'prod|IDENTITY_NOT_MAPPED|PLAINLY_NOT_MAPPED|arn:aws:iam::1…:role/dev'
 */
export function problemKey(clusterName: string, finding: Finding): string {
  return `${clusterName}|${finding.category}|${finding.subCause ?? '-'}|${subjectOf(finding)}`;
}

function subjectOf(finding: Finding): string {
  // The authenticator logs one parse failure as a warning line and an error line: one broken aws-auth.
  if (finding.category === 'AWS_AUTH_PARSE_ERROR') return 'aws-auth';
  const trust = trustOf(finding);
  if (trust === 'breakage') return 'breakage';
  if (trust === 'probe' || !finding.principal) return 'probe';
  return finding.principal.arn.toLowerCase();
}

/**
 * Who can cause this finding (its category's `trust`), with one refinement from the line: an
 * identity finding without an authenticated principal is a probe, since nothing proves who sent it.
 */
export function trustOf(finding: Finding): TrustClass {
  const trust = CATEGORY_ENTRIES.get(finding.category)?.trust ?? 'probe';
  return trust === 'identity' && !finding.principal ? 'probe' : trust;
}

/** The request-specific runs of an error text, each with what stands in for it in its shape. */
const NOISE: readonly (readonly [RegExp, string])[] = [
  [/[a-z][a-z0-9+.-]*:\/\/\S*/gi, '<url>'],
  [/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '"…"'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b\d{4}-?\d{2}-?\d{2}(?:[t ]\d{2}:?\d{2}(?::?\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?\b/gi, '<time>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\[[0-9a-f:]+\](?::\d+)?/gi, '<addr>'],
  [/\b[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?\b/gi, '<host>'],
  [/=[^\s&;,)]*/g, '=…'],
  [/(?=[a-z_-]*[0-9+/])[a-z0-9+/_-]{12,}={0,2}/gi, '<token>'],
  [/\d+/g, '#'],
];

/** What an error's shape keeps, at most: enough to tell shapes apart in a message. */
const SHAPE_MAX = 160;

/**
 * The shape of an error text: its wording with every request-specific run folded (URLs, quoted
 * values, IDs, times, addresses, hostnames, `key=value` values, long token-like runs, digits), cut to
 * a readable length. Two denials that differ only in such noise have the same shape. Still untrusted
 * text (the wording around the runs is the client's too, for some errors): escape it for every sink.
 *
 * @example
 * errorShape('InvalidClientTokenId … "RequestId":"4f2c…"') // 'InvalidClientTokenId … "…":"…"'
 */
export function errorShape(text: string): string {
  let shape = text.slice(0, 4 * SHAPE_MAX);
  for (const [pattern, stand] of NOISE) shape = shape.replace(pattern, stand);
  shape = shape.replace(/\s+/g, ' ').trim();
  return shape.length > SHAPE_MAX ? `${shape.slice(0, SHAPE_MAX)}…` : shape;
}
