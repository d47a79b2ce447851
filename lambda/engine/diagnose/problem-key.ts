import type { Finding } from '../types';

/**
 * The identity of a problem, for deduplication and chat threads: the same cluster, category,
 * sub-cause and principal is the same problem however often it repeats.
 *
 * Token and STS errors often have no principal; their `client` port changes with every request, so
 * the error text stands in, with digits folded (ports, dates, request IDs) so that repeats of one
 * broken client collapse. A forged token with a new host each time still makes a new key: that is
 * what the per-cluster cap and its digest are for.
 */
export function problemKey(clusterName: string, finding: Finding): string {
  return `${clusterName}|${finding.category}|${finding.subCause ?? '-'}|${subjectOf(finding)}`;
}

function subjectOf(finding: Finding): string {
  // The authenticator logs one parse failure as a warning line and an error line: one broken aws-auth.
  if (finding.category === 'AWS_AUTH_PARSE_ERROR') return 'aws-auth';
  if (finding.principal) return finding.principal.arn.toLowerCase();
  return `error:${fingerprint(finding.error ?? finding.record.msg)}`;
}

/** FNV-1a (32 bit) of the text with digit runs folded: short, stable, not a security boundary. */
export function fingerprint(text: string): string {
  const folded = text.replace(/\d+/g, '#');
  let hash = 0x811c9dc5;
  for (let i = 0; i < folded.length; i++) {
    hash ^= folded.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
