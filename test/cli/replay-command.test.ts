import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/io';
import { runReplay } from '../../cli/replay-command';
import { ACCOUNT, notMappedLine, rejectedHostLine, T0 } from '../helpers/fixtures';
import { tempDir } from '../helpers/temp-dir';
import { type CliResult, jsonLines, runCommand } from './run-cli';

function replay(argv: readonly string[], stdin = ''): Promise<CliResult> {
  return runCommand(runReplay, argv, stdin);
}

interface ReplayLine {
  sink: 'sns' | 'slack';
  kind: string;
  class: string;
  subject?: string;
  cluster: string;
  category: string | null;
  subCause: string | null;
  principal: string | null;
  count: number;
  payload: Record<string, unknown>;
}

function messages(stdout: string): ReplayLine[] {
  return jsonLines(stdout) as unknown as ReplayLine[];
}

function logFile(lines: readonly string[]): string {
  const dir = tempDir('replay-');
  const file = join(dir, 'authenticator.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('trust classes in replay', () => {
  it("gives the issue-11 starvation scenario's breakage and on-call role full alerts, each message its class and SNS subject", async () => {
    // Prepare: 20 forged hosts, then a broken aws-auth and the on-call role denied
    const stamp = new Date(T0 + 100).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const file = logFile([
      ...Array.from({ length: 20 }, (_, i) => rejectedHostLine(`h${i}.evil.example`, T0 + i, 30000 + i)),
      `time="${stamp}" level=warning msg="Errors parsing configmap: [yaml: line 7: did not find expected key]"`,
      notMappedLine('on-call', T0 + 101, 31000),
    ]);

    // Act
    const result = await replay([file, '--cluster', 'prod', '--account', ACCOUNT, '--format', 'json']);

    // Assess
    const sns = messages(result.stdout).filter((m) => m.sink === 'sns');
    expect(sns.map((m) => [m.kind, m.class, m.category, m.count])).toEqual([
      ['alert', 'breakage', 'AWS_AUTH_PARSE_ERROR', 1],
      ['alert', 'identity', 'IDENTITY_NOT_MAPPED', 1],
      ['alert', 'probe', 'TOKEN_STS_HOST_REJECTED', 20],
    ]);
    expect(sns[1]?.subject).toMatch(/^EKS auth \[CRITICAL\] prod: /);
    expect(sns[1]?.subCause).not.toBe('FOREIGN_ACCOUNT');
  });

  it('refuses an --account that is not 12 digits', async () => {
    await expect(replay(['-', '--account', '1234'])).rejects.toThrow(UsageError);
  });
});

describe('replaying a storm', () => {
  it('turns 10,000 identical denials then 500 distinct principals into one alert, the cap, a digest, and counts that add up', async () => {
    // Prepare
    const storm = Array.from({ length: 10_000 }, (_, i) =>
      notMappedLine('developer', T0 + i * 10, 20000 + (i % 40000)),
    );
    const probes = Array.from({ length: 500 }, (_, i) =>
      notMappedLine(`prober-${i}`, T0 + 100_000 + i, 30000 + i, '999988887777'),
    );
    const file = logFile([...storm, ...probes]);

    // Act
    const result = await replay([file, '--cluster', 'prod', '--format', 'json']);

    // Assess
    expect(result.code).toBe(0);
    const sns = messages(result.stdout).filter((m) => m.sink === 'sns');
    const developer = `arn:aws:iam::${ACCOUNT}:role/developer`;
    expect(sns.filter((m) => m.kind === 'alert' && m.principal === developer)).toHaveLength(1);
    expect(sns.filter((m) => m.kind === 'alert')).toHaveLength(20);
    expect(sns.filter((m) => m.kind === 'digest')).toHaveLength(1);
    expect(sns.reduce((sum, m) => sum + m.count, 0)).toBe(10_500);
    const slack = messages(result.stdout).filter((m) => m.sink === 'slack');
    expect(slack.map((m) => [m.kind, m.count])).toEqual(sns.map((m) => [m.kind, m.count]));
    expect(result.stderr).toMatch(/10500 denials/);
  });
});

describe('the JSON output', () => {
  it('gives each message its sink, kind, problem, count and the exact body the sink would get', async () => {
    // Prepare
    const file = logFile([notMappedLine('developer', T0, 1), notMappedLine('developer', T0 + 1000, 2)]);

    // Act
    const result = await replay([file, '--cluster', 'prod', '--format', 'json']);

    // Assess
    const [sns, slack] = messages(result.stdout);
    expect(sns).toMatchObject({
      sink: 'sns',
      kind: 'alert',
      cluster: 'prod',
      category: 'IDENTITY_NOT_MAPPED',
      subCause: 'NOT_IN_AWS_AUTH',
      principal: `arn:aws:iam::${ACCOUNT}:role/developer`,
      count: 2,
    });
    expect(Object.keys(sns?.payload ?? {}).sort()).toEqual(['default', 'https']);
    expect(slack).toMatchObject({ sink: 'slack', kind: 'alert', count: 2 });
    expect(slack?.payload).toMatchObject({ unfurl_links: false, unfurl_media: false });
  });

  it('reads standard input for -', async () => {
    // Act
    const result = await replay(['-', '--format', 'json'], `${notMappedLine('developer', T0, 1)}\n`);

    // Assess
    expect(messages(result.stdout).map((m) => [m.sink, m.cluster])).toEqual([
      ['sns', 'replay'],
      ['slack', 'replay'],
    ]);
  });
});

describe('the text output', () => {
  it('shows the e-mail a subscriber reads and the Slack text, with forged markup escaped for Slack', async () => {
    // Prepare
    const file = logFile([rejectedHostLine('evil<!channel>.example', T0, 1)]);

    // Act
    const result = await replay([file, '--cluster', 'prod']);

    // Assess
    expect(result.stdout).toMatch(/── SNS \(e-mail\) · alert TOKEN_STS_HOST_REJECTED · prod · ×1/);
    expect(result.stdout).toMatch(/^Subject: EKS auth \[[A-Z]+\] /m);
    expect(result.stdout).toMatch(/── Slack · alert TOKEN_STS_HOST_REJECTED/);
    const slackPart = result.stdout.slice(result.stdout.indexOf('── Slack'));
    expect(slackPart).not.toContain('<!channel>');
    expect(slackPart).toContain('&lt;!channel&gt;');
  });
});

describe('usage', () => {
  it.each([
    [[], /name the log file/],
    [['a.log', 'b.log'], /one input/],
    [['a.log', '--format', 'yaml'], /--format must be one of text, json, not "yaml"/],
    [['a.log', '--cluster', 'bad name!'], /is not a valid EKS cluster name/],
    [['a.log', '--colour'], /Unknown option/],
  ])('rejects %j with a UsageError', async (argv, message) => {
    // Act
    const run = replay(argv);

    // Assess
    await expect(run).rejects.toThrow(UsageError);
    await expect(replay(argv)).rejects.toThrow(message);
  });

  it('prints its help', async () => {
    // Act
    const result = await replay(['--help']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Usage: eks-auth-doctor replay FILE\|- \[--cluster NAME\] \[--account ID\] \[--format text\|json\]/,
    );
  });
});
