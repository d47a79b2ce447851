import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';
import { jsonLines, runCli } from './run-cli';

const EXAMPLE = 'examples/authenticator.log';
const DEMO = ['--cluster', 'demo-cluster', '--region', 'eu-west-1', '--account', '111122223333'];
const DENIED =
  'time="2026-11-24T10:00:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/developer" client="127.0.0.1:1" error="identity is not mapped" method=POST path=/authenticate';

describe('classify --format json', () => {
  it('prints one object per authenticator record with its 1-based line number, category and fix', async () => {
    const result = await runCli(['classify', '--format', 'json', ...DEMO, EXAMPLE]);

    const records = jsonLines(result.stdout);
    expect(result.code).toBe(0);
    expect(records).toHaveLength(41);
    expect(records[0]).toMatchObject({ line: 1, category: 'STS_RESPONSE', severity: 'info' });
    const developer = records.find((record) => record.line === 6);
    expect(developer).toMatchObject({
      category: 'IDENTITY_NOT_MAPPED',
      subCause: 'NOT_IN_AWS_AUTH',
      principal: { arn: 'arn:aws:iam::111122223333:role/developer', session: 'bob' },
      fix: { summary: expect.any(String), steps: expect.any(Array) },
    });
  });

  it('keeps every field of the original line', async () => {
    const result = await runCli(['classify', '--format', 'json'], `${DENIED}\n`);

    expect(jsonLines(result.stdout)[0]?.fields).toEqual({
      arn: 'arn:aws:iam::111122223333:role/developer',
      client: '127.0.0.1:1',
      error: 'identity is not mapped',
      method: 'POST',
      path: '/authenticate',
    });
  });

  it('fills the fix commands with the cluster it was told about', async () => {
    const result = await runCli(
      ['classify', '--format', 'json', ...DEMO, '--auth-mode', 'API'],
      `${DENIED}\n`,
    );

    const [record] = jsonLines(result.stdout);
    const steps = (record?.fix as { steps: { command?: string }[] } | undefined)?.steps ?? [];
    const commands = steps.map((step) => step.command ?? '');
    expect(record?.subCause).toBe('MODE_API_IGNORES_AWS_AUTH');
    expect(
      commands.some((command) => command.includes('aws eks create-access-entry --cluster-name demo-cluster')),
    ).toBe(true);
  });

  it('skips lines that hold no authenticator record, and names the file when given several', async () => {
    const dir = tempDir();
    const garbage = join(dir, 'garbage.log');
    await writeFile(garbage, 'not a log line\n\u0000\u0001binary\n{"broken json\n');

    const result = await runCli(['classify', '--format', 'json', garbage, EXAMPLE]);

    const records = jsonLines(result.stdout);
    expect(result.code).toBe(0);
    expect(records).toHaveLength(41);
    expect(records.every((record) => record.file === EXAMPLE)).toBe(true);
  });
});

describe('classify --format slack and chatbot', () => {
  it('prints one Slack payload per denial, and none for successful authentications', async () => {
    const result = await runCli(['classify', '--format', 'slack', ...DEMO, EXAMPLE]);

    const payloads = jsonLines(result.stdout);
    expect(payloads).toHaveLength(26); // 24 denials and the 2 lines of the aws-auth parse failure
    for (const payload of payloads) {
      expect(payload).toMatchObject({
        text: expect.any(String),
        blocks: expect.any(Array),
        unfurl_links: false,
      });
    }
  });

  it('prints one AWS Chatbot custom notification per denial', async () => {
    const result = await runCli(['classify', '--format', 'chatbot', ...DEMO], `${DENIED}\n`);

    const [notification] = jsonLines(result.stdout);
    expect(notification).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
  });

  it('never lets a forged hostname mention the channel', async () => {
    const forged =
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" client="127.0.0.1:1" error="input token was not properly formatted: unexpected hostname \\"<!channel>.<https://evil.example|click>\\" in pre-signed URL" method=POST path=/authenticate';

    const result = await runCli(['classify', '--format', 'slack'], `${forged}\n`);

    expect(result.stdout).toContain('&lt;!channel&gt;');
    expect(result.stdout).not.toContain('<!channel>');
    expect(result.stdout).not.toContain('<https://evil');
  });
});

describe('classify --format text', () => {
  it('reports counts per category, the most denied principals and each problem once with its fix', async () => {
    const result = await runCli(['classify', ...DEMO, EXAMPLE]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('41 lines read, 41 authenticator records, 24 denials');
    expect(result.stdout).toMatch(/\s+10 {2}IDENTITY_NOT_MAPPED/);
    expect(result.stdout).toContain('arn:aws:iam::111122223333:role/eks-node-group-role');
    expect(result.stdout).toContain('Distinct problems: 15');
    expect(result.stdout).toContain('aws eks update-kubeconfig --name demo-cluster --region eu-west-1');
  });

  it('says what to feed it when the input holds no authenticator record', async () => {
    const result = await runCli(['classify'], 'hello\nworld\n');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 lines read, 0 authenticator records');
    expect(result.stdout).toContain('No authenticator records found');
  });

  it('reads standard input when given -', async () => {
    const result = await runCli(['classify', '-'], `${DENIED}\n`);

    expect(result.stdout).toContain('1 lines read, 1 authenticator records, 1 denials');
  });
});

describe('classify --aws-auth', () => {
  it('spots a role written into aws-auth with its path', async () => {
    const dir = tempDir();
    const awsAuth = join(dir, 'aws-auth.yaml');
    await writeFile(
      awsAuth,
      'apiVersion: v1\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/teams/developer\n      username: developer\n      groups:\n        - eks-viewers\nkind: ConfigMap\n',
    );

    const result = await runCli(['classify', '--format', 'json', '--aws-auth', awsAuth], `${DENIED}\n`);

    expect(jsonLines(result.stdout)[0]?.subCause).toBe('ROLE_PATH_IN_AWS_AUTH');
  });
});

describe('bad usage and unreadable input', () => {
  it.each([
    [['classify', '--formt', 'json'], /Unknown option '--formt'/],
    [['classify', '--format', 'yaml'], /--format must be one of text, json, slack, chatbot, not "yaml"/],
    [
      ['classify', '--auth-mode', 'CONFIGMAP'],
      /--auth-mode must be one of CONFIG_MAP, API_AND_CONFIG_MAP, API/,
    ],
    [['classify', '--account', '1234'], /--account must be a 12-digit AWS account ID/],
    [['classify', '--region', 'europe'], /--region must be an AWS region such as eu-west-1/],
    [['clasify'], /unknown command "clasify"/],
  ])('exits 2 with the usage for %j', async (argv, message) => {
    const result = await runCli(argv);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: eks-auth-doctor');
  });

  it('exits 1 naming a file that does not exist', async () => {
    const result = await runCli(['classify', 'no/such/file.log']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read no/such/file.log: no such file');
  });

  it('exits 1 naming a directory given as a file', async () => {
    const result = await runCli(['classify', 'examples']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read examples: it is a directory');
  });

  it('prints the usage on --help and exits 0', async () => {
    const result = await runCli(['classify', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: eks-auth-doctor classify');
  });
});
