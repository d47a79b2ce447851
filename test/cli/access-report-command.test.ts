import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessReportCommand } from '../../cli/access-report-command';
import { ACCESS_REPORT_QUERY, queryText } from '../../lambda/contract/access-report-query';
import {
  accessReportInsightsAnswer,
  eventsOfInsightsCsv,
} from '../helpers/authenticated-principals-insights';
import { type EksAccessEntryJson, FakeAws } from '../helpers/fake-aws';
import { runCli, runCommand } from './run-cli';

const FIXTURES = 'test/cli/access-report/fixtures';
const LOG = `${FIXTURES}/authenticator-export.csv`;
/** What `aws eks describe-access-entry` writes for each entry, one after another (a shell loop's output). */
const ENTRIES = `${FIXTURES}/access-entries.out`;
const AWS_AUTH = `${FIXTURES}/aws-auth.yaml`;
const OFFLINE = ['access-report', '--log', LOG, '--access-entries', ENTRIES, '--aws-auth', AWS_AUTH];

const ACCOUNT = '111122223333';
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/break-glass-admin`;
const SSO = `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_PlatformAdmin_3f2a1b4c5d6e7f80`;
const NOW = Date.parse('2026-11-30T00:00:00Z');
const CLUSTER_ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

function principalsOf(
  json: string,
): Record<string, { coverage: string; lockedOut: boolean; logins: number }> {
  const report = JSON.parse(json) as {
    principals: { arn: string; coverage: string; lockedOut: boolean; logins: number }[];
  };
  return Object.fromEntries(
    report.principals.map(({ arn, coverage, lockedOut, logins }) => [arn, { coverage, lockedOut, logins }]),
  );
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += char;
  }
  return records;
}

describe('access-report offline, on the demo cluster (fixture)', () => {
  it('says the cluster is not ready and names exactly the principal that would be locked out', async () => {
    // Act
    const result = await runCli(OFFLINE);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Logins counted over the whole log (first 2026-11-01T01:10:00Z, last 2026-11-28T01:10:00Z): 71 by 6 principals\n',
    );
    expect(result.stdout).toContain('Ready for API mode: no — 1 principal would be locked out');
    expect(result.stdout).toContain(
      `Would be locked out in API mode (1)\n  ${BREAK_GLASS} (aws-auth only: 3 logins, last 2026-11-19T03:02:18Z)\n`,
    );
  });

  it('gives the commands that cover it: an entry with its aws-auth username, cluster admin for system:masters, flagged', async () => {
    const result = await runCli([...OFFLINE, '--format', 'json']);

    const report = JSON.parse(result.stdout);
    const lookup = '"$(aws iam get-role --role-name break-glass-admin --query Role.Arn --output text)"';
    expect(report.lockedOut).toEqual([
      {
        arn: BREAK_GLASS,
        coverage: 'aws-auth only',
        commands: [
          `aws eks create-access-entry --cluster-name demo-cluster --region eu-west-1 --principal-arn ${lookup} --username 'break-glass:{{SessionName}}'`,
          `aws eks associate-access-policy --cluster-name demo-cluster --region eu-west-1 --principal-arn ${lookup} --policy-arn ${CLUSTER_ADMIN} --access-scope type=cluster`,
        ],
        review: [expect.stringContaining('was in system:masters, so it gets AmazonEKSClusterAdminPolicy')],
        notes: [],
      },
    ]);
    expect(report.readyForApiMode).toBe('no');
    expect(report.switchToApi).toBeNull();
  });

  it('reports each principal that authenticated once, with how it is let in', async () => {
    const result = await runCli([...OFFLINE, '--format', 'json']);

    expect(principalsOf(result.stdout)).toEqual({
      [BREAK_GLASS]: { coverage: 'aws-auth only', lockedOut: true, logins: 3 },
      [`arn:aws:iam::${ACCOUNT}:role/demo-cluster-node-group-role`]: {
        coverage: 'covered',
        lockedOut: false,
        logins: 36,
      },
      [`arn:aws:iam::${ACCOUNT}:role/github-actions-deployer`]: {
        coverage: 'covered',
        lockedOut: false,
        logins: 14,
      },
      [`arn:aws:iam::${ACCOUNT}:role/terraform-provisioner`]: {
        coverage: 'covered',
        lockedOut: false,
        logins: 7,
      },
      [SSO]: { coverage: 'covered', lockedOut: false, logins: 5 },
      'arn:aws:iam::999900001111:role/AWSWesleyClusterManagerLambda-NodeManagerRole-EXAMPLE1': {
        coverage: 'EKS-managed',
        lockedOut: false,
        logins: 6,
      },
    });
  });

  it("matches the SSO role's access entry by account and role name, though the entry keeps the role's path", async () => {
    const result = await runCli([...OFFLINE, '--format', 'json']);

    const sso = JSON.parse(result.stdout).principals.find((row: { arn: string }) => row.arn === SSO);
    expect(sso.accessEntries).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_3f2a1b4c5d6e7f80`,
    ]);
  });

  it('lists the aws-auth mappings nobody used separately, saying which can never match', async () => {
    const result = await runCli(OFFLINE);

    const section = result.stdout
      .split('aws-auth mappings nobody used in the window (2)')[1]
      ?.split('\n\n')[0];
    expect(section?.split('\n').slice(1)).toEqual([
      `  mapRoles arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_3f2a1b4c5d6e7f80 as platform-admin:{{SessionName}} [system:masters] — has an access entry too; a role ARN with its path never matches in aws-auth: write ${SSO}`,
      `  mapRoles arn:aws:iam::${ACCOUNT}:role/jenkins-legacy as jenkins [deployers]`,
    ]);
  });

  it('does not count a principal that was only denied', async () => {
    const result = await runCli([...OFFLINE, '--format', 'json']);

    expect(result.stdout).not.toContain('role/developer');
  });

  it('writes CSV with a header row and exactly one row per principal', async () => {
    const result = await runCli([...OFFLINE, '--format', 'csv']);

    const records = csvRecords(result.stdout);
    expect(records[0]).toEqual([
      'arn',
      'type',
      'account_id',
      'username',
      'distinct_usernames',
      'groups',
      'last_seen',
      'logins',
      'coverage',
      'locked_out',
      'access_entries',
      'reason',
    ]);
    expect(records).toHaveLength(7);
    expect(records.every((record) => record.length === 12)).toBe(true);
    expect(records[1]?.slice(0, 10)).toEqual([
      BREAK_GLASS,
      'role',
      ACCOUNT,
      'break-glass:oncall-bob',
      '2',
      'system:masters',
      '2026-11-19T03:02:18Z',
      '3',
      'aws-auth only',
      'yes',
    ]);
  });

  it('counts only the logins since --since', async () => {
    // Prepare: the break-glass logins were on 2026-11-19, eleven days before "now".
    const command = accessReportCommand({ now: () => NOW });

    // Act
    const result = await runCommand(command, [...OFFLINE.slice(1), '--since', '10d', '--format', 'json']);

    // Assess
    const report = JSON.parse(result.stdout);
    expect(report.readyForApiMode).toBe('yes');
    expect(Object.keys(principalsOf(result.stdout))).not.toContain(BREAK_GLASS);
    expect(report.switchToApi).toBe(
      'aws eks update-cluster-config --name demo-cluster --region eu-west-1 --access-config authenticationMode=API',
    );
    expect(report.notes).toContain('50 logins before the window (--since) were not counted.');
  });

  it('without --aws-auth keeps no username that changed from login to login, and says why', async () => {
    const result = await runCli([
      'access-report',
      '--log',
      LOG,
      '--access-entries',
      ENTRIES,
      '--format',
      'json',
    ]);

    const [lockedOut] = JSON.parse(result.stdout).lockedOut;
    expect(lockedOut.commands[0]).not.toContain('--username');
    expect(lockedOut.notes).toEqual([
      'its username differs per session (latest: break-glass:oncall-bob): pass --aws-auth to carry the template over',
    ]);
  });
});

describe('access-report offline, other clusters', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'access-report-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const grant = (role: string, username: string, groups: string, time = '2026-11-20T10:00:00Z') =>
    `time="${time}" level=info msg="access granted" arn="arn:aws:iam::${ACCOUNT}:role/${role}" client="127.0.0.1:1" groups="[${groups}]" method=POST path=/authenticate uid="aws-iam-authenticator:${ACCOUNT}:AROAX" username=${username}`;

  it('on a CONFIG_MAP cluster gives node roles an EC2_LINUX entry and keeps the creator, after turning access entries on', async () => {
    // Prepare
    const log = join(dir, 'config-map.log');
    await writeFile(
      log,
      [
        grant(
          'karpenter-node',
          '"system:node:ip-10-0-9-9.eu-west-1.compute.internal"',
          'system:bootstrappers system:nodes',
        ),
        grant('cluster-creator', 'kubernetes-admin', 'system:masters'),
      ].join('\n'),
    );

    // Act
    const result = await runCli([
      'access-report',
      '--log',
      log,
      '--auth-mode',
      'CONFIG_MAP',
      '--cluster',
      'legacy',
      '--region',
      'eu-west-1',
      '--account',
      ACCOUNT,
    ]);

    // Assess
    expect(result.stdout).toContain('Ready for API mode: no — 1 principal would be locked out');
    expect(result.stdout).toContain(
      [
        '  # First turn access entries on (aws-auth keeps working):',
        '  aws eks update-cluster-config --name legacy --region eu-west-1 --access-config authenticationMode=API_AND_CONFIG_MAP',
        `  # arn:aws:iam::${ACCOUNT}:role/karpenter-node`,
        '  aws eks create-access-entry --cluster-name legacy --region eu-west-1 --principal-arn "$(aws iam get-role --role-name karpenter-node --query Role.Arn --output text)" --type EC2_LINUX',
      ].join('\n'),
    );
    expect(result.stdout).toMatch(
      / {2}creator \(implicit\) +1 +2026-11-20T10:00:00Z {2}arn:aws:iam::111122223333:role\/cluster-creator/,
    );
    expect(result.stdout).toContain('The creator keeps its admin: EKS gives it an access entry');
  });

  it('says when two access entries could match one principal', async () => {
    const log = join(dir, 'ambiguous.log');
    const entries = join(dir, 'ambiguous.json');
    await writeFile(log, grant('ci', 'ci', 'deployers'));
    await writeFile(
      entries,
      JSON.stringify({
        accessEntries: [`arn:aws:iam::${ACCOUNT}:role/teams/ci`, `arn:aws:iam::${ACCOUNT}:role/old/ci`],
      }),
    );

    const result = await runCli(['access-report', '--log', log, '--access-entries', entries]);

    expect(result.stdout).toContain(
      `2 access entries could match: arn:aws:iam::${ACCOUNT}:role/teams/ci, arn:aws:iam::${ACCOUNT}:role/old/ci.`,
    );
    expect(result.stdout).toContain('Ready for API mode: yes');
  });

  it('reads the log from standard input with --log -', async () => {
    const entries = join(dir, 'none.json');
    await writeFile(entries, '{"accessEntries": []}');

    const result = await runCli(
      ['access-report', '--log', '-', '--access-entries', entries, '--format', 'json'],
      grant('ci', 'ci', 'deployers'),
    );

    expect(Object.keys(principalsOf(result.stdout))).toEqual([`arn:aws:iam::${ACCOUNT}:role/ci`]);
  });

  it('answers "unknown", not "yes", when nobody logged in', async () => {
    const entries = join(dir, 'empty.json');
    await writeFile(entries, '{"accessEntries": []}');

    const result = await runCli(
      ['access-report', '--log', '-', '--access-entries', entries],
      'no grants here\n',
    );

    expect(result.stdout).toContain('Ready for API mode: unknown — no access granted lines in the window');
  });
});

describe('access-report input errors', () => {
  it.each([
    [['access-report'], '--cluster is required (or --log FILE to work offline)'],
    [['access-report', '--log', LOG], '--access-entries FILE is needed with --log'],
    [['access-report', '--cluster', 'demo', '--access-entries', ENTRIES], '--access-entries needs --log'],
    [['access-report', '--cluster', 'demo', '--format', 'xml'], '--format must be one of text, json, csv'],
    [['access-report', '--cluster', 'demo', '--since', 'last week'], '--since must be a duration'],
    [['access-report', '--cluster', 'bad name!'], 'is not a valid EKS cluster name'],
  ])('answers %j with the usage and exit 2', async (argv, message) => {
    const result = await runCli(argv);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: eks-auth-doctor access-report');
  });

  it('names the access-entry file and what it expected when the JSON is of another shape', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'access-report-'));
    const entries = join(dir, 'wrong.json');
    await writeFile(entries, '{"cluster": {"name": "demo"}}');

    const result = await runCli(['access-report', '--log', LOG, '--access-entries', entries]);
    await rm(dir, { recursive: true, force: true });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${entries}: document 1: expected the JSON output of \`aws eks list-access-entries\``,
    );
    expect(result.stderr).not.toContain('    at ');
  });
});

describe('access-report live, against a local AWS (FakeAws)', () => {
  let fake: FakeAws;
  let home: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    // Nothing may reach ~/.aws or the instance metadata service.
    home = await mkdtemp(join(tmpdir(), 'access-report-aws-'));
    await writeFile(join(home, 'config'), '');
    await writeFile(join(home, 'credentials'), '');
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDREPORT',
      AWS_SECRET_ACCESS_KEY: 'report-secret',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    fake = await new FakeAws().start();
    Object.assign(process.env, fake.endpointEnv());
  });

  afterAll(async () => {
    await fake.stop();
    process.env = saved;
    await rm(home, { recursive: true, force: true });
  });

  async function demoCluster(): Promise<void> {
    fake.cluster('eu-west-1', {
      name: 'demo-cluster',
      arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/demo-cluster`,
      status: 'ACTIVE',
      accessConfig: {
        authenticationMode: 'API_AND_CONFIG_MAP',
        bootstrapClusterCreatorAdminPermissions: true,
      },
    });
    const saved = (await readFile(ENTRIES, 'utf8')).split(/\n(?=\{)/).map((document) => JSON.parse(document));
    for (const { accessEntry } of saved as { accessEntry: EksAccessEntryJson & { createdAt: unknown } }[]) {
      const {
        createdAt: _,
        modifiedAt: __,
        ...entry
      } = accessEntry as EksAccessEntryJson & {
        createdAt: unknown;
        modifiedAt: unknown;
      };
      fake.accessEntry('eu-west-1', 'demo-cluster', entry);
    }
    // The break-glass role lives under an IAM path: only iam:GetRole can tell.
    fake.iamRole({
      roleName: 'break-glass-admin',
      path: '/emergency/',
      arn: `arn:aws:iam::${ACCOUNT}:role/emergency/break-glass-admin`,
      roleId: 'AROAEXAMPLEBREAKGLS1',
    });
    fake.insightsQuery(accessReportInsightsAnswer(eventsOfInsightsCsv(await readFile(LOG, 'utf8')), 2));
  }

  const clients = (region: string | undefined) => {
    const config = {
      endpoint: fake.url,
      region: region ?? 'eu-west-1',
      credentials: { accessKeyId: 'AKIDREPORT', secretAccessKey: 'report-secret' },
      maxAttempts: 1,
    };
    const made = {
      eks: new EKSClient(config),
      logs: new CloudWatchLogsClient(config),
      iam: new IAMClient(config),
    };
    const destroy = () => {
      for (const client of Object.values(made)) client.destroy();
    };
    return { ...made, destroy };
  };
  const noWait = async () => undefined;
  const command = () => accessReportCommand({ clients, now: () => NOW, sleep: noWait });
  const LIVE = ['--cluster', 'demo-cluster', '--region', 'eu-west-1', '--aws-auth', AWS_AUTH];

  afterEach(() => {
    fake.requests.length = 0;
  });

  it('asks Logs Insights the report query over the authenticator streams of the last 30 days', async () => {
    // Prepare
    await demoCluster();

    // Act
    const result = await runCommand(command(), LIVE);

    // Assess
    expect(result.code).toBe(0);
    expect(fake.calls('logs:StartQuery')[0]?.params).toEqual({
      logGroupName: '/aws/eks/demo-cluster/cluster',
      queryString: queryText(ACCESS_REPORT_QUERY),
      startTime: (NOW - 30 * 86_400_000) / 1000,
      endTime: NOW / 1000,
      limit: 10_000,
    });
    expect(fake.calls('logs:GetQueryResults')).toHaveLength(3);
  });

  it('comes to the same verdict as offline, with the role ARN looked up in IAM, path included', async () => {
    await demoCluster();

    const result = await runCommand(command(), [...LIVE, '--format', 'json']);

    const report = JSON.parse(result.stdout);
    const offline = JSON.parse((await runCli([...OFFLINE, '--format', 'json'])).stdout);
    expect(principalsOf(result.stdout)).toEqual(principalsOf(JSON.stringify(offline)));
    expect(report.readyForApiMode).toBe('no');
    expect(report.lockedOut[0].commands).toEqual([
      `aws eks create-access-entry --cluster-name demo-cluster --region eu-west-1 --principal-arn arn:aws:iam::${ACCOUNT}:role/emergency/break-glass-admin --username 'break-glass:{{SessionName}}'`,
      `aws eks associate-access-policy --cluster-name demo-cluster --region eu-west-1 --principal-arn arn:aws:iam::${ACCOUNT}:role/emergency/break-glass-admin --policy-arn ${CLUSTER_ADMIN} --access-scope type=cluster`,
    ]);
    expect(fake.calls('iam:GetRole').map((call) => call.params.RoleName)).toEqual(['break-glass-admin']);
    // Only the entries that match someone are described.
    expect(fake.calls('eks:DescribeAccessEntry')).toHaveLength(4);
  });

  it('runs through the CLI with the SDK pointed at the fake by AWS_ENDPOINT_URL_*', async () => {
    await demoCluster();
    fake.insightsQuery(accessReportInsightsAnswer(eventsOfInsightsCsv(await readFile(LOG, 'utf8'))));

    const result = await runCli(['access-report', ...LIVE, '--since', '2026-11-01']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Ready for API mode: no — 1 principal would be locked out');
    expect(result.stdout).toContain(`  ${BREAK_GLASS} (aws-auth only: 3 logins, last 2026-11-19T03:02:18Z)`);
    // Logs Insights gives each group's last login only: no "first" is made up.
    expect(result.stdout).toContain(
      'Logins counted since 2026-11-01T00:00:00Z (last 2026-11-28T01:10:00Z): 71 by 6 principals\n',
    );
  });

  it('shows the query progress on a terminal and clears it before the report', async () => {
    await demoCluster();
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    const err: string[] = [];
    stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
    stdout.resume();

    const code = await command()(LIVE, { stdin: Readable.from(['']), stdout, stderr });

    expect(code).toBe(0);
    expect(err.join('')).toContain(
      '\r\x1b[KLogs Insights: running, 0 records scanned (0.0 MB), 0 grants matched',
    );
    // One row per principal and group set: the creator logged in with two.
    expect(err.join('')).toContain(
      '\r\x1b[KLogs Insights: complete, 7 records scanned (0.0 MB), 7 grants matched',
    );
    expect(err.join('').endsWith('\r\x1b[K')).toBe(true);
  });

  it('turns a denied Logs Insights query into a line of the report and an unknown verdict', async () => {
    await demoCluster();
    fake.fail('logs:StartQuery', 'AccessDenied', { times: 1 });

    const result = await runCommand(command(), LIVE);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Ready for API mode: unknown — the authenticator log could not be read');
    expect(result.stdout).toContain(
      'CloudWatch Logs Insights query was denied (AccessDeniedException: User: arn:aws:iam::123456789012:user/AKIDREPORT is not authorized to perform: logs:StartQuery): allow logs:StartQuery and logs:GetQueryResults on /aws/eks/demo-cluster/cluster',
    );
    expect(result.stderr).toBe('');
  });

  it('answers unknown when the access entries cannot be listed, rather than calling everyone locked out', async () => {
    await demoCluster();
    fake.fail('eks:ListAccessEntries', 'Throttling', { times: 1 });

    const result = await runCommand(command(), [...LIVE, '--format', 'json']);

    const report = JSON.parse(result.stdout);
    expect(report.readyForApiMode).toBe('unknown');
    expect(report.reason).toContain(
      'the access entries could not be read (EKS ListAccessEntries was throttled',
    );
  });

  it('goes on without DescribeCluster or iam:GetRole, saying what failed and falling back', async () => {
    await demoCluster();
    fake
      .fail('eks:DescribeCluster', 'AccessDenied', { times: 1 })
      .fail('iam:GetRole', 'AccessDenied', { times: 1 });

    const result = await runCommand(command(), [...LIVE, '--format', 'json']);

    const report = JSON.parse(result.stdout);
    expect(report.notes).toEqual(
      expect.arrayContaining([
        expect.stringContaining('EKS DescribeCluster was denied (AccessDeniedException'),
        expect.stringContaining('IAM GetRole break-glass-admin was denied (AccessDenied'),
      ]),
    );
    expect(report.lockedOut[0].commands[0]).toContain(
      '--principal-arn "$(aws iam get-role --role-name break-glass-admin --query Role.Arn --output text)"',
    );
  });
});
