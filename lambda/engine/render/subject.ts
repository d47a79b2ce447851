import type { Notification } from '../types';
import { describeNotification } from './content';
import { formatCount } from './format';

/** SNS: the subject "must be ASCII text … less than 100 characters" (Publish API reference). */
export const SUBJECT_MAX = 99;
/** A cluster or principal name longer than this is shortened at a `-`, `_` or `.` boundary. */
const NAME_MAX = 32;
const MORE = '...';

/**
 * The e-mail subject of a notification: who should look (severity), where (cluster) and what (the
 * problem in words), then who or what it is about, so that three different aws-auth breakages do not
 * share one subject. Printable ASCII only (log text can carry anything), at most {@link SUBJECT_MAX}
 * characters, shortened only between words, never inside an ARN, a name or a number.
 *
 * @example
 * alertSubject(unmappedRole) === 'EKS auth [HIGH] prod: IAM role is not mapped to a Kubernetes identity (role/developer)'
 */
export function alertSubject(n: Notification): string {
  const content = describeNotification(n);
  const tag = ascii(content.tag.replace(/^\[|\]$/g, ''));
  const cluster = fitName(ascii(n.cluster.clusterName ?? '') || 'unknown cluster', NAME_MAX);
  const head = `EKS auth [${tag}] ${cluster}: `;
  const about = aboutWhat(n);
  const what = ascii(subjectLine(n, content.headline));
  const tail = about ? ` (${fitName(about, NAME_MAX)})` : '';
  const room = SUBJECT_MAX - head.length - tail.length;
  return `${head}${fitWords(what, room)}${tail}`;
}

/** The problem in words: a follow-up says how often, a digest how many and from how many. */
function subjectLine(n: Notification, headline: string): string {
  if (n.kind === 'followup') return `x${formatCount(n.count)} ${n.fix?.title ?? headline}`;
  if (n.kind === 'digest') return headline.replace(/ on cluster .*$/, '');
  if (n.kind === 'selftest') return 'the alert pipeline works';
  return headline;
}

/**
 * What tells two problems of one category apart, short: the principal's name (with its account
 * when it is another one), or the YAML line aws-auth broke at.
 */
function aboutWhat(n: Notification): string | undefined {
  if (n.kind === 'digest')
    return n.distinctPrincipals === undefined ? undefined : `${formatCount(n.distinctPrincipals)} principals`;
  const finding = n.finding;
  if (!finding) return undefined;
  const line = finding.details.yamlLine;
  if (line !== undefined && /^\d{1,6}$/.test(line)) return `YAML line ${line}`;
  const principal = finding.principal;
  if (principal?.name) {
    const name = ascii(
      `${principal.type === 'user' ? 'user' : principal.type === 'role' ? 'role' : principal.type}/${principal.name}`,
    );
    const foreign =
      principal.accountId !== undefined &&
      n.cluster.accountId !== undefined &&
      principal.accountId !== n.cluster.accountId;
    return foreign ? `${principal.accountId} ${name}` : name;
  }
  return finding.subCause ? finding.subCause.toLowerCase().replaceAll('_', ' ') : undefined;
}

/** NFKD, then printable ASCII only, whitespace folded: SNS rejects anything else. */
function ascii(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whole words up to `max`, then `...`; the first word alone is shortened only when nothing else fits. */
function fitWords(text: string, max: number): string {
  if (text.length <= max) return text;
  // An aside in brackets goes first, whole: half of one leaves a bracket open.
  const plain = text.replace(/ \([^()]*\)$/, '');
  if (plain !== text) return fitWords(plain, max);
  const words = text.split(' ');
  let out = '';
  for (const word of words) {
    const next = out === '' ? word : `${out} ${word}`;
    if (next.length + MORE.length > max) break;
    out = next;
  }
  if (out === '') return fitName(text, max);
  return `${out.replace(/[,:;]$/, '')}${MORE}`;
}

/** A name cut back to its last `-`, `_`, `.` or `/` boundary within `max`, then `...`. */
function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const head = name.slice(0, max - MORE.length);
  const boundary = Math.max(
    head.lastIndexOf('-'),
    head.lastIndexOf('_'),
    head.lastIndexOf('.'),
    head.lastIndexOf('/'),
  );
  return `${boundary > 0 ? head.slice(0, boundary) : head}${MORE}`;
}
