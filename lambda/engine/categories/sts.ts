import { callerIdentityStep, identityCheckSteps } from '../runbooks/identity-check';
import { kubeconfigSteps, profileKubeconfigStep, regenerateKubeconfigStep } from '../runbooks/kubeconfig';
import { verifyStep } from '../runbooks/verify';
import type { FixStep } from '../types';
import {
  AUDIT_QUERY_TOP_CLIENTS,
  AWS_ENV,
  callerIdentity,
  KUBECONFIG_EXEC_ARGS,
  listAccessKeys,
  listClusters,
  REGIONAL_STS,
  regionOptStatus,
  ssoLogin,
} from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { mention } from '../wording/mention';
import { PLACEHOLDER } from '../wording/names';
import type { CategoryEntry, DenialFamily, DenialMatch, DetailReader, EveryIdHasAnEntry } from './entry';

/**
 * Tokens that were well-formed but that STS refused or could not check. The STS body is AWS's own text
 * (the host passed the authenticator's STS host check), so `contains` is safe here; it is still quoted
 * in prose only. The body's error code decides first: it is read once instead of searching the body
 * per entry.
 */
export const STS_CATEGORIES = [
  'STS_UNREACHABLE',
  'STS_REJECTED_NO_BODY',
  'STS_INVALID_CLIENT_TOKEN',
  'STS_SIGNATURE_MISMATCH',
  'STS_EXPIRED_CREDENTIALS',
  'STS_THROTTLED',
  'STS_SERVER_ERROR',
  'STS_OTHER',
  'STS_BAD_RESPONSE',
] as const;
export type StsCategory = (typeof STS_CATEGORIES)[number];

/**
 * STS error facts. Found with `indexOf` rather than regexes over the whole body: during an STS
 * incident every line of a storm carries a body.
 */
const stsDetails: DetailReader = (error) => {
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

const ENDPOINT = /^ on ([\w-]+) endpoint/;

const HEALTH_DASHBOARD =
  "Check the AWS Health Dashboard (https://health.aws.amazon.com/health/status, and your account's Health events) for STS or EKS issues in this region.";

const SUPPORT_CASE: FixStep = {
  text: 'If it lasts more than a few minutes, open an AWS Support case for the cluster, quoting the time and this log line.',
};

const ENTRIES = [
  {
    id: 'STS_THROTTLED',
    // v0.6.28+ says so in its prefix and logs the raw body only; older versions log a 400 with the code.
    match: {
      prefix: 'sts getCallerIdentity was throttled: ',
      stsCodes: ['Throttling'],
      contains: ['rate exceeded'],
    },
    severity: 'high',
    trust: 'breakage',
    details: stsDetails,
    title: 'STS throttled the authenticator',
    summary:
      "STS rate-limited the cluster's identity checks, usually because many nodes or pods re-authenticated at once (a control-plane restart or a mass scale-up) or one client fetches a new token for every request.",
    steps: (request) => [
      {
        text: `Find a client that authenticates far more often than the rest: in CloudWatch Logs Insights, choose ${request.cluster.logGroup} and run this query.`,
        command: AUDIT_QUERY_TOP_CLIENTS,
      },
      {
        text: 'Make that client cache its token for its lifetime (about 14 minutes) instead of fetching one per request.',
      },
      { text: 'Spread node churn out: smaller batches for node-group updates and scale-ups.' },
      { ...verifyStep(), text: 'Usually transient: retry once the burst is over.' },
      SUPPORT_CASE,
    ],
    warnings: ['While STS throttles, any login can fail, nodes included.'],
  },
  {
    id: 'STS_INVALID_CLIENT_TOKEN',
    match: { stsCodes: ['InvalidClientTokenId'] },
    severity: 'medium',
    trust: 'probe',
    details: stsDetails,
    title: 'AWS credentials are invalid',
    summary:
      'STS did not recognise the credentials that signed the token (InvalidClientTokenId): the access key was deleted or deactivated, the IAM user is gone, stale AWS_* environment variables override the profile, or the session token belongs to another partition or a non-regional STS endpoint.',
    steps: (request) => [
      {
        text: 'Check the credentials with the same profile kubectl uses (add `--profile <profile>`); if this fails with the same error, the credentials themselves are bad.',
        command: callerIdentity(),
      },
      {
        text: 'Look for stale credentials in the environment; they override ~/.aws/credentials and the profile.',
        command: AWS_ENV,
      },
      {
        text: 'For an IAM user, check that its access key is still Active (or rotate it).',
        command: listAccessKeys(PLACEHOLDER.userName),
      },
      {
        text: 'Make the CLI sign tokens against the regional STS endpoint (needed in opt-in regions).',
        command: REGIONAL_STS,
      },
      regenerateKubeconfigStep(request),
      profileKubeconfigStep(request),
      verifyStep(),
    ],
    warnings: [],
  },
  {
    id: 'STS_SIGNATURE_MISMATCH',
    match: { stsCodes: ['SignatureDoesNotMatch'] },
    severity: 'medium',
    trust: 'probe',
    details: stsDetails,
    title: 'Token was signed for another cluster',
    summary: (request) =>
      clockAhead(request)
        ? 'STS refused the signature because the client clock is ahead of AWS ("Signature not yet current"), so its tokens look like they come from the future.'
        : `STS refused the token's signature (SignatureDoesNotMatch), which most often means the kubeconfig signs tokens for a different cluster name than ${request.cluster.cluster} (a renamed or recreated cluster, or a wrong \`--cluster-name\`), and less often a hand-rolled signer or a clock that is ahead.`,
    steps: (request) => [
      {
        text: `Check the \`--cluster-name\` in the kubeconfig's exec args; it must be exactly ${request.cluster.cluster}.`,
        command: KUBECONFIG_EXEC_ARGS,
      },
      {
        text: 'List the clusters in the region to get the exact name.',
        command: listClusters(request.cluster),
      },
      ...kubeconfigSteps(request),
      clockStep(),
      {
        text: 'On a self-managed authenticator (kops), make its `--cluster-id` match the name clients sign for.',
      },
      verifyStep(),
    ],
    warnings: [],
  },
  {
    id: 'STS_EXPIRED_CREDENTIALS',
    match: { stsCodes: ['ExpiredToken'] },
    severity: 'medium',
    trust: 'probe',
    details: stsDetails,
    title: 'AWS session credentials expired',
    summary:
      'The temporary credentials that signed the token (IAM Identity Center, an assumed role or IRSA) had expired, even though the token itself was fresh.',
    steps: () => [
      { text: 'For an IAM Identity Center (SSO) profile, sign in again.', command: ssoLogin() },
      {
        text: 'For an assumed role, assume it again (or let your credential helper refresh it), then confirm the session works.',
        command: callerIdentity(PLACEHOLDER.profile),
      },
      {
        text: "For long jobs, refresh credentials during the run or raise the role's maximum session duration.",
      },
      verifyStep(),
    ],
    warnings: [],
  },
  {
    id: 'STS_SERVER_ERROR',
    match: { pattern: /error from aws \(expected 200, got 5\d\d\)/ },
    severity: 'high',
    trust: 'breakage',
    details: stsDetails,
    title: 'STS returned a server error',
    summary: (request) =>
      `STS answered with HTTP ${mention(request.finding.details.httpStatus ?? '5xx', 10)}, an AWS-side failure that makes IAM logins fail until it recovers.`,
    steps: (request) => [
      healthStep(request),
      { ...verifyStep(), text: 'Retry: clients succeed again once STS recovers.' },
      SUPPORT_CASE,
    ],
    warnings: [],
  },
  {
    id: 'STS_REJECTED_NO_BODY',
    // After the server errors: a 5xx without a body is theirs.
    match: { pattern: /error from aws \(expected 200, got \d+\)(?: on [\w-]+ endpoint)?\.?$/ },
    severity: 'medium',
    trust: 'probe',
    details: stsDetails,
    title: 'STS rejected the token (reason not logged)',
    summary: (request) =>
      `STS answered with HTTP ${mention(request.finding.details.httpStatus ?? '4xx', 10)} and the authenticator, an older version, did not log why, so check the usual causes in order: invalid credentials, a token signed for another cluster name, then the client clock.`,
    steps: (request) => [
      ...identityCheckSteps(request),
      ...kubeconfigSteps(request),
      clockStep(),
      verifyStep(),
    ],
    warnings: [],
  },
  {
    id: 'STS_OTHER',
    match: { startsWith: ['error from aws'], otherwise: true },
    severity: 'medium',
    trust: 'probe',
    details: stsDetails,
    title: 'STS refused the token for an unusual reason',
    summary: (request) =>
      `STS rejected the identity check${request.finding.details.stsCode ? ` with ${mention(request.finding.details.stsCode, 60)}` : ''}, which is unusual because GetCallerIdentity needs no IAM permission, so the exact STS message and the kind of credential matter.`,
    steps: (request) => [
      ...stsSaid(request),
      ...identityCheckSteps(request),
      {
        text: 'If this is an opt-in region, check that it is enabled for the account that signed the token.',
        command: regionOptStatus(request.cluster),
      },
      {
        text: 'If the message does not explain it, open an AWS Support case with the exact STS message and time.',
      },
    ],
    warnings: [],
  },
  {
    id: 'STS_UNREACHABLE',
    match: { startsWith: ['error during get', 'error reading http result'] },
    severity: 'high',
    trust: 'breakage',
    details: stsDetails,
    title: 'Authenticator could not reach AWS STS',
    summary:
      "The cluster's authenticator could not call STS (a network error or timeout), so IAM logins fail until it recovers; on EKS this is an AWS-side problem, not your credentials.",
    steps: (request) => [
      healthStep(request),
      { ...verifyStep(), text: 'Retry: clients such as kubectl succeed again once STS is reachable.' },
      SUPPORT_CASE,
      {
        text: 'On a self-managed authenticator, check its egress to `sts.<region>.amazonaws.com` (security groups, NAT, proxy, or an STS VPC endpoint).',
      },
    ],
    warnings: ['Every IAM login to the cluster fails while this lasts, nodes included.'],
  },
  {
    id: 'STS_BAD_RESPONSE',
    match: {
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
    severity: 'high',
    trust: 'breakage',
    title: 'Authenticator could not read the STS response',
    summary:
      'The authenticator got an answer from STS that it could not parse (not JSON, an unknown partition or an unusual principal ARN), which points at a proxy in front of STS or an authenticator too old for this kind of principal.',
    steps: (request) => [
      ...stsSaid(request),
      callerIdentityStep(request),
      {
        text: 'On a self-managed authenticator, check for an HTTP proxy between it and STS, and upgrade it. On EKS, open an AWS Support case with this line.',
      },
    ],
    warnings: [],
  },
] satisfies readonly CategoryEntry<StsCategory, DenialMatch>[];

export const STS: DenialFamily<StsCategory> = {
  name: 'sts',
  prefixes: ['sts getCallerIdentity failed: '],
  ids: STS_CATEGORIES,
  entries: ENTRIES satisfies EveryIdHasAnEntry<StsCategory, typeof ENTRIES>,
};

function healthStep(request: FixRequest): FixStep {
  const endpoint = request.finding.details.stsEndpoint;
  const where = endpoint ? ` The failing STS endpoint was "${mention(endpoint, 40)}".` : '';
  return { text: `${HEALTH_DASHBOARD}${where}` };
}

function clockStep(): FixStep {
  return {
    text: 'Check the client clock against UTC; a clock minutes ahead or behind breaks the signature (on Linux `timedatectl status` shows whether NTP is synchronised).',
    command: 'date -u',
  };
}

/** The exact STS message, for the operator to read; quoted, never executed. */
function stsSaid(request: FixRequest): FixStep[] {
  const { stsCode, stsMessage } = request.finding.details;
  const said = stsMessage ?? stsCode ?? request.finding.error;
  return said ? [{ text: `STS said: "${mention(said, 300)}".` }] : [];
}

function clockAhead(request: FixRequest): boolean {
  const text = `${request.finding.details.stsMessage ?? ''} ${request.finding.error ?? ''}`;
  return /not yet current/i.test(text);
}

/** The value after `opening` up to the next quote, as AWS writes its JSON error bodies (no spaces). */
function jsonStringValue(text: string, opening: string, maxLength: number): string | undefined {
  const start = text.indexOf(opening);
  if (start === -1) return undefined;
  const end = text.indexOf('"', start + opening.length);
  if (end === -1 || end - start - opening.length > maxLength) return undefined;
  return text.slice(start + opening.length, end);
}
