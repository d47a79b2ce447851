import { describe, expect, it } from 'vitest';
import type { Category } from '../../../../lambda/engine/categories';
import { remediate } from '../../../../lambda/engine/remediate';
import { aFindingOf, allText, aRole, CLUSTER_ACCOUNT, commandsOf, commandText, inMode } from './fixtures';

const context = inMode('CONFIG_MAP');

describe('token problems the client can fix', () => {
  it('points an expired token at an exec-based kubeconfig, Terraform, and the client clock', () => {
    // Act
    const fix = remediate(
      aFindingOf('TOKEN_EXPIRED', { details: { signedAt: '2024-05-01 09:30:00 +0000 UTC' } }),
      context,
    );

    // Assess
    expect(commandsOf(fix)).toContain('aws eks update-kubeconfig --name prod-eu --region eu-west-1');
    expect(allText(fix)).toMatch(/aws_eks_cluster_auth/);
    expect(allText(fix)).toMatch(/NTP/);
    expect(allText(fix)).toContain('signed at 2024-05-01 09:30:00 +0000 UTC');
  });

  it('tells a generator without a signed cluster header to sign x-k8s-aws-id with this cluster name', () => {
    // Act
    const fix = remediate(aFindingOf('TOKEN_CLUSTER_ID_NOT_SIGNED'), context);

    // Assess
    expect(fix.steps[0]?.text).toContain('`x-k8s-aws-id: prod-eu`');
    expect(commandsOf(fix)).toContain('aws eks get-token --cluster-name prod-eu --region eu-west-1');
  });

  it('sends a host rejection to the regional STS endpoint and endpoint overrides', () => {
    // Act
    const fix = remediate(
      aFindingOf('TOKEN_STS_HOST_REJECTED', { details: { host: 'vpce-1.sts.example' } }),
      context,
    );

    // Assess
    expect(commandsOf(fix)).toContain('export AWS_STS_REGIONAL_ENDPOINTS=regional');
    expect(commandsOf(fix)).toContain('env | grep AWS_');
    expect(fix.summary).toContain('"vpce-1.sts.example"');
  });

  it('finds the client before fixing it: the authenticator only sees 127.0.0.1', () => {
    // Act
    const fix = remediate(aFindingOf('TOKEN_STS_HOST_REJECTED', { principal: undefined }), context);

    // Assess
    const commands = commandsOf(fix);
    const query = commands.findIndex((command) => command.includes('kube-apiserver-audit'));
    expect(query).toBe(0);
    expect(commands.indexOf('env | grep AWS_')).toBeGreaterThan(query);
    expect(fix.steps.find((step) => step.command === 'env | grep AWS_')?.text).toMatch(
      /^If the client is yours/,
    );
  });
});

describe('tokens anyone on the internet can send', () => {
  const forgeable: Category[] = [
    'TOKEN_TOO_LARGE',
    'TOKEN_NOT_AWS',
    'TOKEN_DECODE_ERROR',
    'TOKEN_BAD_SCHEME',
    'TOKEN_STS_HOST_REJECTED',
    'TOKEN_BAD_QUERY',
    'TOKEN_WRONG_ACTION',
    'TOKEN_BAD_DATE',
    'TOKEN_REQUEST_BUILD_ERROR',
  ];

  it.each(forgeable)(
    'finds the %s client in the audit log and offers to restrict the public endpoint',
    (category) => {
      // Act
      const fix = remediate(aFindingOf(category, { principal: undefined }), context);

      // Assess
      expect(commandText(fix)).toContain('filter @logStream like /^kube-apiserver-audit/');
      expect(commandText(fix)).toContain('responseStatus.code = 401');
      expect(commandText(fix)).toContain('stats count(*) as requests by sourceIPs.0, userAgent');
      expect(allText(fix)).toContain('/aws/eks/prod-eu/cluster');
      expect(commandText(fix)).toContain(
        '--resources-vpc-config endpointPublicAccess=true,publicAccessCidrs=',
      );
      expect(fix.warnings.join(' ')).toMatch(/without any AWS credentials/);
    },
  );
});

describe('STS problems', () => {
  it('sends expired session credentials to aws sso login', () => {
    // Act
    const fix = remediate(aFindingOf('STS_EXPIRED_CREDENTIALS', { principal: undefined }), context);

    // Assess
    expect(commandsOf(fix)[0]).toBe('aws sso login --profile <profile>');
  });

  it('checks credentials and stale environment variables for InvalidClientTokenId', () => {
    // Act
    const fix = remediate(aFindingOf('STS_INVALID_CLIENT_TOKEN', { principal: undefined }), context);

    // Assess
    expect(commandsOf(fix)).toContain('aws sts get-caller-identity');
    expect(commandsOf(fix)).toContain('env | grep AWS_');
  });

  it('treats SignatureDoesNotMatch as a token signed for another cluster name first', () => {
    // Act
    const fix = remediate(aFindingOf('STS_SIGNATURE_MISMATCH', { principal: undefined }), context);

    // Assess
    expect(fix.title).toBe('Token was signed for another cluster');
    expect(fix.steps[0]?.text).toContain('exactly prod-eu');
    expect(commandsOf(fix)).toContain('aws eks update-kubeconfig --name prod-eu --region eu-west-1');
    expect(commandsOf(fix)).toContain('kubectl config view --minify');
    expect(allText(fix)).toMatch(/clock/);
  });

  it('blames the clock when STS says the signature is not yet current', () => {
    // Act
    const fix = remediate(
      aFindingOf('STS_SIGNATURE_MISMATCH', {
        principal: undefined,
        details: {
          stsCode: 'SignatureDoesNotMatch',
          stsMessage: 'Signature not yet current: 20240501T101500Z',
        },
      }),
      context,
    );

    // Assess
    expect(fix.summary).toMatch(/clock is ahead/);
  });

  it.each(['STS_UNREACHABLE', 'STS_SERVER_ERROR', 'STS_THROTTLED'] as const)(
    'calls %s transient and points at AWS Health and a support case',
    (category) => {
      // Act
      const fix = remediate(aFindingOf(category, { principal: undefined }), context);

      // Assess
      expect(allText(fix)).toMatch(/AWS Support case/);
      expect(allText(fix)).toMatch(/transient|Retry|recovers/i);
    },
  );

  it('quotes the STS message of an unusual rejection in prose', () => {
    // Act
    const fix = remediate(
      aFindingOf('STS_OTHER', {
        principal: undefined,
        details: { stsCode: 'AccessDenied', stsMessage: 'Region disabled' },
      }),
      context,
    );

    // Assess
    expect(fix.steps[0]?.text).toBe('STS said: "Region disabled".');
    expect(fix.summary).toContain('AccessDenied');
  });
});

describe('mapping problems', () => {
  it('re-attaches AmazonEKSClusterPolicy to the cluster role when EC2 lookups are unauthorised', () => {
    // Act
    const fix = remediate(
      aFindingOf('TEMPLATE_EC2_LOOKUP_FAILED', { details: { ec2Error: 'UnauthorizedOperation' } }),
      context,
    );

    // Assess
    expect(fix.summary).toMatch(/AmazonEKSClusterPolicy/);
    expect(commandsOf(fix)).toContain(
      'aws eks describe-cluster --name prod-eu --region eu-west-1 --query cluster.roleArn --output text',
    );
    expect(commandsOf(fix)).toContain(
      'aws iam attach-role-policy --role-name <cluster-role-name> --policy-arn arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
    );
  });

  it('explains a missing instance as cross-account or terminated', () => {
    // Act
    const fix = remediate(
      aFindingOf('TEMPLATE_EC2_LOOKUP_FAILED', { details: { ec2Error: 'InvalidInstanceID.NotFound' } }),
      context,
    );

    // Assess
    expect(fix.summary).toMatch(/another account/);
    expect(commandsOf(fix).join('\n')).not.toContain('attach-role-policy');
  });

  it.each([
    [
      'UnauthorizedOperation',
      ['AmazonEKSClusterPolicy', 'attach it again'],
      ['another account', 'transient'],
    ],
    ['InvalidInstanceID.NotFound', ['another account', 'terminated'], ['AmazonEKSClusterPolicy']],
    ['RequestLimitExceeded', ['transient'], ['AmazonEKSClusterPolicy', 'another account']],
    [undefined, ['AmazonEKSClusterPolicy', 'another account', 'transient'], []],
  ])(
    'gives the steps of the cause EC2 error %s names, and only those (every route when unknown)',
    (code, shown, left) => {
      // Act
      const fix = remediate(
        aFindingOf('TEMPLATE_EC2_LOOKUP_FAILED', { details: code === undefined ? {} : { ec2Error: code } }),
        context,
      );

      // Assess
      const steps = fix.steps.map((step) => step.text).join('\n');
      for (const text of shown) expect(steps).toContain(text);
      for (const text of left) expect(steps).not.toContain(text);
      expect(fix.steps.at(-1)?.command).toBe('kubectl get nodes');
    },
  );

  it('says someone uses the node role when the session is not an instance ID', () => {
    // Act
    const fix = remediate(
      aFindingOf('TEMPLATE_SESSION_NOT_INSTANCE_ID', {
        principal: aRole('eks-node-role', { session: 'jenkins' }),
      }),
      context,
    );

    // Assess
    expect(fix.title).toBe('Someone is using a node role outside a node');
    expect(fix.summary).toContain('session name jenkins');
    expect(allText(fix)).toMatch(/own IAM role/);
  });

  it('recreates the access entry when the ARN does not match the user ID', () => {
    // Act
    const fix = remediate(aFindingOf('IDENTITY_ARN_MISMATCH'), inMode('API'));

    // Assess
    expect(commandText(fix)).toContain('aws eks delete-access-entry');
    expect(commandText(fix)).toContain('aws eks create-access-entry');
  });

  it('renames a reserved username with update-access-entry or in aws-auth, naming the reserved prefixes', () => {
    // Act
    const fix = remediate(
      aFindingOf('USERNAME_RESERVED_PREFIX', { details: { username: 'system:admin' } }),
      inMode('API_AND_CONFIG_MAP'),
    );

    // Assess
    expect(fix.summary).toContain('"system:admin"');
    for (const prefix of ['system:', 'eks:', 'aws:', 'amazon:', 'iam:'])
      expect(fix.summary).toContain(`\`${prefix}\``);
    expect(commandText(fix)).toContain(
      `aws eks update-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn arn:aws:iam::${CLUSTER_ACCOUNT}:role/dev-team --username dev-team`,
    );
    expect(commandText(fix)).toContain('kubectl edit configmap aws-auth -n kube-system');
  });

  it('asks for a username when a mapping renders an empty one', () => {
    // Act
    const fix = remediate(aFindingOf('TEMPLATE_DNS1123'), context);

    // Assess
    expect(commandsOf(fix)).toContain('kubectl edit configmap aws-auth -n kube-system');
    expect(allText(fix)).toMatch(/username/);
  });
});

describe('lines that need no action', () => {
  it.each(['ACCESS_GRANTED', 'STS_RESPONSE', 'INFO'] as const)('says %s needs no action', (category) => {
    // Act
    const fix = remediate(aFindingOf(category), context);

    // Assess
    expect(fix.steps[0]?.text).toMatch(/^No action needed/);
    expect(commandText(fix)).not.toMatch(/create|delete|edit|attach/);
  });

  it('notes that a kubernetes-admin grant in CONFIG_MAP mode is the cluster creator', () => {
    // Act
    const fix = remediate(
      aFindingOf('ACCESS_GRANTED', { details: { username: 'kubernetes-admin' } }),
      context,
    );

    // Assess
    expect(allText(fix)).toContain('This is the cluster creator');
    expect(commandText(fix)).toContain('filter @message like "username=kubernetes-admin"');
  });

  it('does not call a kubernetes-admin grant the creator outside CONFIG_MAP mode', () => {
    // Act
    const fix = remediate(
      aFindingOf('ACCESS_GRANTED', { details: { username: 'kubernetes-admin' } }),
      inMode('API'),
    );

    // Assess
    expect(allText(fix)).not.toContain('cluster creator');
  });
});

describe('aws-auth parse errors', () => {
  it('quotes the YAML error and its line back in prose, never in a command', () => {
    // Prepare
    const yamlError = 'yaml: line 7: did not find expected key';

    // Act
    const fix = remediate(
      aFindingOf('AWS_AUTH_PARSE_ERROR', { details: { yamlError, yamlLine: '7' } }),
      context,
    );

    // Assess
    expect(fix.steps[0]?.text).toBe(`The authenticator reported (line 7): "${yamlError}".`);
    expect(commandText(fix)).not.toContain('did not find expected key');
    expect(fix.title).toBe(
      remediate(aFindingOf('IDENTITY_NOT_MAPPED', { subCause: 'AWS_AUTH_BROKEN' }), context).title,
    );
  });
});

describe('unrecognised lines', () => {
  it('forwards the raw message, runs the general checks, and says how to report it', () => {
    // Act
    const fix = remediate(aFindingOf('UNKNOWN', { error: 'brand new failure mode' }), context);

    // Assess
    expect(fix.steps[0]?.text).toBe('Raw message: "brand new failure mode".');
    expect(commandsOf(fix)).toContain('aws sts get-caller-identity');
    expect(commandsOf(fix)).toContain('kubectl get svc');
    expect(fix.steps.at(-1)?.text).toMatch(/^Report it/);
  });
});
