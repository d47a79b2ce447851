import { describe, expect, it } from 'vitest';
import { DENIAL_CATEGORIES } from '../../../../lambda/engine/categories';
import { classify } from '../../../../lambda/engine/classify/classify';
import type { Finding } from '../../../../lambda/engine/types';
import { DENIAL_FIXTURES, deniedLine } from '../fixtures/denial-errors';
import { parsedLine } from '../fixtures/parsed-line';

function classifyLine(line: string, allFields = false): Finding {
  return classify(parsedLine(line, { allFields }));
}

describe('classifying access denied lines', () => {
  it.each(DENIAL_FIXTURES.map((fixture) => [fixture.category, fixture.variant, fixture] as const))(
    '%s: %s',
    (category, _variant, fixture) => {
      const finding = classifyLine(deniedLine(fixture.error, fixture.arn));

      expect(finding.category).toBe(category);
      expect(finding.error).toBe(fixture.error);
    },
  );

  it('has a fixture for every denial category of the public contract', () => {
    const covered = new Set(DENIAL_FIXTURES.map((fixture) => fixture.category));

    expect(DENIAL_CATEGORIES.filter((category) => !covered.has(category))).toEqual([]);
  });

  it('calls a denial without an error field UNKNOWN rather than dropping it', () => {
    const finding = classifyLine(
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" client="127.0.0.1:1"',
    );

    expect(finding.category).toBe('UNKNOWN');
  });

  it('classifies denials case-insensitively', () => {
    expect(
      classifyLine(deniedLine('IDENTITY IS NOT MAPPED', 'arn:aws:iam::111122223333:user/a')).category,
    ).toBe('IDENTITY_NOT_MAPPED');
  });
});

describe('keeping client-controlled text from steering the category', () => {
  it('keeps a token error a token error even when its echoed host names an STS error code', () => {
    const forged =
      'input token was not properly formatted: unexpected hostname "ExpiredToken.InvalidClientTokenId.was throttled" in pre-signed URL';

    expect(classifyLine(deniedLine(forged)).category).toBe('TOKEN_STS_HOST_REJECTED');
  });

  it('matches token phrases only where the authenticator writes them, at the start', () => {
    const forged = 'input token was not properly formatted: parse "https://x/?token is too large": invalid';

    expect(classifyLine(deniedLine(forged)).category).toBe('TOKEN_DECODE_ERROR');
  });

  it('does not read an arn= written inside a quoted error as the principal', () => {
    const line =
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" client="127.0.0.1:1" error="input token was not properly formatted: unexpected hostname \\"x\\" arn=\\"arn:aws:iam::111122223333:role/admin\\"" method=POST path=/authenticate';

    const finding = classifyLine(line);

    expect(finding.principal).toBeUndefined();
    expect(finding.record.fields.arn).toBeUndefined();
  });

  it('reads a reserved-username error by its fixed start even when the username echoes other phrases', () => {
    const error =
      "invalid username 'system:SessionName did not contain an instance id' for mapper DynamicFile: username must not begin with with the following prefixes: [system:]";

    expect(classifyLine(deniedLine(error, 'arn:aws:iam::111122223333:role/r')).category).toBe(
      'USERNAME_RESERVED_PREFIX',
    );
  });
});

describe('classifying the other authenticator records', () => {
  const STS_RESPONSE_LINE =
    'time="2026-11-24T10:00:00Z" level=info msg="STS response" accesskeyid=ASIAEXAMPLE accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role/developer/bob" client="127.0.0.1:1" method=POST path=/authenticate session=bob stsendpoint=sts.eu-west-1.amazonaws.com userid=AROAEXAMPLE';

  it('recognises an STS response from its msg alone', () => {
    expect(classifyLine(STS_RESPONSE_LINE)).toMatchObject({ category: 'STS_RESPONSE', severity: 'info' });
  });

  it('reads the principal of an STS response parsed with all its fields', () => {
    const finding = classifyLine(STS_RESPONSE_LINE, true);

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

  it('recognises an access granted line and reads the unique ID from the uid', () => {
    const finding = classifyLine(
      'time="2022-05-26T18:55:30Z" level=info msg="access granted" arn="arn:aws:iam::123456789000:user/testuser" client="127.0.0.1:57586" groups="[system:masters]" method=POST path=/authenticate uid="aws-iam-authenticator:123456789000:AIDAFFXXXXXXXXXX" username=kubernetes-admin',
      true,
    );

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
    const finding = classifyLine(
      'time="2021-08-11T07:04:05Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/eks-admin" client="127.0.0.1:45678" groups="[system:masters]" method=POST path=/authenticate sts=sts.eu-west-1.amazonaws.com uid="heptio-authenticator-aws:111122223333:AROAEXAMPLE" username=kubernetes-admin',
      true,
    );

    expect(finding.category).toBe('ACCESS_GRANTED');
    expect(finding.principal?.userId).toBe('AROAEXAMPLE');
  });

  it.each([
    [
      'Errors parsing configmap',
      'warning',
      'Errors parsing configmap: [yaml: line 7: did not find expected key]',
    ],
    [
      'There was an error parsing the config maps',
      'error',
      'There was an error parsing the config maps.  Only saving data that was good, [yaml: line 7: did not find expected key]',
    ],
    ['error parsing config map', 'error', 'error parsing config map: [value for userarn must be supplied]'],
  ])('recognises the aws-auth parse error "%s" as critical', (_name, level, msg) => {
    const finding = classifyLine(`time="2026-11-24T10:00:00Z" level=${level} msg=${JSON.stringify(msg)}`);

    expect(finding.category).toBe('AWS_AUTH_PARSE_ERROR');
    expect(finding.severity).toBe('critical');
    expect(finding.details.yamlError).toBe(msg);
  });

  it('quotes the YAML line number of an aws-auth parse error', () => {
    const finding = classifyLine(
      'time="2026-11-24T10:00:00Z" level=warning msg="Errors parsing configmap: [yaml: line 7: did not find expected key]"',
    );

    expect(finding.details.yamlLine).toBe('7');
  });

  it.each([
    'Calling ec2:DescribeInstances for the InstanceId = i-0123456789abcdef0 ',
    'Watch channel closed. Reconnecting...',
    'unexpected request method',
  ])('calls any other authenticator line INFO: %s', (msg) => {
    expect(classifyLine(`time="2026-11-24T10:00:00Z" level=info msg=${JSON.stringify(msg)}`).category).toBe(
      'INFO',
    );
  });
});

describe('reading the principal of a mapping failure', () => {
  it('takes the canonical role ARN, account and name from arn=', () => {
    const finding = classifyLine(
      deniedLine('identity is not mapped', 'arn:aws:iam::111122223333:role/developer'),
    );

    expect(finding.principal).toMatchObject({
      arn: 'arn:aws:iam::111122223333:role/developer',
      accountId: '111122223333',
      type: 'role',
      name: 'developer',
      partition: 'aws',
    });
  });

  it('takes the ARN from the error text on the old EKS fork, which logged no arn= field', () => {
    const finding = classifyLine(deniedLine('ARN is not mapped: arn:aws:iam::111122223333:user/alice'));

    expect(finding.principal).toMatchObject({
      arn: 'arn:aws:iam::111122223333:user/alice',
      type: 'user',
      name: 'alice',
    });
  });

  it('keeps an ARN it cannot parse as text, typed unknown', () => {
    const finding = classifyLine(deniedLine('identity is not mapped', 'arn:aws:s3:::bucket'));

    expect(finding.principal).toMatchObject({ arn: 'arn:aws:s3:::bucket', type: 'unknown' });
  });

  it('has no principal on token and STS failures, which fail before STS names anyone', () => {
    const finding = classifyLine(deniedLine('input token was not properly formatted: token is too large'));

    expect(finding.principal).toBeUndefined();
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
    expect(classifyLine(deniedLine(error, 'arn:aws:iam::111122223333:role/r')).details).toMatchObject(
      expected,
    );
  });
});

describe('grading severity', () => {
  it('rates garbage tokens anyone can send as low', () => {
    expect(
      classifyLine(
        deniedLine('input token was not properly formatted: token is missing expected "k8s-aws-v1." prefix'),
      ).severity,
    ).toBe('low');
  });

  it('rates a node that cannot join as critical', () => {
    const line = deniedLine(
      'mapper DynamicFile renderTemplates error: error rendering username template "system:node:{{EC2PrivateDNSName}}": failed querying private DNS from EC2 API for node i-0123456789abcdef0: api error UnauthorizedOperation ',
      'arn:aws:iam::111122223333:role/nodes',
    );

    expect(classifyLine(line).severity).toBe('critical');
  });
});
