import { grouped, optional } from '../runbooks/conditional';
import { findClientSteps } from '../runbooks/find-client';
import { regenerateKubeconfigStep } from '../runbooks/kubeconfig';
import { verifyStep } from '../runbooks/verify';
import type { FixStep } from '../types';
import {
  AUDIT_QUERY_UNAUTHENTICATED,
  AWS_ENV,
  getToken,
  KUBECONFIG_EXEC_ARGS,
  KUBECONFIG_VIEW,
  REGIONAL_STS,
  updateKubeconfig,
} from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { mention } from '../wording/mention';
import { pick } from './details';
import type { CategoryEntry, DenialFamily, DenialMatch, EveryIdHasAnEntry } from './entry';
import { type FixTemplate, type Prose, proseOf } from './fix-template';

/**
 * Tokens the authenticator rejected before asking STS. Nothing here has reached AWS, so every one of
 * these lines can come from an anonymous client of a public endpoint: the fixes say how to find the
 * client, and quote what it sent only in prose. Token errors echo text the client chose (a forged host
 * can read `…ExpiredToken…`), so they are only compared with these entries, at the start of the text,
 * where the authenticator's own words stand.
 */
export const TOKEN_CATEGORIES = [
  'TOKEN_TOO_LARGE',
  'TOKEN_NOT_AWS',
  'TOKEN_DECODE_ERROR',
  'TOKEN_BAD_SCHEME',
  'TOKEN_STS_HOST_REJECTED',
  'TOKEN_BAD_PATH',
  'TOKEN_BAD_QUERY',
  'TOKEN_WRONG_ACTION',
  'TOKEN_CLUSTER_ID_NOT_SIGNED',
  'TOKEN_BAD_EXPIRES',
  'TOKEN_MISSING_DATE',
  'TOKEN_BAD_DATE',
  'TOKEN_EXPIRED',
  'TOKEN_REQUEST_BUILD_ERROR',
] as const;
export type TokenCategory = (typeof TOKEN_CATEGORIES)[number];

const ANYONE_CAN_SEND =
  'Anyone who can reach the public API endpoint can produce this line without any AWS credentials; on its own it says nothing about your IAM setup.';

const ENTRIES = [
  {
    id: 'TOKEN_TOO_LARGE',
    match: { startsWith: ['token is too large'] },
    severity: 'low',
    trust: 'probe',
    title: 'Oversized bearer token rejected',
    summary:
      'A client sent a bearer token larger than 4096 bytes, which no EKS token generator produces, so it is most likely a scanner or a client configured with the wrong kind of credential.',
    steps: (request) =>
      findClientSteps(request, {
        text: 'If the client is yours, replace the credential in its kubeconfig with an exec entry that runs `aws eks get-token`.',
        command: updateKubeconfig(request.cluster),
      }),
    warnings: [ANYONE_CAN_SEND],
  },
  {
    id: 'TOKEN_NOT_AWS',
    match: { startsWith: ['token is missing expected "k8s-aws-v1." prefix'] },
    severity: 'low',
    trust: 'probe',
    title: 'Token is not an EKS IAM token',
    summary:
      'A client sent a bearer token without the `k8s-aws-v1.` prefix, such as a service-account token from another or rebuilt cluster, a static or OIDC token, or a kubeconfig pointed at the wrong cluster.',
    steps: (request) =>
      findClientSteps(
        request,
        {
          text: 'On that client, check the kubeconfig: the user entry should run `aws eks get-token`, not carry a static `token:`, and the server should be this cluster.',
          command: KUBECONFIG_VIEW,
        },
        {
          text: 'Regenerate the kubeconfig entry for this cluster.',
          command: updateKubeconfig(request.cluster),
        },
        {
          text: 'If the client is a pod using a service-account token from another cluster, or one issued before the signing key was rotated, restart it so it gets a current token, or give it IAM credentials.',
        },
        verifyStep(),
      ),
    warnings: [
      ANYONE_CAN_SEND,
      'A misconfigured client repeats this every few seconds; expect many identical lines from the same source until it is fixed.',
    ],
  },
  {
    id: 'TOKEN_BAD_SCHEME',
    match: { startsWith: ['unexpected scheme '] },
    severity: 'low',
    trust: 'probe',
    details: (error) => pick({ scheme: /scheme "((?:[^"\\]|\\.)*)"/.exec(error)?.[1] }),
    ...generatorFix({
      title: 'Token presigned with a non-HTTPS URL',
      summary: (request) =>
        `The token's presigned URL used ${request.finding.details.scheme ? `the scheme ${quoted(request.finding.details.scheme, '')} instead of https` : 'a scheme other than https'}, so it came from a hand-rolled generator or was forged.`,
      whatToFix:
        'Fix the token generator to presign `https://sts.<region>.amazonaws.com/` URLs, or replace it with `aws eks get-token`.',
      forgeable: true,
    }),
  },
  {
    id: 'TOKEN_STS_HOST_REJECTED',
    match: {
      startsWith: [
        'unexpected hostname',
        'could not parse region for pre-signed url',
        'invalid region identifier format provided',
        'global endpoint unsupported in partition',
        'partition {',
        'invalid host format',
      ],
    },
    severity: 'medium',
    trust: 'probe',
    details: (error) =>
      pick({
        host: /hostname "((?:[^"\\]|\\.)*)"/.exec(error)?.[1] ?? /too few labels: (\S+)/.exec(error)?.[1],
      }),
    title: 'Token signed for an STS host the authenticator rejects',
    summary: (request) =>
      `The token was presigned for ${request.finding.details.host ? `the host ${quoted(request.finding.details.host, '')}, which is` : 'a host that is'} not a standard regional STS endpoint (such as a VPC-endpoint DNS name, a FIPS or dual-stack host, a region or partition the authenticator does not know, or a forged host).`,
    // The authenticator only sees 127.0.0.1: which client to fix is known once the audit log names it.
    steps: (request) =>
      findClientSteps(
        request,
        {
          text: 'If the client is yours, look for an STS endpoint override in its environment (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`) and for `endpoint_url` in ~/.aws/config; remove it for the token generator.',
          command: AWS_ENV,
        },
        {
          text: 'Make the generator sign against the regional STS endpoint `sts.<region>.amazonaws.com` (`.amazonaws.com.cn` in China).',
          command: REGIONAL_STS,
        },
        optional(freshTokenStep(request)),
        ...grouped('Then, on that client: regenerate the kubeconfig and try again', [
          regenerateKubeconfigStep(request),
          verifyStep(),
        ]),
        // EKS runs the authenticator itself; only a self-managed one can be this old.
        optional({
          text: 'On a self-managed authenticator, upgrade it: older versions carry a fixed list of regions and STS hosts.',
        }),
      ),
    warnings: [
      ANYONE_CAN_SEND,
      'The rejected host is whatever the client wrote into its token; it may contain chat markup and must never be copied into a command or a link.',
    ],
  },
  {
    id: 'TOKEN_BAD_PATH',
    match: { startsWith: ['unexpected path in pre-signed url'] },
    severity: 'low',
    trust: 'probe',
    ...generatorFix({
      title: 'Token presigned with an unexpected URL path',
      summary:
        "The token's presigned URL has a path other than `/`, which only a buggy or hand-rolled token generator produces.",
      whatToFix:
        'Fix the token generator so it presigns `GET https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15` with the path `/`.',
      forgeable: false,
    }),
  },
  {
    id: 'TOKEN_BAD_QUERY',
    match: {
      startsWith: [
        'malformed query parameter',
        'duplicate query parameter found',
        'non-whitelisted query parameter',
        'query parameter with multiple values not supported',
      ],
    },
    severity: 'low',
    trust: 'probe',
    details: (error) => pick({ parameter: /parameter (?:found: )?"((?:[^"\\]|\\.)*)"/.exec(error)?.[1] }),
    ...generatorFix({
      title: 'Token has a query parameter STS presigning never adds',
      summary: (request) =>
        `The token's presigned URL carries ${quoted(request.finding.details.parameter, 'a query parameter')} that the authenticator does not allow (or repeats one), which points at a hand-rolled generator, for example one that put \`x-k8s-aws-id\` in the query string.`,
      whatToFix:
        'Send the cluster name as the signed header `x-k8s-aws-id`, not as a query parameter; the only allowed query keys are Action, Version and the X-Amz-* signature keys.',
      forgeable: true,
    }),
  },
  {
    id: 'TOKEN_WRONG_ACTION',
    match: { startsWith: ['unexpected action parameter in pre-signed url'] },
    severity: 'low',
    trust: 'probe',
    ...generatorFix({
      title: 'Token presigns something other than GetCallerIdentity',
      summary:
        "The token's presigned URL asks STS for an action other than `GetCallerIdentity`, which is either a generator bug or a forged token.",
      whatToFix:
        'Fix the token generator to presign `Action=GetCallerIdentity`; if no client of yours does this, treat repeats as suspicious.',
      forgeable: true,
    }),
  },
  {
    id: 'TOKEN_CLUSTER_ID_NOT_SIGNED',
    match: { startsWith: ['client did not sign the x-k8s-aws-id header'] },
    severity: 'medium',
    trust: 'probe',
    ...generatorFix({
      title: 'Token does not sign the cluster name',
      summary:
        'The token generator did not include the `x-k8s-aws-id` header in the signed headers, so the token is not bound to any cluster and is refused.',
      whatToFix: (request) =>
        `Add the header \`x-k8s-aws-id: ${request.cluster.cluster}\` to the request before presigning it, so it is listed in X-Amz-SignedHeaders.`,
      forgeable: false,
    }),
  },
  {
    id: 'TOKEN_BAD_EXPIRES',
    match: { startsWith: ['invalid x-amz-expires parameter'] },
    severity: 'medium',
    trust: 'probe',
    details: (error) => pick({ expires: /pre-signed URL: (-?\d+)/.exec(error)?.[1] }),
    ...generatorFix({
      title: 'Token has a missing or invalid X-Amz-Expires',
      summary: (request) =>
        `The token's X-Amz-Expires value${request.finding.details.expires ? ` (${mention(request.finding.details.expires, 20)})` : ''} is missing or outside 0-900 seconds, which happens with presigners that omit it (the AWS SDK v2 presigner does).`,
      whatToFix: 'Set `X-Amz-Expires=60` when presigning, as `aws eks get-token` does.',
      forgeable: false,
    }),
  },
  {
    id: 'TOKEN_MISSING_DATE',
    match: { startsWith: ['x-amz-date parameter must be present'] },
    severity: 'medium',
    trust: 'probe',
    ...generatorFix({
      title: 'Token has no X-Amz-Date',
      summary:
        'The token carries no `X-Amz-Date` parameter, which only a broken token generator produces (one crossplane upjet release did).',
      whatToFix: 'Fix or roll back the token generator so it presigns with `X-Amz-Date`.',
      forgeable: false,
    }),
  },
  {
    id: 'TOKEN_BAD_DATE',
    match: { startsWith: ['error parsing x-amz-date parameter'] },
    severity: 'low',
    trust: 'probe',
    ...generatorFix({
      title: 'Token has a malformed X-Amz-Date',
      summary:
        "The token's `X-Amz-Date` is not in the signing format (UTC, `20060102T150405Z`), so it came from a hand-rolled generator or was forged.",
      whatToFix: 'Fix the token generator to write X-Amz-Date in UTC basic ISO 8601 (`YYYYMMDDTHHMMSSZ`).',
      forgeable: true,
    }),
  },
  {
    id: 'TOKEN_EXPIRED',
    match: { startsWith: ['x-amz-date parameter is expired'] },
    severity: 'medium',
    trust: 'probe',
    details: (error) => pick({ signedAt: after(error, 'expiration) ') }),
    title: 'Token expired before it was used',
    summary:
      'The token was more than 15 minutes old when it reached the cluster, because a client reused it (long Terraform, Atlantis or Helm runs that fetch one token up front), the client clock is more than 15 minutes behind, or an old token was replayed.',
    steps: (request) => [
      ...signedAtStep(request),
      {
        text: 'Use an exec-based kubeconfig, so kubectl asks `aws eks get-token` for a fresh token instead of storing one.',
        command: updateKubeconfig(request.cluster),
      },
      {
        text: 'Check that the kubeconfig user has an `exec` section running `aws eks get-token` (a static `token:` expires after 15 minutes).',
        command: KUBECONFIG_EXEC_ARGS,
      },
      {
        text: 'In Terraform, configure the kubernetes and helm providers with an `exec` block running `aws eks get-token` instead of the token of `aws_eks_cluster_auth`, so long applies never outlive the token.',
      },
      {
        text: 'Check the client clock against UTC; if it is minutes off, fix NTP (on Linux `timedatectl status` shows whether the clock is synchronised).',
        command: 'date -u',
      },
      verifyStep(),
      {
        text: 'If no client of yours was running at that time and the signing time is far in the past, treat it as a replayed token and find its source.',
        command: AUDIT_QUERY_UNAUTHENTICATED,
      },
    ],
    warnings: [],
  },
  {
    id: 'TOKEN_REQUEST_BUILD_ERROR',
    match: { startsWith: ['error creating http request'] },
    severity: 'low',
    trust: 'probe',
    title: 'Token URL could not be turned into an STS request',
    summary:
      'The token decoded to a URL from which the authenticator could not build an HTTP request, which in practice only happens with a corrupted or deliberately malformed token.',
    steps: (request) => [
      freshTokenStep(request),
      useOfficialGeneratorStep(request),
      verifyStep(),
      ...findClientSteps(request),
    ],
    warnings: [ANYONE_CAN_SEND],
  },
  {
    id: 'TOKEN_DECODE_ERROR',
    // base64 and url.Parse errors are passed through unchanged, so they have no phrase of their own.
    match: { otherwise: true },
    severity: 'low',
    trust: 'probe',
    title: 'Token could not be decoded',
    summary:
      'The part of the token after `k8s-aws-v1.` was not valid base64 or did not decode to a URL, which happens when a token is truncated or mangled by copy-paste, shell quoting or a broken generator.',
    steps: (request) => [
      freshTokenStep(request),
      useOfficialGeneratorStep(request),
      verifyStep(),
      ...findClientSteps(request),
    ],
    warnings: [
      ANYONE_CAN_SEND,
      'The error text can echo whatever the client put in the token; read it as untrusted text.',
    ],
  },
] satisfies readonly CategoryEntry<TokenCategory, DenialMatch>[];

export const TOKEN: DenialFamily<TokenCategory> = {
  name: 'token',
  prefixes: ['input token was not properly formatted: '],
  ids: TOKEN_CATEGORIES,
  entries: ENTRIES satisfies EveryIdHasAnEntry<TokenCategory, typeof ENTRIES>,
};

/** A fresh token from the official generator, to compare a broken one against. */
function freshTokenStep(request: FixRequest): FixStep {
  return {
    text: 'Generate a correct token with the official generator and compare it with what the client sends (a single line starting with `k8s-aws-v1.`).',
    command: getToken(request.cluster),
  };
}

function useOfficialGeneratorStep(request: FixRequest): FixStep {
  return {
    text: 'Point the client at the official generator: an exec-based kubeconfig runs `aws eks get-token` for every call (in code, use the AWS SDK presigner the way `aws eks get-token` does).',
    command: updateKubeconfig(request.cluster),
  };
}

/** The fix for a hand-rolled or broken token generator, with the one thing it got wrong. */
function generatorFix(fix: {
  readonly title: string;
  readonly summary: Prose;
  readonly whatToFix: Prose;
  /** Whether a client without credentials can send it, so the fix says how to find the client. */
  readonly forgeable: boolean;
}): FixTemplate {
  return {
    title: fix.title,
    summary: fix.summary,
    steps: (request) => [
      { text: proseOf(fix.whatToFix, request) },
      freshTokenStep(request),
      useOfficialGeneratorStep(request),
      verifyStep(),
      ...(fix.forgeable ? findClientSteps(request) : []),
    ],
    warnings: fix.forgeable ? [ANYONE_CAN_SEND] : [],
  };
}

function signedAtStep(request: FixRequest): FixStep[] {
  const signedAt = request.finding.details.signedAt;
  if (!signedAt) return [];
  return [
    {
      text: `The token was signed at ${mention(signedAt, 60)}; compare that with the time of the denial to tell a reused token from a skewed clock.`,
    },
  ];
}

/** A value the client chose, quoted for prose only. */
function quoted(value: string | undefined, fallback: string): string {
  return value ? `"${mention(value, 120)}"` : fallback;
}

/** The rest of `text` after the first `marker`. */
function after(text: string, marker: string): string | undefined {
  const at = text.indexOf(marker);
  return at === -1 ? undefined : text.slice(at + marker.length);
}
