import type { Severity } from '../categories';
import { SELFTEST_MARKER } from '../diagnose/selftest';
import type { FixStep, Notification, PrincipalCount } from '../types';
import { formatCount, formatTime } from './format';

/**
 * What a notification says, worded once for every sink, before any escaping. Every string here is
 * raw and may hold log text: each renderer escapes for its own sink and adds its own markup, so the
 * wording in this module uses no markup characters at all.
 */
export interface MessageContent {
  /** Severity or kind at a glance (trusted). */
  readonly emoji: string;
  /** `[HIGH]`-style tag for sinks without emoji (trusted). */
  readonly tag: string;
  /** One line: the fix title, or the kind's own title. */
  readonly headline: string;
  /** The main sentence of a follow-up, digest or self-test. */
  readonly lead?: string;
  /** The fix's cause sentence. */
  readonly cause?: string;
  /** The authenticator's `error=` text, as logged. */
  readonly error?: string;
  /** Category-specific facts from the line. */
  readonly details: readonly (readonly [string, string])[];
  readonly steps: readonly FixStep[];
  /** A follow-up repeats the fix briefly: step texts only. */
  readonly briefSteps: boolean;
  readonly warnings: readonly string[];
  /** The warnings only optional steps need: a sink that leaves those steps out leaves these out too. */
  readonly optionalWarnings: readonly string[];
  readonly notes: readonly string[];
  /** Label (trusted) and value (raw), at most ten: Slack's context-block limit. */
  readonly facts: readonly Fact[];
  /** A digest's most denied principals and what they suggest; absent when the digest knows none. */
  readonly whom?: DigestWhom;
  /** A short plain line for notification previews and e-mail subjects. */
  readonly fallback: string;
}

/** Whom a digest is about: the principals it names, how many it only counts, what they suggest. */
export interface DigestWhom {
  /** Most denied first; ARNs raw and untrusted (a sink with code spans shows each as code). */
  readonly top: readonly PrincipalCount[];
  /** Principals of the digest not named. */
  readonly more: number;
  /** "This looks like an outage: …" or "… a probe: …" (our words); empty when the account is unknown. */
  readonly verdict: string;
}

export interface Fact {
  readonly label: string;
  readonly value: string;
  /** Shown as code (ARNs, IDs), so that a reader copies it exactly. */
  readonly code?: boolean;
}

const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  critical: '🚨',
  high: '🔴',
  medium: '🟠',
  low: '🟡',
  info: '🔵',
};
/** Digest lines beyond this are summed up as "… and N more". */
const TOP_CATEGORIES_SHOWN = 5;
const MAX_DETAILS = 10;

/**
 * The content of each notification, worded once: the subject, the e-mail, Chatbot and Slack all
 * start from it. A notification is immutable, and the content depends on nothing else.
 */
const WORDED = new WeakMap<Notification, MessageContent>();

/** Words the notification for people; the renderers only escape and lay it out. */
export function describeNotification(n: Notification): MessageContent {
  let content = WORDED.get(n);
  if (content === undefined) {
    content = wordingOf(n);
    WORDED.set(n, content);
  }
  return content;
}

function wordingOf(n: Notification): MessageContent {
  switch (n.kind) {
    case 'alert':
      return describeAlert(n);
    case 'followup':
      return describeFollowup(n);
    case 'digest':
      return describeDigest(n);
    case 'selftest':
      return describeSelftest(n);
    default:
      return describeAlert(n);
  }
}

function describeAlert(n: Notification): MessageContent {
  const severity = n.finding?.severity;
  const headline = problemTitle(n);
  return {
    emoji: severity ? SEVERITY_EMOJI[severity] : '🔴',
    tag: `[${(severity ?? 'alert').toUpperCase()}]`,
    headline,
    cause: nonBlank(n.fix?.summary),
    error: nonBlank(n.finding?.error),
    details: detailsOf(n),
    steps: n.fix?.steps ?? [],
    briefSteps: false,
    warnings: n.fix?.warnings ?? [],
    optionalWarnings: n.fix?.optionalWarnings ?? [],
    notes: n.notes,
    facts: problemFacts(n),
    fallback: n.fix?.summary ? `${headline}: ${n.fix.summary}` : headline,
  };
}

function describeFollowup(n: Notification): MessageContent {
  const { first: since, last } = seenTimes(n);
  const times = `×${formatCount(n.count)}`;
  const headline = `${times}${since ? ` since ${since}` : ''}: ${problemTitle(n)}`;
  const lead = `The same problem happened ${formatCount(n.count)} more ${n.count === 1 ? 'time' : 'times'}${
    since ? ` since ${since}` : ''
  }${last ? `, last at ${last}` : ''}.${n.fix ? ' The fix is repeated below.' : ''}`;
  return {
    emoji: '🔁',
    tag: `[REPEAT ${(n.finding?.severity ?? 'alert').toUpperCase()}]`,
    headline,
    lead,
    cause: nonBlank(n.fix?.summary),
    details: [],
    steps: n.fix?.steps ?? [],
    // The commands too: an on-call engineer who missed the first alert must not have to find it.
    briefSteps: false,
    warnings: [],
    optionalWarnings: [],
    notes: n.notes,
    facts: problemFacts(n),
    fallback: headline,
  };
}

function describeDigest(n: Notification): MessageContent {
  const cluster = clusterLabel(n);
  const top = n.topCategories ?? [];
  const shown = top.slice(0, TOP_CATEGORIES_SHOWN).map((c) => `${c.category} ×${formatCount(c.count)}`);
  if (top.length > TOP_CATEGORIES_SHOWN) shown.push(`and ${top.length - TOP_CATEGORIES_SHOWN} more`);
  const from =
    n.distinctPrincipals === undefined ? '' : ` from ${formatCount(n.distinctPrincipals)} principals`;
  const lead = `${formatCount(n.count)} more denials${from}${shown.length > 0 ? `; top categories: ${shown.join(', ')}` : ''}.`;
  const whom = digestWhom(n);
  const headline = `${formatCount(n.count)} more denials on cluster ${cluster}`;
  return {
    emoji: '📋',
    tag: '[DIGEST]',
    headline,
    lead,
    details: [],
    steps: [],
    briefSteps: false,
    warnings: [],
    optionalWarnings: [],
    // Where the digest would name the clients.
    notes: [...n.notes, NO_CLIENT_ADDRESSES],
    ...(whom ? { whom } : {}),
    facts: [
      ...clusterFacts(n),
      { label: 'Denials', value: formatCount(n.count) },
      ...(n.distinctPrincipals === undefined
        ? []
        : [{ label: 'Principals', value: formatCount(n.distinctPrincipals) }]),
      ...seenFacts(n),
    ],
    fallback: `${headline}${from}`,
  };
}

/** Principals a digest names; the rest are counted. */
const TOP_PRINCIPALS_SHOWN = 5;

/**
 * Where a digest would name the client addresses: the authenticator cannot (EKS calls it over
 * loopback), and inventing them from anything else would mislead.
 */
export const NO_CLIENT_ADDRESSES =
  'The authenticator logs no client addresses (it sees every client as 127.0.0.1); the kube-apiserver audit log has their source IPs.';

/**
 * What a digest's principals suggest: many of the cluster's own account point at a breakage
 * (an outage), few or none of it at someone trying their luck from other accounts (a probe). Said
 * only when the digest knows them; the principals it does not name are counted.
 */
function digestWhom(n: Notification): DigestWhom | undefined {
  const top = (n.topPrincipals ?? []).slice(0, TOP_PRINCIPALS_SHOWN);
  if (top.length === 0) return undefined;
  const own = n.cluster.accountId;
  const more = Math.max(n.topPrincipals?.length ?? 0, n.distinctPrincipals ?? 0) - top.length;
  const ours = own === undefined ? 0 : top.filter((p) => p.arn.split(':')[4] === own).length;
  const verdict =
    own === undefined
      ? ''
      : ours >= 3 || ours * 2 > top.length
        ? `This looks like an outage: ${ours} of the top principals are of this account (${own}).`
        : ours === 0
          ? 'This looks like a probe: the top principals are not of this account.'
          : `This looks like a probe: ${top.length - ours} of the top ${top.length} principals are not of this account.`;
  return { top, more: Math.max(0, more), verdict };
}

/**
 * "arn x40, arn x30, and 12 more." with each ARN passed through `arn` (a sink's escaping and code
 * span), then the verdict.
 */
export function whomText(
  whom: DigestWhom,
  arn: (raw: string) => string,
  prose: (raw: string) => string,
): string {
  const named = whom.top.map((p) => `${arn(p.arn)} x${formatCount(p.count)}`);
  if (whom.more > 0) named.push(`and ${formatCount(whom.more)} more`);
  return `${named.join(', ')}.${whom.verdict ? ` ${prose(whom.verdict)}` : ''}`;
}

function describeSelftest(n: Notification): MessageContent {
  const headline = `eks-auth-doctor pipeline works for cluster ${clusterLabel(n)}`;
  const error = n.finding?.error ?? '';
  const id = error.startsWith(SELFTEST_MARKER) ? error.slice(SELFTEST_MARKER.length).trim() : '';
  return {
    emoji: '✅',
    tag: '[SELFTEST]',
    headline,
    lead: `${headline}: the self-test denial went from the authenticator log group through the subscription and the Lambda to this message.`,
    details: [],
    steps: [],
    briefSteps: false,
    warnings: [],
    optionalWarnings: [],
    notes: n.notes,
    facts: [
      ...clusterFacts(n),
      ...(id ? [{ label: 'Self-test ID', value: id, code: true }] : []),
      ...seenFacts(n),
    ],
    fallback: headline,
  };
}

function problemTitle(n: Notification): string {
  const title = nonBlank(n.fix?.title);
  if (title) return title;
  if (n.finding) return `Access denied: ${n.finding.category}`;
  return 'EKS authentication problem';
}

/** Cluster, principal, category and times: at most ten facts, Slack's context-block limit. */
function problemFacts(n: Notification): Fact[] {
  const finding = n.finding;
  const principal = finding?.principal;
  const facts: Fact[] = [...clusterFacts(n)];
  if (principal && principal.arn !== '') {
    // An ARN from a log line may belong to any AWS account in the world; say so rather than imply trust.
    const foreign =
      principal.accountId !== undefined &&
      n.cluster.accountId !== undefined &&
      principal.accountId !== n.cluster.accountId;
    facts.push({
      label: foreign ? 'Principal (external account)' : 'Principal',
      value: principal.arn,
      code: true,
    });
    if (principal.session) facts.push({ label: 'Session', value: principal.session, code: true });
    if (principal.accessKeyId) facts.push({ label: 'Access key', value: principal.accessKeyId, code: true });
  }
  if (finding) {
    const category = finding.subCause ? `${finding.category} / ${finding.subCause}` : finding.category;
    facts.push({ label: 'Category', value: category, code: true });
    facts.push({ label: 'Severity', value: finding.severity });
  }
  facts.push({ label: 'Occurrences', value: formatCount(n.count) });
  facts.push(...seenFacts(n));
  return facts.slice(0, 10);
}

function clusterFacts(n: Notification): Fact[] {
  const facts: Fact[] = [{ label: 'Cluster', value: clusterLabel(n) }];
  if (n.cluster.region) facts.push({ label: 'Region', value: n.cluster.region });
  if (n.cluster.accountId) facts.push({ label: 'Account', value: n.cluster.accountId });
  return facts;
}

/** When a problem was first and last seen, formatted; the finding's own time stands in for the first. */
function seenTimes(n: Notification): { first?: string; last?: string } {
  return { first: formatTime(n.firstSeen) ?? formatTime(n.finding?.time), last: formatTime(n.lastSeen) };
}

function seenFacts(n: Notification): Fact[] {
  const { first, last } = seenTimes(n);
  if (!first && !last) return [];
  if (!first || !last || first === last) return [{ label: 'Seen', value: (first ?? last) as string }];
  return [{ label: 'Seen', value: `${first} to ${last}` }];
}

function detailsOf(n: Notification): (readonly [string, string])[] {
  return Object.entries(n.finding?.details ?? {})
    .filter(([, value]) => value !== '')
    .slice(0, MAX_DETAILS);
}

function clusterLabel(n: Notification): string {
  return nonBlank(n.cluster.clusterName) ?? '(unknown)';
}

function nonBlank(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}
