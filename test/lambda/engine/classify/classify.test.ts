import { describe, expect, it } from 'vitest';
import { DENIAL_CATEGORIES, NON_DENIAL_CATEGORIES } from '../../../../lambda/engine/categories';
import { classify } from '../../../../lambda/engine/classify/classify';
import type { Finding } from '../../../../lambda/engine/types';
import { DENIAL_FIXTURES, deniedLine } from '../fixtures/denial-errors';
import { parsedLine } from '../fixtures/parsed-line';
import { RECORD_FIXTURES } from '../fixtures/record-lines';

function classifyLine(line: string, allFields = false): Finding {
  return classify(parsedLine(line, { allFields }));
}

describe('classifying access denied lines', () => {
  it.each(DENIAL_FIXTURES.map((fixture) => [fixture.category, fixture.variant, fixture] as const))(
    'classifies the %s wording "%s" and rates it as its fixture says',
    (category, _variant, fixture) => {
      // Prepare
      const line = deniedLine(fixture.error, fixture.arn);

      // Act
      const finding = classifyLine(line);

      // Assess
      expect(finding.category).toBe(category);
      expect(finding.severity).toBe(fixture.severity);
      expect(finding.error).toBe(fixture.error);
    },
  );

  it('has a fixture for every denial category of the public contract', () => {
    // Act
    const covered = new Set(DENIAL_FIXTURES.map((fixture) => fixture.category));

    // Assess
    expect(DENIAL_CATEGORIES.filter((category) => !covered.has(category))).toEqual([]);
  });

  it('calls a denial without an error field UNKNOWN rather than dropping it', () => {
    // Act
    const finding = classifyLine(
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" client="127.0.0.1:1"',
    );

    // Assess
    expect(finding.category).toBe('UNKNOWN');
  });

  it('classifies denials case-insensitively', () => {
    // Prepare
    const line = deniedLine('IDENTITY IS NOT MAPPED', 'arn:aws:iam::111122223333:user/a');

    // Act
    const finding = classifyLine(line);

    // Assess
    expect(finding.category).toBe('IDENTITY_NOT_MAPPED');
  });

  it('classifies an STS error whose prefix lost its casing by its body', () => {
    // Prepare
    const error =
      'STS GETCALLERIDENTITY FAILED: error from AWS (expected 200, got 403). Body: {"Error":{"Code":"ExpiredToken"}}';

    // Act
    const finding = classifyLine(deniedLine(error));

    // Assess
    expect(finding.category).toBe('STS_EXPIRED_CREDENTIALS');
  });

  it('reads a throttled STS prefix as throttling whatever the body, in any casing', () => {
    // Prepare
    const error = 'STS getCallerIdentity WAS THROTTLED: <html>503 Slow Down</html>';

    // Act
    const finding = classifyLine(deniedLine(error));

    // Assess
    expect(finding.category).toBe('STS_THROTTLED');
  });
});

describe('classifying the other authenticator records', () => {
  it.each(RECORD_FIXTURES.map((fixture) => [fixture.category, fixture.variant, fixture] as const))(
    'classifies the %s wording "%s" and rates it as its fixture says',
    (category, _variant, fixture) => {
      // Act
      const finding = classifyLine(fixture.line);

      // Assess
      expect(finding.category).toBe(category);
      expect(finding.severity).toBe(fixture.severity);
    },
  );

  it('has a fixture line for every category that is not a denial', () => {
    // Act
    const covered = new Set(RECORD_FIXTURES.map((fixture) => fixture.category));

    // Assess
    expect(NON_DENIAL_CATEGORIES.filter((category) => !covered.has(category))).toEqual([]);
  });

  it('reads the principal of an STS response parsed with all its fields', () => {
    // Prepare
    const line = recordLine('STS_RESPONSE');

    // Act
    const finding = classifyLine(line, true);

    // Assess
    expect(finding).toMatchObject({
      category: 'STS_RESPONSE',
      severity: 'info',
      principal: {
        arn: 'arn:aws:iam::111122223333:role/developer',
        stsArn: 'arn:aws:sts::111122223333:assumed-role/developer/bob',
        session: 'bob',
        accessKeyId: 'ASIAEXAMPLE',
        userId: 'AROAEXAMPLE',
        accountId: '111122223333',
      },
    });
  });

  it('reads the unique ID of an access granted line from its uid', () => {
    // Prepare
    const line = recordLine('ACCESS_GRANTED', 'v0.5+ grant with uid');

    // Act
    const finding = classifyLine(line, true);

    // Assess
    expect(finding).toMatchObject({
      category: 'ACCESS_GRANTED',
      principal: {
        arn: 'arn:aws:iam::123456789000:user/testuser',
        type: 'user',
        name: 'testuser',
        userId: 'AIDAFFXXXXXXXXXX',
      },
    });
    expect(finding.record.fields.groups).toBe('[system:masters]');
  });

  it('reads the old EKS fork grant: heptio uid, and the extra sts= field does not disturb it', () => {
    // Prepare
    const line = recordLine('ACCESS_GRANTED', 'old EKS fork grant with heptio uid and sts=');

    // Act
    const finding = classifyLine(line, true);

    // Assess
    expect(finding.category).toBe('ACCESS_GRANTED');
    expect(finding.principal?.userId).toBe('AROAEXAMPLE');
  });

  it.each(
    RECORD_FIXTURES.filter((fixture) => fixture.category === 'AWS_AUTH_PARSE_ERROR').map((f) => [
      f.variant,
      f,
    ]),
  )('quotes the aws-auth parse error "%s" whole as the YAML error', (_variant, fixture) => {
    // Act
    const finding = classifyLine(fixture.line);

    // Assess
    expect(finding.details.yamlError).toBe(finding.record.msg);
  });

  it('quotes the YAML line number of an aws-auth parse error', () => {
    // Prepare
    const line = recordLine('AWS_AUTH_PARSE_ERROR', 'Errors parsing configmap');

    // Act
    const finding = classifyLine(line);

    // Assess
    expect(finding.details.yamlLine).toBe('7');
  });

  it('recognises an aws-auth parse error whatever the casing of its first word', () => {
    // Act
    const finding = classifyLine(
      'time="2026-11-24T10:00:00Z" level=warning msg="ERRORS PARSING CONFIGMAP: [x]"',
    );

    // Assess
    expect(finding.category).toBe('AWS_AUTH_PARSE_ERROR');
  });
});

describe('keeping client-controlled text from steering the category', () => {
  it('keeps a token error a token error even when its echoed host names an STS error code', () => {
    // Prepare
    const forged =
      'input token was not properly formatted: unexpected hostname "ExpiredToken.InvalidClientTokenId.was throttled" in pre-signed URL';

    // Act
    const finding = classifyLine(deniedLine(forged));

    // Assess
    expect(finding.category).toBe('TOKEN_STS_HOST_REJECTED');
  });

  it('matches token phrases only where the authenticator writes them, at the start', () => {
    // Prepare
    const forged = 'input token was not properly formatted: parse "https://x/?token is too large": invalid';

    // Act
    const finding = classifyLine(deniedLine(forged));

    // Assess
    expect(finding.category).toBe('TOKEN_DECODE_ERROR');
  });

  it('does not read an arn= written inside a quoted error as the principal', () => {
    // Prepare
    const line =
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" client="127.0.0.1:1" error="input token was not properly formatted: unexpected hostname \\"x\\" arn=\\"arn:aws:iam::111122223333:role/admin\\"" method=POST path=/authenticate';

    // Act
    const finding = classifyLine(line);

    // Assess
    expect(finding.principal).toBeUndefined();
    expect(finding.record.fields.arn).toBeUndefined();
  });

  it('reads a reserved-username error by its fixed start even when the username echoes other phrases', () => {
    // Prepare
    const error =
      "invalid username 'system:SessionName did not contain an instance id' for mapper DynamicFile: username must not begin with with the following prefixes: [system:]";

    // Act
    const finding = classifyLine(deniedLine(error, 'arn:aws:iam::111122223333:role/r'));

    // Assess
    expect(finding.category).toBe('USERNAME_RESERVED_PREFIX');
  });
});

describe('reading the principal of a mapping failure', () => {
  it('takes the canonical role ARN, account and name from arn=', () => {
    // Prepare
    const line = deniedLine('identity is not mapped', 'arn:aws:iam::111122223333:role/developer');

    // Act
    const finding = classifyLine(line);

    // Assess
    expect(finding.principal).toMatchObject({
      arn: 'arn:aws:iam::111122223333:role/developer',
      accountId: '111122223333',
      type: 'role',
      name: 'developer',
      partition: 'aws',
    });
  });

  it('takes the ARN from the error text on the old EKS fork, which logged no arn= field', () => {
    // Prepare
    const line = deniedLine('ARN is not mapped: arn:aws:iam::111122223333:user/alice');

    // Act
    const finding = classifyLine(line);

    // Assess
    expect(finding.principal).toMatchObject({
      arn: 'arn:aws:iam::111122223333:user/alice',
      type: 'user',
      name: 'alice',
    });
  });

  it('keeps an ARN it cannot parse as text, typed unknown', () => {
    // Act
    const finding = classifyLine(deniedLine('identity is not mapped', 'arn:aws:s3:::bucket'));

    // Assess
    expect(finding.principal).toMatchObject({ arn: 'arn:aws:s3:::bucket', type: 'unknown' });
  });

  it('has no principal on token and STS failures, which fail before STS names anyone', () => {
    // Act
    const finding = classifyLine(deniedLine('input token was not properly formatted: token is too large'));

    // Assess
    expect(finding.principal).toBeUndefined();
  });

  it('explains a not-mapped principal by its sub-cause, with the sub-cause severity', () => {
    // Prepare
    const record = parsedLine(
      deniedLine('identity is not mapped', 'arn:aws:iam::111122223333:role/developer'),
    );

    // Act
    const finding = classify(record, { cluster: { authenticationMode: 'API' } });

    // Assess
    expect(finding).toMatchObject({ subCause: 'MODE_API_IGNORES_AWS_AUTH', severity: 'high' });
  });

  it('gives no sub-cause to any other category', () => {
    // Act
    const finding = classifyLine(deniedLine('mapper CRD Map error: index with name arn does not exist'));

    // Assess
    expect(finding.subCause).toBeUndefined();
  });
});

describe('quoting the facts a fix needs', () => {
  it.each([
    [
      'the rejected STS host',
      'input token was not properly formatted: unexpected hostname "sts.example.com" in pre-signed URL',
      { host: 'sts.example.com' },
    ],
    [
      'the STS error code, message, status and endpoint',
      `sts getCallerIdentity failed: error from AWS (expected 200, got 403) on eu-west-1 endpoint. Body: {"Error":{"Code":"ExpiredToken","Message":"The security token included in the request is expired"}}`,
      {
        stsCode: 'ExpiredToken',
        stsMessage: 'The security token included in the request is expired',
        httpStatus: '403',
        stsEndpoint: 'eu-west-1',
      },
    ],
    [
      'the time an expired token was signed',
      'input token was not properly formatted: X-Amz-Date parameter is expired (15 minute expiration) 2020-05-06 01:09:00 +0000 UTC',
      { signedAt: '2020-05-06 01:09:00 +0000 UTC' },
    ],
    [
      'the rejected query parameter',
      'input token was not properly formatted: non-whitelisted query parameter "x-k8s-aws-id"',
      { parameter: 'x-k8s-aws-id' },
    ],
    [
      'the instance and EC2 error of a failed node lookup',
      'mapper DynamicFile renderTemplates error: error rendering username template "system:node:{{EC2PrivateDNSName}}": failed querying private DNS from EC2 API for node i-0123456789abcdef0: api error UnauthorizedOperation: You are not authorized ',
      { mapper: 'DynamicFile', instanceId: 'i-0123456789abcdef0', ec2Error: 'UnauthorizedOperation' },
    ],
    [
      'the reserved username and its mapper',
      "invalid username 'eks:admin' for mapper DynamicFile: username must not begin with with the following prefixes: [eks:]",
      { username: 'eks:admin', mapper: 'DynamicFile' },
    ],
  ])('quotes %s', (_what, error, expected) => {
    // Act
    const finding = classifyLine(deniedLine(error, 'arn:aws:iam::111122223333:role/r'));

    // Assess
    expect(finding.details).toMatchObject(expected);
  });

  it('quotes nothing for a category without facts of its own', () => {
    // Act
    const finding = classifyLine(deniedLine('identity is not mapped', 'arn:aws:iam::111122223333:role/r'));

    // Assess
    expect(finding.details).toEqual({});
  });
});

describe('grading severity', () => {
  it('rates garbage tokens anyone can send as low', () => {
    // Prepare
    const line = deniedLine(
      'input token was not properly formatted: token is missing expected "k8s-aws-v1." prefix',
    );

    // Act
    const finding = classifyLine(line);

    // Assess
    expect(finding.severity).toBe('low');
  });

  it('rates a node that cannot join as critical', () => {
    // Prepare
    const line = deniedLine(
      'mapper DynamicFile renderTemplates error: error rendering username template "system:node:{{EC2PrivateDNSName}}": failed querying private DNS from EC2 API for node i-0123456789abcdef0: api error UnauthorizedOperation ',
      'arn:aws:iam::111122223333:role/nodes',
    );

    // Act
    const finding = classifyLine(line);

    // Assess
    expect(finding.severity).toBe('critical');
  });
});

/** The line of a record fixture, by category and (when it has several) variant. */
function recordLine(category: string, variant?: string): string {
  const fixture = RECORD_FIXTURES.find(
    (candidate) =>
      candidate.category === category && (variant === undefined || candidate.variant === variant),
  );
  if (fixture === undefined) throw new Error(`no record fixture ${category} ${variant ?? ''}`);
  return fixture.line;
}
