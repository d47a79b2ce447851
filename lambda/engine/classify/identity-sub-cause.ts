import { isInstanceId, parseArn } from '../parse/arn';
import type { DiagnosisContext, Principal } from '../types';
import type { SubCause } from './categories';

/** A grant or aws-auth parse error this long before a denial still explains it. */
export const RECENT_MS = 24 * 60 * 60 * 1000;

/**
 * Why a principal that passed STS was not mapped, from the most specific explanation to the most
 * generic. Each check uses only what is known: the line, the joined `STS response`, and the context
 * (live from EKS in the Lambda; learned from earlier lines and flags in the CLI).
 */
export function identitySubCause(
  principal: Principal | undefined,
  deniedAt: string | undefined,
  context: DiagnosisContext | undefined,
): SubCause {
  const cluster = context?.cluster;
  const mode = cluster?.authenticationMode;
  const awsAuthCounts = mode !== 'API';
  if (awsAuthCounts && isRecent(cluster?.awsAuthBrokenSince, deniedAt)) return 'AWS_AUTH_BROKEN';
  if (!principal) return mode === 'API' ? 'MODE_API_IGNORES_AWS_AUTH' : 'NOT_IN_AWS_AUTH';
  if (mode !== 'CONFIG_MAP' && context?.principal?.hasAccessEntry === true)
    return 'ACCESS_ENTRY_STALE_PRINCIPAL';
  if (cluster?.accountId && principal.accountId && principal.accountId !== cluster.accountId) {
    return 'FOREIGN_ACCOUNT';
  }
  if (cluster?.creatorArn && sameArn(cluster.creatorArn, principal.arn)) return 'CREATOR_LOST';
  if (isRecent(context?.principal?.lastGrantedAt, deniedAt)) return 'ACCESS_REMOVED_RECENTLY';
  if (looksLikeNode(principal)) return 'NODE_ROLE_NOT_MAPPED';
  if (mode === 'API') return 'MODE_API_IGNORES_AWS_AUTH';
  const misspelled = misspelledAwsAuthEntry(principal, cluster?.awsAuthArns);
  if (misspelled) return misspelled;
  if (principal.type === 'role' && principal.name?.startsWith('AWSReservedSSO_')) return 'SSO_ROLE';
  return 'NOT_IN_AWS_AUTH';
}

function isRecent(earlier: string | undefined, later: string | undefined): boolean {
  if (!earlier) return false;
  const since = epochOf(earlier);
  const at = later ? epochOf(later) : Number.NaN;
  if (Number.isNaN(since)) return false;
  // Without a denial time (hand-edited lines) the fact is taken at face value.
  if (Number.isNaN(at)) return true;
  return at >= since && at - since <= RECENT_MS;
}

function sameArn(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

// Node roles seen in the wild: eksctl `…-NodeInstanceRole-…`, managed node groups, Karpenter.
const NODE_ROLE_NAME = /NodeInstanceRole|NodeRole|node-?group|KarpenterNode|eks-node|-nodes?-role/i;

/** A node authenticates with its instance role and a session named after the instance ID. */
function looksLikeNode(principal: Principal): boolean {
  if (principal.type !== 'role') return false;
  if (principal.session !== undefined) return isInstanceId(principal.session);
  return NODE_ROLE_NAME.test(principal.name ?? '');
}

/**
 * With the aws-auth ARNs known, a mapping that names the same role in a form the authenticator
 * never matches (a path, or the assumed-role ARN) is the cause.
 */
function misspelledAwsAuthEntry(
  principal: Principal,
  awsAuthArns: readonly string[] | undefined,
): SubCause | undefined {
  if (!awsAuthArns || principal.type !== 'role') return undefined;
  for (const entry of awsAuthArns) {
    const parsed = parseArn(entry);
    if (!parsed || parsed.accountId !== principal.accountId || parsed.type !== 'role') continue;
    if (parsed.name?.toLowerCase() !== principal.name?.toLowerCase()) continue;
    if (parsed.service === 'sts') return 'ASSUMED_ROLE_ARN_IN_AWS_AUTH';
    if (parsed.path !== '/') return 'ROLE_PATH_IN_AWS_AUTH';
  }
  return undefined;
}

// A deliberate one-entry cache: a denial storm asks about the same second over and over.
let lastParsed = { text: '', epoch: Number.NaN };

function epochOf(time: string): number {
  // Not detached: one cached string keeps at most one chunk of the file alive.
  if (time !== lastParsed.text) lastParsed = { text: time, epoch: Date.parse(time) };
  return lastParsed.epoch;
}
