/**
 * Prints transcripts of `eks-auth-doctor doctor` for the README: the real binary, run as a child
 * process against the test suite's fakes (FakeAws for STS/EKS/CloudWatch Logs/IAM, FakeApiServer for
 * --probe) in a throw-away HOME. No AWS account is involved; the names are the tests' names.
 *
 *   npx tsx test/cli/doctor/transcripts.ts
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { APISERVER_CERT, FakeApiServer } from '../../helpers/fake-apiserver';
import { ACCOUNT, DoctorWorld, eksCluster } from './doctor-world';

const run = promisify(execFile);
// The built CLI (`npm run build` first), as users run it.
const BIN = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'eks-auth-doctor.js');
const DEV_ROLE = `arn:aws:iam::${ACCOUNT}:role/developer`;

interface Scenario {
  readonly title: string;
  readonly prepare: (world: DoctorWorld, api: FakeApiServer) => Promise<readonly string[]>;
}

async function devIdentity(world: DoctorWorld): Promise<void> {
  await world.devProfile();
  world.fake
    .identity('AKIDDEV', {
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/developer/alice`,
      account: ACCOUNT,
      userId: 'AROADEVELOPER:alice',
    })
    .iamRole({ roleName: 'developer', path: '/', arn: DEV_ROLE, roleId: 'AROADEVELOPER' });
}

const SCENARIOS: readonly Scenario[] = [
  {
    title: 'A developer role with neither an access entry nor an aws-auth mapping (the common case)',
    async prepare(world, api) {
      await devIdentity(world);
      const now = Date.now();
      const at = new Date(now - 240_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      world.fake
        .cluster('eu-west-1', eksCluster({ endpoint: api.url, mode: 'API_AND_CONFIG_MAP' }))
        .logEvents('eu-west-1', '/aws/eks/prod/cluster', [
          {
            logStreamName: 'authenticator-4d1b8f0c2e7a4b5c9d3e6f708192a3b4',
            timestamp: now - 240_000,
            message: `time="${at}" level=info msg="STS response" accesskeyid=ASIAEXAMPLE accountid=${ACCOUNT} arn="arn:aws:sts::${ACCOUNT}:assumed-role/developer/alice" client="127.0.0.1:50412" method=POST path=/authenticate session=alice stsendpoint=sts.eu-west-1.amazonaws.com userid=AROADEVELOPER`,
          },
          {
            logStreamName: 'authenticator-4d1b8f0c2e7a4b5c9d3e6f708192a3b4',
            timestamp: now - 240_000,
            message: `time="${at}" level=warning msg="access denied" arn="${DEV_ROLE}" client="127.0.0.1:50412" error="ARN is not mapped" method=POST path=/authenticate`,
          },
        ]);
      await world.kubeconfig({
        server: api.url,
        certificateAuthority: APISERVER_CERT,
        env: { AWS_PROFILE: 'dev' },
      });
      return ['--kubeconfig', 'kubeconfig', '--probe'];
    },
  },
  {
    title: 'A kubeconfig whose token command names another cluster',
    async prepare(world, api) {
      await devIdentity(world);
      world.fake
        .cluster('eu-west-1', eksCluster({ endpoint: api.url, mode: 'API' }))
        .accessEntry('eu-west-1', 'prod', { principalArn: DEV_ROLE, type: 'STANDARD' }, [
          {
            policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
            accessScope: { type: 'cluster' },
          },
        ])
        .logEvents('eu-west-1', '/aws/eks/prod/cluster', []);
      api.principal('AKIDDEV', { secretAccessKey: 'dev-secret', status: 200 });
      await world.kubeconfig({
        server: api.url,
        certificateAuthority: APISERVER_CERT,
        env: { AWS_PROFILE: 'dev' },
        args: ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'prod-old', '--output', 'json'],
      });
      return ['--kubeconfig', 'kubeconfig', '--probe'];
    },
  },
  {
    title: 'An expired IAM Identity Center (SSO) session',
    async prepare(world) {
      await world.expiredSsoSession('developer');
      world.fake.cluster('eu-west-1', eksCluster({}));
      await world.kubeconfig({
        server: 'https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
        env: { AWS_PROFILE: 'dev' },
      });
      return ['--kubeconfig', 'kubeconfig'];
    },
  },
];

for (const scenario of SCENARIOS) {
  const world = await new DoctorWorld().open();
  const api = await new FakeApiServer('prod').start();
  try {
    const argv = await scenario.prepare(world, api);
    const env = { ...process.env, NODE_NO_WARNINGS: '1' };
    const result = await run(process.execPath, [BIN, 'doctor', ...argv], { cwd: world.dir, env }).catch(
      (error: { stdout: string; code: number }) => error,
    );
    console.log(`### ${scenario.title}\n\n$ eks-auth-doctor doctor ${argv.join(' ')}\n${result.stdout}`);
  } finally {
    await api.stop();
    await world.close();
  }
}
