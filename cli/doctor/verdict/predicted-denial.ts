import { COMMAND_SAFE_ARN } from '../../../lambda/engine/wording/names';

/**
 * The `access denied` line the authenticator writes for a failure the doctor found from outside, in
 * its exact logrus format (reference §1.1). The engine then classifies the prediction as it would the
 * real line, so the verdict's category, sub-cause and fix are the pipeline's, word for word.
 */
export type PredictedDenial =
  | { readonly kind: 'not mapped'; readonly arn: string }
  | { readonly kind: 'signature mismatch' }
  | { readonly kind: 'expired credentials' }
  | { readonly kind: 'invalid credentials' }
  | { readonly kind: 'expired token'; readonly signedAt?: string };

const STS_FAILED = 'sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: ';
const FORMAT_ERROR = 'input token was not properly formatted: ';

/** STS's own error bodies for these codes (reference §2.2). */
const STS_BODIES = {
  'signature mismatch': {
    Code: 'SignatureDoesNotMatch',
    Message: 'The request signature we calculated does not match the signature you provided.',
  },
  'expired credentials': {
    Code: 'ExpiredToken',
    Message: 'The security token included in the request is expired',
  },
  'invalid credentials': {
    Code: 'InvalidClientTokenId',
    Message: 'The security token included in the request is invalid.',
  },
} as const;

/**
 * @example
 * predictedDenialLine({ kind: 'not mapped', arn: 'arn:aws:iam::111122223333:role/Dev' }, new Date());
 * // 'time="…" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/Dev" client="127.0.0.1:0" error="ARN is not mapped" method=POST path=/authenticate'
 */
export function predictedDenialLine(denial: PredictedDenial, at: Date): string {
  const time = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // Only an ARN IAM could have written goes into the line; anything else is left out, as if unjoined.
  const arn =
    denial.kind === 'not mapped' && COMMAND_SAFE_ARN.test(denial.arn) ? ` arn=${quoted(denial.arn)}` : '';
  return `time="${time}" level=warning msg="access denied"${arn} client="127.0.0.1:0" error=${quoted(errorOf(denial))} method=POST path=/authenticate`;
}

function errorOf(denial: PredictedDenial): string {
  switch (denial.kind) {
    case 'not mapped':
      return 'ARN is not mapped';
    case 'expired token':
      return `${FORMAT_ERROR}X-Amz-Date parameter is expired (15 minute expiration) ${denial.signedAt ?? ''}`.trimEnd();
    default:
      return `${STS_FAILED}${JSON.stringify({ Error: { ...STS_BODIES[denial.kind], Type: 'Sender' } })}`;
  }
}

/** Go `%q`-style quoting, which logrus applies to values with spaces or quotes (ASCII input). */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/**
 * The signing time of a stored `k8s-aws-v1.` token, in the Go time format the authenticator prints
 * (`2020-05-06 01:09:00 +0000 UTC`), or `undefined` when the token does not decode.
 */
export function signedAtOf(token: string): string | undefined {
  try {
    const url = new URL(Buffer.from(token.replace(/^k8s-aws-v1\./, ''), 'base64url').toString('utf8'));
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(
      url.searchParams.get('X-Amz-Date') ?? '',
    );
    return date ? `${date[1]}-${date[2]}-${date[3]} ${date[4]}:${date[5]}:${date[6]} +0000 UTC` : undefined;
  } catch {
    return undefined;
  }
}
