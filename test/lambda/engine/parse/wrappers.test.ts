import { describe, expect, it } from 'vitest';
import { categoryOf } from '../../../../lambda/engine/classify/classify';
import { parseLine } from '../../../../lambda/engine/parse/parse';

/** The category a pasted line gets, or `undefined` when it holds no record. */
function categoryOfLine(line: string): string | undefined {
  const record = parseLine(line);
  return record === undefined ? undefined : categoryOf(record);
}

describe('the wrappers of reference §4.1', () => {
  it('logrus TTY form, RFC 3339 timestamp: a denial with its fields', () => {
    // Act
    const record = parseLine(
      'WARN[2019-01-01T00:00:00Z] access denied                                 client="127.0.0.1:40378" error="input token was not properly formatted: X-Amz-Date parameter is expired (15 minute expiration) 2019-01-01 00:00:00 +0000 UTC" method=POST path=/authenticate',
    );

    // Assess
    expect(record).toMatchObject({ time: '2019-01-01T00:00:00Z', level: 'warning', msg: 'access denied' });
    expect(record && categoryOf(record)).toBe('TOKEN_EXPIRED');
    expect(record?.fields.client).toBe('127.0.0.1:40378');
  });

  it('logrus TTY form, seconds since start, any level: a start-up line is the authenticator’s', () => {
    // Act
    const started = categoryOfLine('INFO[0000] listening on 127.0.0.1:21362                  ');
    const fatal = categoryOfLine(
      'FATA[0000] could not load/generate a certificate          error="permission denied"',
    );

    // Assess
    expect(started).toBe('AUTHENTICATOR_STARTED');
    expect(fatal).toBe('AUTHENTICATOR_DOWN');
  });

  it('typographic copy: curly quotes and en-dashes do not hide a denial', () => {
    // Act
    const category = categoryOfLine(
      'time=\u201d2022\u201312\u201328T15:37:19Z\u201d level=warning msg=\u201daccess denied\u201d arn=\u201darn:aws:iam::111122223333:role/admin\u201d client=\u201d127.0.0.1:33384\u201d error=\u201dARN is not mapped\u201d method=POST path=/authenticate',
    );

    // Assess
    expect(category).toBe('IDENTITY_NOT_MAPPED');
  });

  it('value alone: a bare sts getCallerIdentity error is classified as an error= field', () => {
    // Act
    const category = categoryOfLine(
      'sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: {\\"Error\\":{\\"Code\\":\\"ExpiredToken\\"}}',
    );

    // Assess
    expect(category).toBe('STS_EXPIRED_CREDENTIALS');
  });

  it('value alone: verify CLI output with its prefix', () => {
    expect(
      categoryOfLine('could not verify token: input token was not properly formatted: token is too large'),
    ).toBe('TOKEN_TOO_LARGE');
  });

  it('cut line: an unterminated error cut after its distinctive words names its category', () => {
    // Act
    const category = categoryOfLine(
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" client="127.0.0.1:1" error="input token was not properly formatted: X-Amz-Date parameter is exp',
    );

    // Assess
    expect(category).toBe('TOKEN_EXPIRED');
  });

  describe('cut line in the STS and mapping families: the longest recognisable start of the wording decides', () => {
    const denial = (error: string) =>
      `time="2026-11-24T10:00:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:1" error="${error}`;
    const sts =
      'sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: {\\"Error\\":{\\"Code\\":\\"';

    it.each([
      ['an STS error code cut inside it', `${sts}InvalidClientTok`, 'STS_INVALID_CLIENT_TOKEN'],
      ['another STS error code cut inside it', `${sts}SignatureDoesNo`, 'STS_SIGNATURE_MISMATCH'],
      ['an STS error code cut too short to tell', `${sts}Expi`, 'STS_OTHER'],
      [
        'an STS phrase cut after its distinctive words',
        'sts getCallerIdentity failed: error reading HTTP re',
        'STS_UNREACHABLE',
      ],
      ['the commonest mapping failure cut', 'identity is not ma', 'IDENTITY_NOT_MAPPED'],
      [
        'a mapping phrase cut after the mapper wrapper',
        '[mapper DynamicFile Map error: ARN does not match Us',
        'IDENTITY_ARN_MISMATCH',
      ],
      [
        'a template phrase cut, outranking the mapper words left whole',
        'mapper EKSConfigMap renderTemplates error: error rendering username template \\"system:node:{{SessionName}}\\": SessionName did not cont',
        'TEMPLATE_SESSION_NOT_INSTANCE_ID',
      ],
      ['a mapping phrase cut too short to tell', 'identity i', 'UNKNOWN'],
    ])('%s', (_case, error, expected) => {
      expect(categoryOfLine(denial(error))).toBe(expected);
    });

    it('still decides whole lines by their whole wording (a complete line ending in another phrase’s start)', () => {
      // The mapper words are whole and name their entry; nothing is cut.
      expect(
        categoryOfLine(
          'time="2026-11-24T10:00:00Z" level=warning msg="access denied" client="127.0.0.1:1" error="mapper CRD Map error: index with name arn does not exist" method=POST path=/authenticate',
        ),
      ).toBe('MAPPER_LOOKUP_ERROR');
    });
  });

  it('terminal-wrapped line: the first half classifies, the second half invents no record', () => {
    // Act
    const first = categoryOfLine(
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/dev',
    );
    const second = categoryOfLine(
      'eloper" client="127.0.0.1:1" error="identity is not mapped" method=POST path=/authenticate',
    );

    // Assess
    expect(first).toBe('UNKNOWN');
    expect(second).toBeUndefined();
  });

  it('glued header and masked timestamp are tolerated', () => {
    // Act
    const record = parseLine(
      '@message time="2021-08-11TXX:XX:XXZ" level=warning msg="access denied" client="127.0.0.1:1" error="input token was not properly formatted: token is too large" method=POST path=/authenticate',
    );

    // Assess
    expect(record && categoryOf(record)).toBe('TOKEN_TOO_LARGE');
    expect(record?.time).toBe('2021-08-11TXX:XX:XXZ');
  });

  it('klog lines from client-go are skipped', () => {
    expect(
      parseLine(
        'W0729 07:36:06.265507       1 client_config.go:615] Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.',
      ),
    ).toBeUndefined();
  });
});
