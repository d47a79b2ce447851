import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';
import { jsonLines, runCli } from './run-cli';

const EXAMPLE = 'examples/authenticator.log';
const DEMO = ['--cluster', 'demo-cluster', '--region', 'eu-west-1', '--account', '111122223333'];
const SAMPLE = readFileSync(EXAMPLE, 'utf8').split('\n').filter(Boolean);

/**
 * What a diagnosis says about each record (the lean JSON: category, sub-cause, the problem it counts
 * towards), with the record's own time, principal and error, sorted so the file's order drops out.
 */
async function diagnosesOf(file: string): Promise<string[]> {
  const result = await runCli(['classify', '--format', 'json', ...DEMO, file]);
  expect(result.code).toBe(0);
  return jsonLines(result.stdout)
    .map((record) =>
      [
        record.time,
        record.principal,
        record.error,
        record.category,
        record.subCause,
        record.severity,
        record.problem,
      ].join(' | '),
    )
    .sort();
}

/** A Logs Insights CSV export: the header, then one row per event with its inner quotes doubled. */
function csvExport(lines: readonly string[]): string {
  const rows = lines.map((line) => {
    const time = /time="([^"]+)"/.exec(line)?.[1] ?? '';
    return `authenticator-0123456789abcdef0123456789abcdef,${time},"${line.replaceAll('"', '""')}"`;
  });
  return `@logStream,@timestamp,@message\n${rows.join('\n')}\n`;
}

/** A deterministic shuffle (the same every run). */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('classify gives the same diagnoses whatever the order of the file', () => {
  it('for the sample reversed, shuffled and as a newest-first Logs Insights CSV export', async () => {
    // Prepare
    const dir = tempDir();
    const reversed = join(dir, 'reversed.log');
    const mixed = join(dir, 'shuffled.log');
    const csv = join(dir, 'newest-first.csv');
    await writeFile(reversed, `${[...SAMPLE].reverse().join('\n')}\n`);
    await writeFile(mixed, `${shuffled(SAMPLE).join('\n')}\n`);
    await writeFile(csv, csvExport([...SAMPLE].reverse()));

    // Act
    const forward = await diagnosesOf(EXAMPLE);
    const others = [await diagnosesOf(reversed), await diagnosesOf(mixed), await diagnosesOf(csv)];

    // Assess
    expect(forward).toHaveLength(41);
    for (const other of others) expect(other).toEqual(forward);
    // The lock-out the reversed sample used to hide: a role denied after aws-auth broke.
    expect(forward.some((line) => line.includes('IDENTITY_NOT_MAPPED | AWS_AUTH_BROKEN'))).toBe(true);
  });

  it('keeps ACCESS_REMOVED_RECENTLY for a grant then a denial written newest first', async () => {
    // Prepare
    const granted =
      'time="2026-11-24T09:00:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/ci" client="127.0.0.1:1" groups="[]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROACI" username=ci';
    const denied =
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/ci" client="127.0.0.1:2" error="identity is not mapped" method=POST path=/authenticate';
    const file = join(tempDir(), 'newest-first.log');
    await writeFile(file, `${denied}\n${granted}\n`);

    // Act
    const result = await runCli(['classify', '--format', 'json', ...DEMO, file]);

    // Assess
    expect(jsonLines(result.stdout)[0]).toMatchObject({ line: 1, subCause: 'ACCESS_REMOVED_RECENTLY' });
  });

  it('puts standard input in time order within its window', async () => {
    // Act
    const result = await runCli(
      ['classify', '--format', 'json', ...DEMO, '-'],
      `${[...SAMPLE].reverse().join('\n')}\n`,
    );

    // Assess
    const broken = jsonLines(result.stdout).filter((record) => record.subCause === 'AWS_AUTH_BROKEN');
    expect(broken.length).toBeGreaterThan(0);
    expect(jsonLines(result.stdout)).toHaveLength(41);
  });
});

/** `count` requests of one node role in one second, each STS line just before its denial (EKS's order). */
function busySecond(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const session = `i-0123456789ab${String(index).padStart(5, '0')}`;
    const client = `127.0.0.1:${30000 + index}`;
    return [
      `time="2026-11-24T10:00:00Z" level=info msg="STS response" accesskeyid=ASIAX accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role/fleet/${session}" client="${client}" method=POST path=/authenticate session=${session} userid=AROAX`,
      `time="2026-11-24T10:00:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/fleet" client="${client}" error="identity is not mapped" method=POST path=/authenticate`,
    ];
  }).flat();
}

/** The sub-cause of each mapping denial of a `--format json` output. */
function denialSubCauses(stdout: string): unknown[] {
  return jsonLines(stdout)
    .filter((record) => record.category === 'IDENTITY_NOT_MAPPED')
    .map((record) => record.subCause);
}

describe('classify joins each denial to its STS line on a busy cluster', () => {
  // More requests in one second than the join's ring of recent STS lines holds (256).
  const lines = busySecond(400);

  it('in a file read twice', async () => {
    // Prepare
    const file = join(tempDir(), 'busy.log');
    await writeFile(file, `${lines.join('\n')}\n`);

    // Act
    const result = await runCli(['classify', '--format', 'json', ...DEMO, '--auth-mode', 'CONFIG_MAP', file]);

    // Assess
    expect(denialSubCauses(result.stdout)).toEqual(Array(400).fill('NODE_ROLE_NOT_MAPPED'));
  });

  it("on standard input, whose window puts each second's STS lines first", async () => {
    // Act
    const result = await runCli(
      ['classify', '--format', 'json', ...DEMO, '--auth-mode', 'CONFIG_MAP', '-'],
      `${lines.join('\n')}\n`,
    );

    // Assess
    expect(denialSubCauses(result.stdout)).toEqual(Array(400).fill('NODE_ROLE_NOT_MAPPED'));
  });
});
