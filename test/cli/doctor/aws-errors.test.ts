import { describe, expect, it } from 'vitest';
import { awsProblemOf, problemDetail } from '../../../cli/doctor/aws-errors';

function named(name: string, message = 'x', code?: string): Error {
  return Object.assign(new Error(message), { name, ...(code ? { code } : {}) });
}

describe('awsProblemOf', () => {
  it.each([
    [
      named('AccessDeniedException', 'User: arn:… is not authorized to perform: eks:DescribeCluster'),
      'access-denied',
    ],
    [named('AccessDenied'), 'access-denied'],
    [named('CredentialsProviderError', 'Could not load credentials from any providers'), 'no-credentials'],
    [
      named(
        'CredentialsProviderError',
        "Value not present for 'clientId' in SSO Token. To refresh this SSO session run 'aws sso login'",
      ),
      'sso-expired',
    ],
    [named('ExpiredToken'), 'expired-credentials'],
    [named('ExpiredTokenException'), 'expired-credentials'],
    [named('InvalidClientTokenId'), 'invalid-credentials'],
    [named('UnrecognizedClientException'), 'invalid-credentials'],
    [named('ResourceNotFoundException'), 'not-found'],
    [named('Error', 'connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), 'unreachable'],
    [named('ThrottlingException'), 'throttled'],
    [named('InternalFailure', 'boom'), 'other'],
    ['not even an error', 'other'],
  ])('sorts %s as %s', (error, kind) => {
    expect(awsProblemOf(error).kind).toBe(kind);
  });

  it('keeps AWS’s message on one line, without control characters', () => {
    expect(awsProblemOf(named('InternalFailure', 'line one\n\u001b[31mred')).message).toBe(
      'line one [31mred',
    );
  });
});

describe('problemDetail', () => {
  it('names the read-only permission a refused check needs', () => {
    expect(problemDetail(awsProblemOf(named('AccessDeniedException')), 'eks:DescribeAccessEntry')).toBe(
      'AccessDeniedException: this check needs eks:DescribeAccessEntry (read-only)',
    );
  });
});
