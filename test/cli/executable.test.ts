import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';

/**
 * The built executable (dist/cli/eks-auth-doctor.js, built by test/global-setup.ts) in real child
 * processes: what a shell, a pipe and a terminal see.
 */
const CLI = resolve('dist/cli/eks-auth-doctor.js');
const EXAMPLE = resolve('examples/authenticator.log');
const VERSION = JSON.parse(readFileSync('package.json', 'utf8')).version as string;

function run(
  args: readonly string[],
  options: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? process.cwd(),
    input: options.input ?? '',
    env: options.env ?? process.env,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A log big enough that its JSON output overflows a pipe's buffer many times over. */
function bigLog(dir: string): string {
  const file = join(dir, 'big.log');
  writeFileSync(file, readFileSync(EXAMPLE, 'utf8').repeat(500));
  return file;
}

describe('eks-auth-doctor --version', () => {
  it('prints the package version from any folder, as --version and as -V', () => {
    const elsewhere = tempDir();

    const long = run(['--version'], { cwd: elsewhere });
    const short = run(['-V'], { cwd: elsewhere });

    expect(long).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(short).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('exit codes', () => {
  it('0 when done, 1 for an unreadable input, 2 for bad usage', () => {
    expect(run(['classify', EXAMPLE]).code).toBe(0);
    expect(run(['--help']).code).toBe(0);
    expect(run(['classify', join(tempDir(), 'missing.log')])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^eks-auth-doctor classify: cannot read .*missing\.log: no such file\n$/),
    });
    expect(run([]).code).toBe(2);
    expect(run(['clasify']).code).toBe(2);
    expect(run(['classify', '--colour', EXAMPLE]).code).toBe(2);
  });
});

describe('in a pipe', () => {
  it.each([
    ['classify', '--format', 'json'],
    ['classify', '--format', 'text'],
    ['replay', '--format', 'json'],
  ])('%s %s %s … | head -1 exits 0 with nothing on stderr', (...command) => {
    // Prepare
    const log = bigLog(tempDir());
    const script = `node ${JSON.stringify(CLI)} ${command.join(' ')} ${JSON.stringify(log)} 2>err | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`;

    // Act
    const dir = tempDir();
    const status = execFileSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });

    // Assess
    expect(status).toBe('0\n');
    expect(readFileSync(join(dir, 'err'), 'utf8')).toBe('');
  });
});

describe('gzip input', () => {
  it('is recognised by its first bytes, whatever the name, from a file and from standard input', () => {
    // Prepare
    const dir = tempDir();
    const exported = join(dir, '000000'); // CloudWatch Logs' export to S3 names its objects like this
    writeFileSync(exported, gzipSync(readFileSync(EXAMPLE)));
    const plain = run(['classify', '--format', 'json', EXAMPLE]);

    // Act
    const fromFile = run(['classify', '--format', 'json', exported]);
    const fromStdin = run(['classify', '--format', 'json'], { input: readFileSync(exported) });

    // Assess
    expect(plain.stdout.split('\n')).toHaveLength(42);
    expect(fromFile).toEqual({ code: 0, stdout: plain.stdout, stderr: '' });
    expect(fromStdin).toEqual({ code: 0, stdout: plain.stdout, stderr: '' });
  });

  it('that is cut short fails with exit 1 and says so', () => {
    const cut = join(tempDir(), 'export.gz');
    writeFileSync(cut, gzipSync(readFileSync(EXAMPLE)).subarray(0, 300));

    const result = run(['classify', cut]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `eks-auth-doctor classify: cannot read ${cut}: it starts like gzip but does not decompress (unexpected end of file); is the download complete?\n`,
    );
  });
});

describe('a terminal on standard input', () => {
  it('with no file prints the usage and exits 2 instead of waiting', () => {
    // `script` gives the command a pseudo-terminal; -e passes its exit code through.
    const result = spawnSync('script', ['-qec', `node ${JSON.stringify(CLI)} classify`, '/dev/null'], {
      encoding: 'utf8',
      timeout: 10_000,
    });

    expect(result.status).toBe(2);
    expect(result.stdout).toContain('eks-auth-doctor classify: no input: name a log file, or pipe one in');
    expect(result.stdout).toContain('Usage: eks-auth-doctor classify [options] [FILE …]');
  });
});

describe('Ctrl-C', () => {
  it('ends the input where it is, prints the report of the lines read so far, and exits 130', async () => {
    // Prepare: a reader still waiting for more input when the signal comes.
    const child = spawn(process.execPath, [CLI, 'classify'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const lines = readFileSync(EXAMPLE, 'utf8').split('\n').slice(0, 5).join('\n');
    child.stdin.write(`${lines}\n`);
    await new Promise((done) => setTimeout(done, 500));

    // Act
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');

    // Assess
    expect(code).toBe(130);
    expect(stdout).toContain('5 lines read');
    expect(stderr).toBe(
      'eks-auth-doctor: interrupted; finishing with the lines read so far (Ctrl-C again to quit)\n',
    );
  });
});

describe('start-up', () => {
  it('classify loads none of the AWS SDK: no module of it is in the chunks the command imports', () => {
    // The executable's own static imports and those of the classify chunk, followed transitively; their
    // source maps name every module inside.
    const cliDir = dirname(CLI);
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      // Static imports only (`import{…}from"./chunk-X.js"`); a dynamic import() loads nothing at start.
      for (const [, next] of code.matchAll(
        /(?:^|[;\s}])import\s*(?:[^"';()]*?from\s*)?["'](\.\/[^"']+\.js)["']/g,
      )) {
        if (next) visit(join(dirname(file), next));
      }
    };
    const classifyChunk = /["']\.\/(chunks\/classify-command-[^"']+\.js)["']/.exec(
      readFileSync(CLI, 'utf8'),
    )?.[1];
    expect(classifyChunk).toBeDefined();
    visit(CLI);
    visit(join(cliDir, classifyChunk as string));
    const modules = [...seen].flatMap(
      (file) => JSON.parse(readFileSync(`${file}.map`, 'utf8')).sources as string[],
    );

    expect(modules.some((source) => source.includes('lambda/engine/'))).toBe(true);
    expect(
      modules.filter((source) => /node_modules\/@(aws-sdk|smithy|aws-lambda-powertools)\//.test(source)),
    ).toEqual([]);
  });
});

describe('AWS SDK warnings', () => {
  it('stay out of what an operator reads: selftest against an endpoint that refuses has only our message', () => {
    // Prepare: credentials that go nowhere, and no setting of our own about the warning.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
    };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;

    // Act
    const result = run(['selftest', '--cluster', 'prod-eks', '--region', 'eu-west-1'], { env });

    // Assess

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^eks-auth-doctor selftest: could not write the self-test to \/aws\/eks\/prod-eks\/cluster: /,
    );
    expect(result.stderr).not.toContain('Warning');
    expect(result.stderr.split('\n')).toHaveLength(2);
  });
});
