import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TEXT_LINES } from '../../cli/doctor/render-text';
import { APISERVER_CERT, FakeApiServer } from '../helpers/fake-apiserver';
import { ACCOUNT, DEV_KEY, type DoctorRun, DoctorWorld, eksCluster, NOW } from './doctor/doctor-world';
import { runCli } from './run-cli';

const DEV_ROLE = `arn:aws:iam::${ACCOUNT}:role/Dev`;
const VIEW_POLICY = {
  policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
  accessScope: { type: 'cluster' as const },
};
const PROD_SERVER = 'https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com';

let world: DoctorWorld;
beforeEach(async () => {
  world = await new DoctorWorld().open();
});
afterEach(() => world.close());

/** Profile `dev` signs in as the Dev role (its access key AKIDDEV), as most developers do. */
async function signedInAsDev(options: { path?: string } = {}): Promise<void> {
  await world.devProfile();
  const path = options.path ?? '/';
  world.fake
    .identity('AKIDDEV', {
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Dev/alice`,
      account: ACCOUNT,
      userId: 'AROADEV:alice',
    })
    .iamRole({ roleName: 'Dev', path, arn: `arn:aws:iam::${ACCOUNT}:role${path}Dev`, roleId: 'AROADEV' });
}

/** The kubeconfig `aws eks update-kubeconfig --name prod --region eu-west-1 --profile dev` writes. */
function devKubeconfig(overrides: Parameters<DoctorWorld['kubeconfig']>[0] | object = {}) {
  return world.kubeconfig({ server: PROD_SERVER, env: { AWS_PROFILE: 'dev' }, ...overrides });
}

/** Runs the text form and the JSON form; both must agree, and the text must fit a ticket. */
async function doctor(
  argv: readonly string[],
): Promise<{ text: DoctorRun; json: NonNullable<DoctorRun['json']> }> {
  const text = await world.doctor(argv);
  const json = await world.doctor([...argv, '--format', 'json']);
  expect(text.lines.length).toBeLessThanOrEqual(MAX_TEXT_LINES);
  expect(json.code).toBe(text.code);
  if (!json.json) throw new Error('no JSON');
  return { text, json: json.json };
}

function line(run: DoctorRun, title: string): string {
  return run.lines.find((candidate) => candidate.slice(2).startsWith(`${title}:`)) ?? `(no "${title}" line)`;
}

function commands(json: NonNullable<DoctorRun['json']>): string[] {
  return json.verdict.steps.flatMap((step) => (step.command ? [step.command] : []));
}

describe('eks-auth-doctor doctor: when nothing is wrong', () => {
  it('finds no problem when the role has an access entry with a policy and a fresh token is accepted', async () => {
    // Prepare
    const api = await new FakeApiServer('prod').start();
    try {
      await signedInAsDev();
      api.principal('AKIDDEV', { secretAccessKey: DEV_KEY.secretAccessKey, status: 200 });
      world.fake
        .cluster('eu-west-1', eksCluster({ endpoint: api.url }))
        .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE, type: 'STANDARD' }, [VIEW_POLICY])
        .logEvents('eu-west-1', '/aws/eks/prod/cluster', []);
      const kubeconfig = await devKubeconfig({ server: api.url, certificateAuthority: APISERVER_CERT });

      // Act
      const { text, json } = await doctor(['--kubeconfig', kubeconfig, '--probe']);

      // Assess
      expect(text.code).toBe(0);
      expect(json.verdict).toMatchObject({ id: 'NO_PROBLEM_FOUND', problem: false });
      expect(json.checks.map((check) => check.id)).toEqual([
        'kubeconfig',
        'token-command',
        'command-on-path',
        'identity',
        'principal',
        'cluster',
        'endpoint',
        'endpoint-access',
        'access-entry',
        'access-policies',
        'aws-auth',
        'authenticator-log',
        'probe',
      ]);
      expect(line(text, 'identity')).toBe(
        `✓ identity: arn:aws:sts::${ACCOUNT}:assumed-role/Dev/alice (profile dev)`,
      );
      expect(line(text, 'authenticator sees')).toBe(`✓ authenticator sees: ${DEV_ROLE} (IAM role)`);
      expect(line(text, 'probe')).toBe(
        '✓ probe: HTTP 200: a fresh token is accepted (and may list services)',
      );
      expect(text.lines).toContain('✓ Verdict: No problem found');
    } finally {
      await api.stop();
    }
  });

  it('makes the probe token as aws eks get-token does: presigned GetCallerIdentity for 60 s on the regional STS host', async () => {
    const api = await new FakeApiServer('prod').start();
    try {
      await signedInAsDev();
      api.principal('AKIDDEV', { secretAccessKey: DEV_KEY.secretAccessKey, status: 200 });
      world.fake
        .cluster('eu-west-1', eksCluster({ endpoint: api.url }))
        .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE }, [VIEW_POLICY]);
      const kubeconfig = await devKubeconfig({ server: api.url, certificateAuthority: APISERVER_CERT });

      await world.doctor(['--kubeconfig', kubeconfig, '--probe']);

      expect(api.tokens).toHaveLength(1);
      expect(api.tokens[0]?.host).toBe('sts.eu-west-1.amazonaws.com');
      expect(api.tokens[0]?.query).toMatchObject({
        Action: 'GetCallerIdentity',
        Version: '2011-06-15',
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': `AKIDDEV/20260302/eu-west-1/sts/aws4_request`,
        'X-Amz-Date': NOW.toISOString().replace(/[-:]|\.\d{3}/g, ''),
        'X-Amz-Expires': '60',
        'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      });
    } finally {
      await api.stop();
    }
  });
});

describe('eks-auth-doctor doctor: the classic mistakes', () => {
  it('wrong cluster name: the token is signed for another name, which STS refuses as SignatureDoesNotMatch', async () => {
    const api = await new FakeApiServer('prod').start();
    try {
      await signedInAsDev();
      api.principal('AKIDDEV', { secretAccessKey: DEV_KEY.secretAccessKey, status: 200 });
      world.fake
        .cluster('eu-west-1', eksCluster({ endpoint: api.url }))
        .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE }, [VIEW_POLICY]);
      const kubeconfig = await devKubeconfig({
        server: api.url,
        certificateAuthority: APISERVER_CERT,
        args: ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'prod-old', '--output', 'json'],
      });

      const { text, json } = await doctor(['--kubeconfig', kubeconfig, '--probe']);

      expect(text.code).toBe(1);
      expect(json.verdict).toMatchObject({ id: 'WRONG_CLUSTER_NAME', category: 'STS_SIGNATURE_MISMATCH' });
      expect(line(text, 'kubeconfig → cluster')).toBe(
        "✗ kubeconfig → cluster: the token is signed for cluster prod-old, but the server is prod's",
      );
      expect(line(text, 'probe')).toBe('✗ probe: HTTP 401 Unauthorized: the cluster refuses a fresh token');
      expect(json.verdict.steps[0]?.text).toBe(
        "Check the `--cluster-name` in the kubeconfig's exec args; it must be exactly prod.",
      );
      expect(commands(json)).toContain(
        'aws eks update-kubeconfig --name prod --region eu-west-1 --profile dev',
      );
    } finally {
      await api.stop();
    }
  });

  it('wrong region: the kubeconfig reaches the cluster of the same name in another region', async () => {
    await signedInAsDev();
    world.fake
      .cluster('eu-west-1', eksCluster({}))
      .cluster('us-east-1', eksCluster({ region: 'us-east-1' }))
      .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE }, [VIEW_POLICY]);
    const kubeconfig = await devKubeconfig({
      clusterArn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`,
      server: 'https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com',
    });

    const { text, json } = await doctor(['--kubeconfig', kubeconfig, '--region', 'eu-west-1']);

    expect(json.verdict.id).toBe('WRONG_REGION');
    expect(line(text, 'kubeconfig → cluster')).toBe(
      '✗ kubeconfig → cluster: the server https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com is in us-east-1, not prod in eu-west-1',
    );
    expect(json.verdict.summary).toBe(
      'You mean prod in eu-west-1, but the kubeconfig’s server is in us-east-1, so kubectl talks to another cluster (where you are probably not mapped).',
    );
    expect(commands(json)[0]).toBe('aws eks update-kubeconfig --name prod --region eu-west-1 --profile dev');
    expect(world.fake.calls('eks:DescribeCluster').map((call) => call.region)).toEqual([
      'eu-west-1',
      'eu-west-1',
    ]);
  });

  it('missing profile: the kubeconfig names a profile this machine does not have', async () => {
    await world.awsFiles({ config: '[profile other]\nregion = eu-west-1\n', credentials: '' });
    world.fake.cluster('eu-west-1', eksCluster({}));
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(json.verdict.id).toBe('PROFILE_NOT_FOUND');
    expect(line(text, 'identity')).toMatch(
      /^✗ identity: profile dev is not defined in .*\/config or .*\/credentials$/,
    );
    expect(commands(json)).toEqual([
      'aws configure list-profiles',
      'aws configure sso --profile dev',
      'aws configure --profile dev',
      'aws eks update-kubeconfig --name prod --region eu-west-1 --profile <profile>',
      'kubectl get svc',
    ]);
    expect(world.fake.calls('sts:GetCallerIdentity')).toHaveLength(0);
  });

  it('role-arn to a role that is not mapped: the assumed role is missing from aws-auth', async () => {
    await signedInAsDev();
    world.fake
      .assumableRole(`arn:aws:iam::${ACCOUNT}:role/EksAdmin`, {
        accessKeyId: 'ASIAEKSADMIN',
        roleId: 'AROAEKSADMIN',
      })
      .iamRole({
        roleName: 'EksAdmin',
        path: '/',
        arn: `arn:aws:iam::${ACCOUNT}:role/EksAdmin`,
        roleId: 'AROAEKSADMIN',
      })
      .cluster('eu-west-1', eksCluster({ mode: 'CONFIG_MAP' }));
    const kubeconfig = await devKubeconfig({
      args: [
        '--region',
        'eu-west-1',
        'eks',
        'get-token',
        '--cluster-name',
        'prod',
        '--output',
        'json',
        '--role-arn',
        `arn:aws:iam::${ACCOUNT}:role/EksAdmin`,
      ],
    });
    const awsAuth = await world.file(
      'aws-auth.yaml',
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: aws-auth, namespace: kube-system}',
        'data:',
        '  mapRoles: |',
        `    - rolearn: arn:aws:iam::${ACCOUNT}:role/eks-nodes`,
        '      username: system:node:{{EC2PrivateDNSName}}',
        '      groups: [system:bootstrappers, system:nodes]',
        `    - rolearn: ${DEV_ROLE}`,
        '      username: dev',
        '      groups: [eks-viewers]',
        '',
      ].join('\n'),
    );

    const { text, json } = await doctor(['--kubeconfig', kubeconfig, '--aws-auth', awsAuth]);

    expect(json.verdict).toMatchObject({
      id: 'NOT_MAPPED',
      category: 'IDENTITY_NOT_MAPPED',
      subCause: 'NOT_IN_AWS_AUTH',
    });
    expect(line(text, 'identity')).toBe(
      `✓ identity: arn:aws:sts::${ACCOUNT}:assumed-role/Dev/alice (profile dev) → arn:aws:sts::${ACCOUNT}:assumed-role/EksAdmin/EKSGetTokenAuth`,
    );
    expect(line(text, 'aws-auth')).toBe(
      `✗ aws-auth: no rolearn or userarn for arn:aws:iam::${ACCOUNT}:role/EksAdmin among its 2 entries`,
    );
    expect(json.verdict.summary).toBe(
      `IAM role arn:aws:iam::${ACCOUNT}:role/EksAdmin authenticated with AWS but has no entry in the aws-auth ConfigMap, so the cluster does not know who it is.`,
    );
    expect(commands(json)).toContain(
      `eksctl create iamidentitymapping --cluster prod --region eu-west-1 --arn arn:aws:iam::${ACCOUNT}:role/EksAdmin --username EksAdmin --group eks-viewers --no-duplicate-arns`,
    );
    expect(world.fake.calls('sts:AssumeRole')[0]?.params).toMatchObject({
      RoleSessionName: 'EKSGetTokenAuth',
    });
  });

  it('SSO path in aws-auth: the Identity Center role is listed with its /aws-reserved/ path', async () => {
    const sso = 'AWSReservedSSO_Developer_0123456789abcdef';
    const ssoPathArn = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${sso}`;
    await world.devProfile();
    world.fake
      .identity('AKIDDEV', {
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${sso}/alice@example.com`,
        account: ACCOUNT,
        userId: 'AROASSO:alice',
      })
      .iamRole({
        roleName: sso,
        path: '/aws-reserved/sso.amazonaws.com/eu-west-1/',
        arn: ssoPathArn,
        roleId: 'AROASSO',
      })
      .cluster('eu-west-1', eksCluster({ mode: 'CONFIG_MAP' }));
    const kubeconfig = await devKubeconfig();
    const awsAuth = await world.file(
      'aws-auth.yaml',
      `data:\n  mapRoles: |\n    - rolearn: ${ssoPathArn}\n      username: developer\n      groups: [eks-viewers]\n`,
    );

    const { text, json } = await doctor(['--kubeconfig', kubeconfig, '--aws-auth', awsAuth]);

    expect(json.verdict).toMatchObject({ id: 'NOT_MAPPED', subCause: 'ROLE_PATH_IN_AWS_AUTH' });
    expect(line(text, 'authenticator sees')).toBe(
      `✓ authenticator sees: arn:aws:iam::${ACCOUNT}:role/${sso} (IAM Identity Center role: aws-auth names it without its /aws-reserved/sso.amazonaws.com/ path, an access entry with it)`,
    );
    expect(line(text, 'aws-auth')).toBe(
      `✗ aws-auth: lists the role with its path (${ssoPathArn}); the authenticator matches arn:aws:iam::${ACCOUNT}:role/${sso}`,
    );
    expect(json.verdict.steps.map((step) => step.text)).toContain(
      `Edit aws-auth and change that \`rolearn\` to arn:aws:iam::${ACCOUNT}:role/${sso} (no path), keeping its username and groups.`,
    );
  });

  it('API mode without an entry: aws-auth is ignored, the full role ARN needs an access entry', async () => {
    await signedInAsDev({ path: '/team/' });
    world.fake.cluster('eu-west-1', eksCluster({ mode: 'API' }));
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(json.verdict).toMatchObject({
      id: 'NOT_MAPPED',
      category: 'IDENTITY_NOT_MAPPED',
      subCause: 'MODE_API_IGNORES_AWS_AUTH',
    });
    expect(line(text, 'access entry')).toBe(`✗ access entry: none for arn:aws:iam::${ACCOUNT}:role/team/Dev`);
    expect(line(text, 'aws-auth')).toBe('✓ aws-auth: not used: the cluster is in API mode');
    expect(world.fake.calls('eks:DescribeAccessEntry')[0]?.params).toMatchObject({
      principalArn: `arn:aws:iam::${ACCOUNT}:role/team/Dev`,
    });
    expect(json.verdict.title).toBe('Cluster ignores aws-auth: an access entry is needed');
    expect(commands(json)).toContain(
      `aws eks create-access-entry --cluster-name prod --region eu-west-1 --principal-arn arn:aws:iam::${ACCOUNT}:role/team/Dev`,
    );
  });

  it('entry without policies: the role authenticates, then every request is Forbidden', async () => {
    const api = await new FakeApiServer('prod').start();
    try {
      await signedInAsDev();
      api.principal('AKIDDEV', { secretAccessKey: DEV_KEY.secretAccessKey, status: 403 });
      world.fake
        .cluster('eu-west-1', eksCluster({ mode: 'API', endpoint: api.url }))
        .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE, type: 'STANDARD', username: DEV_ROLE });
      const kubeconfig = await devKubeconfig({ server: api.url, certificateAuthority: APISERVER_CERT });

      const { text, json } = await doctor(['--kubeconfig', kubeconfig, '--probe']);

      expect(json.verdict.id).toBe('ACCESS_ENTRY_NO_PERMISSIONS');
      expect(line(text, 'access policies')).toBe(
        '✗ access policies: none, and no Kubernetes groups: requests authenticate, then every one is Forbidden (403)',
      );
      expect(line(text, 'probe')).toMatch(
        /^✗ probe: HTTP 403 Forbidden: authenticated, but not allowed to list services/,
      );
      expect(commands(json)[0]).toBe(
        `aws eks associate-access-policy --cluster-name prod --region eu-west-1 --principal-arn ${DEV_ROLE} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster`,
      );
    } finally {
      await api.stop();
    }
  });

  it('authenticator logging off: nothing from outside shows the aws-auth mapping; the fix starts by turning logging on', async () => {
    await signedInAsDev();
    world.fake.cluster('eu-west-1', eksCluster({ mode: 'CONFIG_MAP', authenticatorLogging: false }));
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    const enable = `aws eks update-cluster-config --name prod --region eu-west-1 --logging '{"clusterLogging":[{"types":["authenticator"],"enabled":true}]}'`;
    expect(json.verdict.id).toBe('MAPPING_UNKNOWN');
    expect(line(text, 'authenticator log')).toBe(
      `? authenticator log: authenticator logging is off; to turn it on: ${enable}`,
    );
    expect(json.verdict.summary).toBe(
      `Only aws-auth can map ${DEV_ROLE} on prod, and aws-auth is readable only from inside the cluster; authenticator logging is off, so the log cannot say either.`,
    );
    expect(commands(json).slice(0, 3)).toEqual([
      enable,
      'kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml',
      'eks-auth-doctor doctor --cluster prod --region eu-west-1 --aws-auth aws-auth.yaml',
    ]);
    expect(world.fake.calls('logs:FilterLogEvents')).toHaveLength(0);
  });

  it('expired credentials: STS answers ExpiredToken, and the fix is the pipeline’s STS_EXPIRED_CREDENTIALS with the profile filled in', async () => {
    await world.devProfile();
    world.fake.rejectKey('AKIDDEV', 'ExpiredToken');
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(json.verdict).toMatchObject({ id: 'CREDENTIALS_EXPIRED', category: 'STS_EXPIRED_CREDENTIALS' });
    expect(line(text, 'identity')).toBe(
      '✗ identity: profile dev: ExpiredToken: the AWS credentials have expired',
    );
    expect(json.verdict.title).toBe('AWS session credentials expired');
    expect(commands(json)).toEqual([
      'aws sso login --profile dev',
      'aws sts get-caller-identity --profile dev',
      'kubectl get svc',
    ]);
    expect(line(text, 'cluster')).toBe('? cluster: prod in eu-west-1 not checked without AWS credentials');
  });

  it('expired SSO session: the IAM Identity Center token in the cache is past its expiry', async () => {
    await world.expiredSsoSession('Developer');
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(json.verdict.id).toBe('SSO_SESSION_EXPIRED');
    expect(line(text, 'identity')).toBe(
      '✗ identity: profile dev: the IAM Identity Center (SSO) session has expired',
    );
    expect(commands(json)[0]).toBe('aws sso login --profile dev');
    expect(world.fake.requests).toHaveLength(0);
  });

  it('private endpoint only: from outside the VPC the probe times out, which is not an Unauthorized', async () => {
    const api = await new FakeApiServer('prod').start();
    try {
      await signedInAsDev();
      api.hang();
      world.fake
        .cluster('eu-west-1', eksCluster({ endpoint: api.url, publicAccess: false }))
        .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE }, [VIEW_POLICY])
        .logEvents('eu-west-1', '/aws/eks/prod/cluster', []);
      const kubeconfig = await devKubeconfig({ server: api.url, certificateAuthority: APISERVER_CERT });

      const { text, json } = await doctor(['--kubeconfig', kubeconfig, '--probe']);

      expect(json.verdict.id).toBe('PRIVATE_ENDPOINT');
      expect(line(text, 'endpoint access')).toBe(
        '? endpoint access: private only: from outside its VPC kubectl times out (that is not an Unauthorized)',
      );
      expect(line(text, 'probe')).toBe(
        `✗ probe: no answer from ${api.url} within 0.4 s (a private endpoint, a VPN or a firewall)`,
      );
      expect(json.verdict.title).toBe('The cluster endpoint is private: kubectl must run inside its VPC');
    } finally {
      await api.stop();
    }
  });
});

describe('eks-auth-doctor doctor: credentials the AWS CLI would really use', () => {
  it('stale keys in the shell win over AWS_PROFILE, as in the AWS CLI: the pipeline’s STS_INVALID_CLIENT_TOKEN fix', async () => {
    await world.devProfile();
    process.env.AWS_ACCESS_KEY_ID = 'AKIDSTALE';
    process.env.AWS_SECRET_ACCESS_KEY = 'stale-secret';
    world.fake.rejectKey('AKIDSTALE', 'InvalidClientToken').cluster('eu-west-1', eksCluster({}));
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(line(text, 'identity')).toBe(
      '✗ identity: AWS_ACCESS_KEY_ID in the environment, which the AWS CLI uses instead of AWS_PROFILE=dev: InvalidClientTokenId: AWS does not recognise the credentials',
    );
    expect(json.verdict).toMatchObject({ id: 'CREDENTIALS_INVALID', category: 'STS_INVALID_CLIENT_TOKEN' });
    expect(commands(json)).toContain('env | grep AWS_');
    expect(world.fake.calls('sts:GetCallerIdentity').map((call) => call.accessKeyId)).toEqual([
      'AKIDSTALE',
      'AKIDSTALE',
    ]);
  });

  it('checks the cluster named on the command line when there is no kubeconfig at all', async () => {
    await signedInAsDev();
    world.fake
      .cluster('eu-west-1', eksCluster({ mode: 'API' }))
      .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE }, [VIEW_POLICY])
      .logEvents('eu-west-1', '/aws/eks/prod/cluster', []);

    const { text, json } = await doctor(['--cluster', 'prod', '--region', 'eu-west-1', '--profile', 'dev']);

    expect(line(text, 'kubeconfig')).toMatch(
      /^\? kubeconfig: no kubeconfig at .*; checking cluster prod as asked$/,
    );
    expect(line(text, 'access policies')).toBe('✓ access policies: AmazonEKSViewPolicy (cluster)');
    expect(json.verdict.id).toBe('NO_PROBLEM_FOUND');
  });
});

describe('eks-auth-doctor doctor: what the authenticator said', () => {
  it('takes the verdict from the logged denial, classified by the same engine as the pipeline', async () => {
    await signedInAsDev();
    world.fake
      .cluster('eu-west-1', eksCluster({ mode: 'API_AND_CONFIG_MAP' }))
      .logEvents('eu-west-1', '/aws/eks/prod/cluster', [
        {
          logStreamName: 'authenticator-0123456789abcdef0123456789abcdef',
          timestamp: NOW.getTime() - 600_000,
          message: `time="2026-03-02T09:50:00Z" level=info msg="STS response" accesskeyid=ASIAEXAMPLE accountid=${ACCOUNT} arn="arn:aws:sts::${ACCOUNT}:assumed-role/Dev/alice" client="127.0.0.1:50412" method=POST path=/authenticate session=alice stsendpoint=sts.eu-west-1.amazonaws.com userid=AROADEV`,
        },
        {
          logStreamName: 'authenticator-0123456789abcdef0123456789abcdef',
          timestamp: NOW.getTime() - 600_000,
          message: `time="2026-03-02T09:50:00Z" level=warning msg="access denied" arn="${DEV_ROLE}" client="127.0.0.1:50412" error="ARN is not mapped" method=POST path=/authenticate`,
        },
        {
          logStreamName: 'authenticator-0123456789abcdef0123456789abcdef',
          timestamp: NOW.getTime() - 500_000,
          message: `time="2026-03-02T09:51:40Z" level=warning msg="access denied" arn="arn:aws:iam::${ACCOUNT}:role/Other" client="127.0.0.1:50413" error="ARN is not mapped" method=POST path=/authenticate`,
        },
      ]);
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig, '--since', '30m']);

    expect(line(text, 'authenticator log')).toBe(
      '✗ authenticator log: 1 denial in the last 30m, latest at 2026-03-02T09:50:00Z: IDENTITY_NOT_MAPPED/NOT_IN_AWS_AUTH: "ARN is not mapped"',
    );
    expect(json.verdict).toMatchObject({
      id: 'NOT_MAPPED',
      category: 'IDENTITY_NOT_MAPPED',
      subCause: 'NOT_IN_AWS_AUTH',
    });
    expect(json.verdict.summary).toBe(
      `IAM role ${DEV_ROLE} authenticated with AWS but has neither an access entry nor an aws-auth mapping, so the cluster does not know who it is.`,
    );
    expect(world.fake.calls('logs:FilterLogEvents')[0]?.params).toMatchObject({
      logGroupName: '/aws/eks/prod/cluster',
      logStreamNamePrefix: 'authenticator',
      startTime: NOW.getTime() - 30 * 60_000,
      endTime: NOW.getTime(),
      filterPattern: '"Dev"',
    });
  });

  it('says no problem when the latest record is a grant, even after earlier denials', async () => {
    await signedInAsDev();
    world.fake
      .cluster('eu-west-1', eksCluster({ mode: 'CONFIG_MAP' }))
      .logEvents('eu-west-1', '/aws/eks/prod/cluster', [
        {
          logStreamName: 'authenticator-abc',
          timestamp: NOW.getTime() - 900_000,
          message: `time="2026-03-02T09:45:00Z" level=warning msg="access denied" arn="${DEV_ROLE}" client="127.0.0.1:1" error="ARN is not mapped" method=POST path=/authenticate`,
        },
        {
          logStreamName: 'authenticator-abc',
          timestamp: NOW.getTime() - 60_000,
          message: `time="2026-03-02T09:59:00Z" level=info msg="access granted" arn="${DEV_ROLE}" client="127.0.0.1:2" groups="[eks-viewers]" method=POST path=/authenticate uid="aws-iam-authenticator:${ACCOUNT}:AROADEV" username=dev`,
        },
      ]);
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(line(text, 'authenticator log')).toBe(
      '✓ authenticator log: granted at 2026-03-02T09:59:00Z as dev, after 1 denials',
    );
    expect(json.verdict.id).toBe('NO_PROBLEM_FOUND');
  });
});

describe('eks-auth-doctor doctor: kubeconfig mistakes before any AWS call', () => {
  it('a static EKS token in the kubeconfig: the pipeline’s TOKEN_EXPIRED fix, with the signing time read from the token', async () => {
    await signedInAsDev();
    world.fake.cluster('eu-west-1', eksCluster({}));
    const url = `https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Date=20260301T080000Z&X-Amz-Expires=60`;
    const kubeconfig = await devKubeconfig({ token: `k8s-aws-v1.${Buffer.from(url).toString('base64url')}` });

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(json.verdict).toMatchObject({ id: 'STATIC_TOKEN', category: 'TOKEN_EXPIRED' });
    expect(line(text, 'token command')).toMatch(
      /^✗ token command: user .* has a static token instead of an exec plugin/,
    );
    expect(json.verdict.steps.map((step) => step.text).join('\n')).toContain('2026-03-01 08:00:00 +0000 UTC');
    expect(text.stdout).not.toContain('k8s-aws-v1.');
  });

  it('the removed exec API v1alpha1', async () => {
    await signedInAsDev();
    world.fake.cluster('eu-west-1', eksCluster({}));
    const kubeconfig = await devKubeconfig({ apiVersion: 'client.authentication.k8s.io/v1alpha1' });

    const { json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(json.verdict.id).toBe('EXEC_API_VERSION_REMOVED');
    expect(commands(json)).toContain(
      'aws eks update-kubeconfig --name prod --region eu-west-1 --profile dev',
    );
  });

  it('no aws on PATH', async () => {
    await signedInAsDev();
    await world.removeExecutable('aws');
    world.fake.cluster('eu-west-1', eksCluster({}));
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(json.verdict.id).toBe('EXEC_COMMAND_NOT_FOUND');
    expect(line(text, 'command on PATH')).toBe(
      '✗ command on PATH: aws is not on PATH, so kubectl cannot run the token command',
    );
  });

  it('an access entry for another ARN form of the role (without its path)', async () => {
    await signedInAsDev({ path: '/team/' });
    world.fake
      .cluster('eu-west-1', eksCluster({ mode: 'API' }))
      .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE }, [VIEW_POLICY]);
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(json.verdict.id).toBe('ACCESS_ENTRY_WRONG_ARN');
    expect(line(text, 'access entry')).toBe(
      `✗ access entry: none for arn:aws:iam::${ACCOUNT}:role/team/Dev, but one for ${DEV_ROLE}, another ARN of the same principal`,
    );
    expect(commands(json)).toContain(
      `aws eks create-access-entry --cluster-name prod --region eu-west-1 --principal-arn arn:aws:iam::${ACCOUNT}:role/team/Dev`,
    );
  });
});

describe('eks-auth-doctor doctor: what --probe finds on the way to the API server', () => {
  it('a stale CA in the kubeconfig fails TLS, which is not an Unauthorized', async () => {
    const api = await new FakeApiServer('prod').start();
    try {
      await signedInAsDev();
      world.fake
        .cluster('eu-west-1', eksCluster({ endpoint: api.url, mode: 'API' }))
        .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE }, [VIEW_POLICY])
        .logEvents('eu-west-1', '/aws/eks/prod/cluster', []);
      const kubeconfig = await devKubeconfig({ server: api.url });

      const { text, json } = await doctor(['--kubeconfig', kubeconfig, '--probe']);

      expect(line(text, 'probe')).toMatch(
        /^✗ probe: TLS with https:\/\/127\.0\.0\.1:\d+ failed \(.+\): check certificate-authority-data$/,
      );
      expect(json.verdict).toMatchObject({
        id: 'ENDPOINT_UNREACHABLE',
        title: 'The API server’s certificate does not match the kubeconfig',
      });
      expect(commands(json)).toContain(
        'aws eks update-kubeconfig --name prod --region eu-west-1 --profile dev',
      );
    } finally {
      await api.stop();
    }
  });
});

describe('eks-auth-doctor doctor: never a stack trace', () => {
  it('reports a refused read as the permission it needs, and carries on', async () => {
    await signedInAsDev();
    world.fake.cluster('eu-west-1', eksCluster({})).fail('eks:DescribeCluster', 'AccessDenied');
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(line(text, 'cluster')).toBe(
      '? cluster: prod in eu-west-1: AccessDeniedException: this check needs eks:DescribeCluster (read-only)',
    );
    expect(json.checks.find((check) => check.id === 'cluster')?.permission).toBe('eks:DescribeCluster');
    expect(json.verdict.id).toBe('CHECKS_INCOMPLETE');
    expect(json.verdict.summary).toContain('eks:DescribeCluster');
    expect(text.stdout).not.toMatch(/\n\s+at /);
  });

  it('names logs:FilterLogEvents when the log may not be read', async () => {
    await signedInAsDev();
    world.fake
      .cluster('eu-west-1', eksCluster({ mode: 'API' }))
      .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE }, [VIEW_POLICY])
      .fail('logs:FilterLogEvents', 'AccessDenied');
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(line(text, 'authenticator log')).toBe(
      '? authenticator log: /aws/eks/prod/cluster: AccessDeniedException: this check needs logs:FilterLogEvents (read-only)',
    );
    expect(json.verdict.id).toBe('CHECKS_INCOMPLETE');
  });

  it('runs every check even when the AWS endpoint answers nothing useful', async () => {
    await world.devProfile();
    process.env.AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:1';
    const kubeconfig = await devKubeconfig();

    const { text, json } = await doctor(['--kubeconfig', kubeconfig]);

    expect(json.checks).toHaveLength(13);
    expect(line(text, 'identity')).toMatch(/^\? identity: profile dev: cannot reach the AWS endpoint/);
    expect(text.code).toBe(1);
  });

  it('strips control characters a kubeconfig could carry into the terminal', async () => {
    await signedInAsDev();
    const kubeconfig = await world.kubeconfig({
      server: 'https://evil.example\u001b[2J\u001b]0;owned\u0007',
      env: { AWS_PROFILE: 'dev' },
    });

    const { text } = await doctor(['--kubeconfig', kubeconfig]);

    expect(text.stdout).not.toContain('\u001b');
    expect(text.stdout).not.toContain('\u0007');
  });

  it('refuses a malformed --since with the usage', async () => {
    const result = await runCli(['doctor', '--since', 'forever']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'eks-auth-doctor doctor: --since must be a duration such as 30m, 1h or 2d',
    );
  });
});
