import { describe, expect, it } from 'vitest';
import { predictedDenialLine, signedAtOf } from '../../../../cli/doctor/verdict/predicted-denial';
import { createLineDiagnoser } from '../../../../lambda/engine/diagnose/diagnose-lines';

const at = new Date('2026-03-02T10:00:00.123Z');

describe('predictedDenialLine', () => {
  it.each([
    [{ kind: 'not mapped', arn: 'arn:aws:iam::111122223333:role/Dev' } as const, 'IDENTITY_NOT_MAPPED'],
    [{ kind: 'signature mismatch' } as const, 'STS_SIGNATURE_MISMATCH'],
    [{ kind: 'expired credentials' } as const, 'STS_EXPIRED_CREDENTIALS'],
    [{ kind: 'invalid credentials' } as const, 'STS_INVALID_CLIENT_TOKEN'],
    [{ kind: 'expired token', signedAt: '2026-03-01 08:00:00 +0000 UTC' } as const, 'TOKEN_EXPIRED'],
  ])('writes a line the engine classifies as the pipeline would: %o → %s', (denial, category) => {
    const finding = createLineDiagnoser()(predictedDenialLine(denial, at));

    expect(finding?.category).toBe(category);
    expect(finding?.time).toBe('2026-03-02T10:00:00Z');
  });

  it('names the principal of a mapping failure, canonical as the authenticator logs it', () => {
    const finding = createLineDiagnoser()(
      predictedDenialLine({ kind: 'not mapped', arn: 'arn:aws:iam::111122223333:role/Dev' }, at),
    );

    expect(finding?.principal?.arn).toBe('arn:aws:iam::111122223333:role/Dev');
    expect(finding?.subCause).toBe('NOT_IN_AWS_AUTH');
  });

  it('leaves out an ARN that IAM could not have written', () => {
    const line = predictedDenialLine(
      { kind: 'not mapped', arn: 'arn:aws:iam::111122223333:role/x" injected="y' },
      at,
    );

    expect(line).not.toContain('injected');
    expect(line).not.toContain(' arn=');
  });
});

describe('signedAtOf', () => {
  it('reads the signing time of a stored token in the authenticator’s Go time format', () => {
    const url = 'https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Date=20260301T080000Z';

    expect(signedAtOf(`k8s-aws-v1.${Buffer.from(url).toString('base64url')}`)).toBe(
      '2026-03-01 08:00:00 +0000 UTC',
    );
    expect(signedAtOf('k8s-aws-v1.@@@')).toBeUndefined();
  });
});
