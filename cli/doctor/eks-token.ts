import type { AwsCredentials } from './aws-api';
import { Sha256 } from './sha256';

/** The prefix the authenticator requires (reference §2.1, TOKEN_NOT_AWS). */
export const TOKEN_PREFIX = 'k8s-aws-v1.';

/** aws-cli presigns for 60 s (`URL_TIMEOUT`); the authenticator accepts up to 900. */
const URL_TIMEOUT_SECONDS = 60;

/**
 * A bearer token exactly as `aws eks get-token` builds it (awscli/customizations/eks/get_token.py):
 * a presigned `GET https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15`
 * with the `x-k8s-aws-id: <cluster name>` header signed (so a token is only good for that cluster),
 * valid 60 s, base64url-encoded without padding, prefixed `k8s-aws-v1.`. The host is always the real
 * STS host — the authenticator refuses any other — whatever endpoint the SDK is pointed at.
 *
 * @example
 * const token = await eksToken({ clusterName: 'prod', region: 'eu-west-1', credentials });
 * // 'k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSYu…'
 */
export async function eksToken(request: {
  readonly clusterName: string;
  /** The STS region; without one, the global endpoint (as the AWS CLI does without a region). */
  readonly region?: string;
  readonly credentials: AwsCredentials;
  readonly now?: Date;
}): Promise<string> {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const region = request.region ?? 'us-east-1';
  const hostname = request.region ? `sts.${region}.${dnsSuffix(region)}` : 'sts.amazonaws.com';
  const signer = new SignatureV4({
    credentials: request.credentials,
    region,
    service: 'sts',
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, 'x-k8s-aws-id': request.clusterName },
    },
    { expiresIn: URL_TIMEOUT_SECONDS, signingDate: request.now },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(([key, value]) => `${rfc3986(key)}=${rfc3986(String(value))}`)
    .join('&');
  const url = `https://${hostname}/?${query}`;
  return `${TOKEN_PREFIX}${Buffer.from(url, 'utf8').toString('base64url')}`;
}

function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** Percent-encoding as SigV4 canonicalises it (encodeURIComponent leaves `!'()*` alone). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
