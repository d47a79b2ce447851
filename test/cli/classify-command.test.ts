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
  it('prints one lean object per authenticator record; the first record of each problem carries its fix', async () => {
    const result = await runCli(['classify', '--format', 'json', ...DEMO, EXAMPLE]);

    const records = jsonLines(result.stdout);
    expect(result.code).toBe(0);
    expect(records).toHaveLength(41);
    expect(records[0]).toEqual({
      line: 1,
      category: 'STS_RESPONSE',
      severity: 'info',
      time: '2026-11-24T09:00:01Z',
    });
    const developer = records.filter(
      (record) =>
        record.principal === 'arn:aws:iam::111122223333:role/developer' &&
        record.category === 'IDENTITY_NOT_MAPPED',
    );
    expect(developer.map((record) => record.line)).toEqual([6, 8, 10]);
    expect(developer[0]).toMatchObject({
      subCause: 'NOT_IN_AWS_AUTH',
      severity: 'high',
      problem: expect.stringMatching(/^p-[0-9a-f]{12}$/),
      fix: { summary: expect.any(String) },
    });
    expect(developer.slice(1).map((record) => [record.problem, 'fix' in record])).toEqual([
      [developer[0]?.problem, false],
      [developer[0]?.problem, false],
    ]);
  });

  it('escapes every control and bidi character of log text, C1 and U+202E included', async () => {
    const forged = DENIED.replace('identity is not mapped', 'identity is not mapped\u009b2J\u202egnp.exe');

    const result = await runCli(['classify', '--format', 'json'], `${forged}\n`);

    expect(result.stdout).not.toMatch(/[\u0080-\u009f\u202a-\u202e]/);
    expect(result.stdout).toContain('\\u009b2J\\u202egnp.exe');
    expect(jsonLines(result.stdout)[0]?.error).toBe('identity is not mapped\u009b2J\u202egnp.exe');
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
  it('prints one Slack payload per distinct problem, as the pipeline sends them, and none for successful authentications', async () => {
    const result = await runCli(['classify', '--format', 'slack', ...DEMO, EXAMPLE]);

    const payloads = jsonLines(result.stdout);
    expect(payloads).toHaveLength(15); // 26 alertable records: 24 denials and the aws-auth parse failure's 2 lines
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
  it('fits the sample: a summary of at most 25 lines, at most 150 in all, none wider than 100 in a pipe', async () => {
    const result = await runCli(['classify', ...DEMO, '--auth-mode', 'API_AND_CONFIG_MAP', EXAMPLE]);

    const lines = result.stdout.trimEnd().split('\n');
    expect(result.code).toBe(0);
    expect(lines[1]).toBe(
      '41 lines read, 41 authenticator records, 24 denials: 13 causes, 15 distinct problems.',
    );
    expect(lines.indexOf('', 3)).toBeLessThanOrEqual(25);
    expect(lines.length).toBeLessThanOrEqual(150);
    expect(lines.filter((line) => line.length > 100)).toEqual([]);
    expect(lines[4]).toMatch(/^ {2}CRITICAL +7x 09:20 {2}aws-auth failed to parse/);
    expect(result.stdout).toContain('$ kubectl edit configmap aws-auth -n kube-system');
    expect(lines.at(-1)).toBe('  13 STS_RESPONSE, 2 ACCESS_GRANTED');
  });

  it('takes the --full its report points to, and then shows every step whole', async () => {
    const args = ['classify', ...DEMO, '--auth-mode', 'API_AND_CONFIG_MAP', EXAMPLE];
    const brief = await runCli(args);
    const full = await runCli([...args, '--full']);

    expect(brief.stdout).toMatch(/\[\d+ more: --full\]/);
    expect([full.code, full.stderr]).toEqual([0, '']);
    expect(full.stdout).not.toMatch(/more: --full|a query: --full/);
    expect(full.stdout.split('\n').length).toBeGreaterThan(brief.stdout.split('\n').length);
  });

  it('exits 3 with --fail-on when a problem at or above that severity is found, in every format', async () => {
    for (const format of ['text', 'json', 'problems', 'slack', 'chatbot']) {
      const high = await runCli(['classify', '--format', format, '--fail-on', 'high'], `${DENIED}\n`);
      const critical = await runCli(['classify', '--format', format, '--fail-on', 'critical'], `${DENIED}\n`);

      expect([format, high.code, critical.code]).toEqual([format, 3, 0]);
    }
  });

  it('lists each distinct problem once with --format problems: counts, principals, times, fix', async () => {
    const result = await runCli(['classify', '--format', 'problems', ...DEMO, EXAMPLE]);

    const problems = jsonLines(result.stdout);
    expect(problems).toHaveLength(15);
    expect(problems.find((p) => p.subCause === 'NOT_IN_AWS_AUTH')).toMatchObject({
      problem: expect.stringMatching(/^p-/),
      category: 'IDENTITY_NOT_MAPPED',
      severity: 'high',
      count: 3,
      firstSeen: '2026-11-24T09:03:00.000Z',
      lastSeen: '2026-11-24T09:03:14.000Z',
      principals: [{ arn: 'arn:aws:iam::111122223333:role/developer', count: 3 }],
      fix: { title: 'IAM role is not mapped to a Kubernetes identity' },
    });
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
    [
      ['classify', '--format', 'yaml'],
      /--format must be one of text, json, problems, slack, chatbot, not "yaml"/,
    ],
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

describe('the access-entry file the authenticator logs in full', () => {
  it('never repeats its content (principal ARNs) in any format', async () => {
    // Prepare: a reload that dumps the file, then a denial, so every format has something to say.
    const secret = 'arn:aws:iam::111122223333:role/only-in-the-access-entry-file';
    const log = [
      `time="2026-11-24T10:00:00Z" level=info msg="LoadDynamicFile: /etc/eks/access-entries.json is available. content is {\\"mapRoles\\":[{\\"rolearn\\":\\"${secret}\\"}]}"`,
      'time="2026-11-24T10:00:01Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:1" error="identity is not mapped" method=POST path=/authenticate',
    ].join('\n');

    for (const format of ['text', 'json', 'problems', 'slack', 'chatbot']) {
      // Act
      const result = await runCli(['classify', '--format', format], log);

      // Assess
      expect(result.code, format).toBe(0);
      expect(result.stdout.length, format).toBeGreaterThan(0);
      expect(result.stdout, format).not.toContain('only-in-the-access-entry-file');
      if (format === 'json')
        expect(jsonLines(result.stdout).map((record) => record.category)).toContain(
          'ACCESS_ENTRY_FILE_LOADED',
        );
    }
  });
});
