import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { doctorEnvironment } from '../../../cli/doctor/environment';
import { doctorCommand } from '../../../cli/doctor-command';
import { type EksClusterJson, FakeAws } from '../../helpers/fake-aws';
import { runCommand } from '../run-cli';

export const ACCOUNT = '111122223333';
/** The doctor's clock in these tests: log events are placed relative to it. */
export const NOW = new Date('2026-03-02T10:00:00Z');
export const DEV_KEY = { accessKeyId: 'AKIDDEV', secretAccessKey: 'dev-secret' };

/** The environment variables a test run controls; every one is restored afterwards. */
const CONTROLLED = [
  'HOME',
  'PATH',
  'KUBECONFIG',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_EKS',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_ENDPOINT_URL_IAM',
] as const;

/** A kubeconfig entry as `aws eks update-kubeconfig` writes it (names are the cluster ARN). */
export interface KubeconfigSpec {
  readonly clusterArn?: string;
  readonly server: string;
  readonly certificateAuthority?: string;
  /** Default: `aws --region <region> eks get-token --cluster-name <name> --output json`. */
  readonly command?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly apiVersion?: string;
  /** A static token instead of the exec block. */
  readonly token?: string;
}

export interface DoctorRun {
  readonly code: number;
  readonly stdout: string;
  readonly lines: readonly string[];
  /** `--format json` runs only. */
  readonly json?: DoctorJson;
}

export interface DoctorJson {
  readonly checks: readonly {
    id: string;
    status: string;
    title: string;
    detail: string;
    permission?: string;
  }[];
  readonly verdict: {
    readonly id: string;
    readonly problem: boolean;
    readonly category?: string;
    readonly subCause?: string;
    readonly title: string;
    readonly summary: string;
    readonly steps: readonly { text: string; command?: string }[];
    readonly warnings: readonly string[];
  };
}

/**
 * One test's machine: a temp HOME with ~/.aws files and a kubeconfig, an `aws` executable on PATH,
 * and the fake AWS on 127.0.0.1 that the real SDK is pointed at through AWS_ENDPOINT_URL_*. Nothing
 * reaches the real ~/.aws, IMDS or AWS. `close()` removes the folder and restores the environment.
 */
export class DoctorWorld {
  readonly fake = new FakeAws();
  dir = '';
  private saved: Record<string, string | undefined> = {};

  async open(): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'doctor-'));
    await mkdir(join(this.dir, 'home', '.aws'), { recursive: true });
    await mkdir(join(this.dir, 'bin'));
    await this.executable('aws');
    await this.fake.start();
    this.saved = Object.fromEntries(CONTROLLED.map((name) => [name, process.env[name]]));
    for (const name of CONTROLLED) delete process.env[name];
    Object.assign(process.env, {
      HOME: join(this.dir, 'home'),
      PATH: join(this.dir, 'bin'),
      AWS_CONFIG_FILE: join(this.dir, 'home', '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(this.dir, 'home', '.aws', 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...this.fake.endpointEnv(),
    });
    return this;
  }

  async close(): Promise<void> {
    for (const name of CONTROLLED) {
      const value = this.saved[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await this.fake.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** An executable file named `name` on PATH (never run: the doctor only looks for it). */
  async executable(name: string): Promise<void> {
    const file = join(this.dir, 'bin', name);
    await writeFile(file, '#!/bin/sh\nexit 1\n');
    await chmod(file, 0o755);
  }

  async removeExecutable(name: string): Promise<void> {
    await rm(join(this.dir, 'bin', name), { force: true });
  }

  /** ~/.aws/config and ~/.aws/credentials, as INI text. */
  async awsFiles(files: { config?: string; credentials?: string }): Promise<void> {
    await writeFile(join(this.dir, 'home', '.aws', 'config'), files.config ?? '');
    await writeFile(join(this.dir, 'home', '.aws', 'credentials'), files.credentials ?? '');
  }

  /** The usual developer set-up: profile `dev` with an access key, region eu-west-1. */
  async devProfile(): Promise<void> {
    await this.awsFiles({
      config: '[profile dev]\nregion = eu-west-1\noutput = json\n',
      credentials: `[dev]\naws_access_key_id = ${DEV_KEY.accessKeyId}\naws_secret_access_key = ${DEV_KEY.secretAccessKey}\n`,
    });
  }

  /**
   * Profile `dev` signing in through IAM Identity Center (session `corp`), whose cached token expired
   * in 2020: what a developer has the morning after `aws sso login`.
   */
  async expiredSsoSession(roleName: string): Promise<void> {
    await this.awsFiles({
      config: [
        '[profile dev]',
        'sso_session = corp',
        `sso_account_id = ${ACCOUNT}`,
        `sso_role_name = ${roleName}`,
        'region = eu-west-1',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = eu-west-1',
        '',
      ].join('\n'),
    });
    // ~/.aws/sso/cache/<sha1("corp")>.json, as `aws sso login` leaves it, expired.
    await this.ssoCache('ee0bfd2552fbd840c02cc48b6e823320543c450f.json', {
      accessToken: 'expired-token',
      expiresAt: '2020-01-01T00:00:00Z',
      region: 'eu-west-1',
      startUrl: 'https://corp.awsapps.com/start',
    });
  }

  /** An SSO token cache entry, as `aws sso login` leaves it (~/.aws/sso/cache/<sha1 of session>.json). */
  async ssoCache(fileName: string, token: Record<string, string>): Promise<void> {
    const dir = join(this.dir, 'home', '.aws', 'sso', 'cache');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, fileName), JSON.stringify(token));
  }

  /** Writes a kubeconfig file and returns its path. */
  async kubeconfig(spec: KubeconfigSpec, fileName = 'kubeconfig'): Promise<string> {
    const file = join(this.dir, fileName);
    await writeFile(file, kubeconfigYaml(spec));
    return file;
  }

  async file(name: string, text: string): Promise<string> {
    const file = join(this.dir, name);
    await writeFile(file, text);
    return file;
  }

  /** Runs `eks-auth-doctor doctor` in-process, with the test clock and a short probe timeout. */
  async doctor(argv: readonly string[]): Promise<DoctorRun> {
    const command = doctorCommand(() => ({ ...doctorEnvironment(), probeTimeoutMs: 400, now: () => NOW }));
    const result = await runCommand(command, argv);
    const lines = result.stdout
      .split('\n')
      .filter((line, index, all) => index < all.length - 1 || line !== '');
    const json = argv.includes('json') ? (JSON.parse(result.stdout) as DoctorJson) : undefined;
    return { code: result.code, stdout: result.stdout, lines, json };
  }
}

/** An EKS cluster as DescribeCluster returns it, with the settings a test varies. */
export function eksCluster(overrides: {
  name?: string;
  region?: string;
  endpoint?: string;
  mode?: 'CONFIG_MAP' | 'API_AND_CONFIG_MAP' | 'API';
  authenticatorLogging?: boolean;
  publicAccess?: boolean;
}): EksClusterJson {
  const name = overrides.name ?? 'prod';
  const region = overrides.region ?? 'eu-west-1';
  return {
    name,
    arn: `arn:aws:eks:${region}:${ACCOUNT}:cluster/${name}`,
    endpoint:
      overrides.endpoint ?? `https://0123456789ABCDEF0123456789ABCDEF.gr7.${region}.eks.amazonaws.com`,
    status: 'ACTIVE',
    version: '1.31',
    createdAt: 1_700_000_000,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-cluster-role`,
    certificateAuthority: { data: 'LS0tLS1CRUdJTi0tLS0t' },
    resourcesVpcConfig: {
      endpointPublicAccess: overrides.publicAccess ?? true,
      endpointPrivateAccess: overrides.publicAccess === false,
      publicAccessCidrs: overrides.publicAccess === false ? [] : ['0.0.0.0/0'],
      vpcId: 'vpc-0123456789abcdef0',
    },
    accessConfig: {
      authenticationMode: overrides.mode ?? 'API_AND_CONFIG_MAP',
      bootstrapClusterCreatorAdminPermissions: true,
    },
    logging: {
      clusterLogging: [
        { types: ['api', 'audit', 'controllerManager', 'scheduler'], enabled: false },
        ...(overrides.authenticatorLogging === false ? [] : [{ types: ['authenticator'], enabled: true }]),
      ],
    },
  };
}

/** The YAML `aws eks update-kubeconfig` writes, for one cluster. */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const name = spec.clusterArn ?? `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`;
  const [, , , region = 'eu-west-1', , resource = 'cluster/prod'] = name.split(':');
  const clusterName = resource.replace(/^cluster\//, '');
  const user = spec.token
    ? { token: spec.token }
    : {
        exec: {
          apiVersion: spec.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
          args: spec.args ?? [
            '--region',
            region,
            'eks',
            'get-token',
            '--cluster-name',
            clusterName,
            '--output',
            'json',
          ],
          command: spec.command ?? 'aws',
          ...(spec.env
            ? { env: Object.entries(spec.env).map(([variable, value]) => ({ name: variable, value })) }
            : {}),
        },
      };
  return stringify({
    apiVersion: 'v1',
    clusters: [
      {
        cluster: {
          'certificate-authority-data': Buffer.from(spec.certificateAuthority ?? 'not a real CA\n').toString(
            'base64',
          ),
          server: spec.server,
        },
        name,
      },
    ],
    contexts: [{ context: { cluster: name, user: name }, name }],
    'current-context': name,
    kind: 'Config',
    preferences: {},
    users: [{ name, user }],
  });
}
