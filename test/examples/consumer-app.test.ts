import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';

/**
 * The package as a user gets it: `npm pack`, then installed the two ways the README describes, offline
 * from the npm cache (no network in CI): globally as a CLI, and into examples/consumer-app, a CDK app of
 * its own with its own aws-cdk-lib, which synthesises `new AuthDoctor(…)`.
 */
const ROOT = resolve('.');
const npm = (args: readonly string[], cwd: string) =>
  execFileSync('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

let tarball: string;
let files: string[];

beforeAll(() => {
  // The build of this test run (test/global-setup.ts) is what gets packed.
  const packed = tempDir('pack-');
  const [info] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packed], ROOT));
  tarball = join(packed, info.filename);
  files = (info.files as { path: string }[]).map((f) => f.path);
}, 60_000);

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, entry) => total + sizeOf(join(path, entry)), 0);
}

describe('the packed tarball', () => {
  it('ships the built package, the examples, README, LICENSE and package.json, and nothing of the sources or tests', () => {
    const top = [...new Set(files.map((f) => f.split('/')[0]))].sort();

    expect(top).toEqual(['LICENSE', 'README.md', 'dist', 'examples', 'package.json']);
    expect(files).toContain('dist/cli/eks-auth-doctor.js');
    expect(files).toContain('dist/assets/diagnose/index.mjs');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/types/lib/index.d.ts');
    expect(files).toContain('examples/consumer-app/app.mjs');
  });
});

describe('installed globally (npm install -g --prefix)', () => {
  it('runs eks-auth-doctor from any folder, without aws-cdk-lib or any other package in its tree, within 60 MB', () => {
    // Act
    const prefix = tempDir('global-');
    npm(['install', '-g', '--prefix', prefix, tarball], prefix);
    const version = execFileSync(join(prefix, 'bin', 'eks-auth-doctor'), ['--version'], {
      cwd: tempDir(),
      encoding: 'utf8',
    });

    // Assess
    const installed = join(prefix, 'lib', 'node_modules');
    expect(version).toBe(`${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
    expect(readdirSync(installed)).toEqual(['eks-auth-doctor']);
    expect(existsSync(join(installed, 'eks-auth-doctor', 'node_modules'))).toBe(false);
    expect(sizeOf(installed)).toBeLessThanOrEqual(60 * 2 ** 20);
  }, 60_000);
});

describe('examples/consumer-app', () => {
  it('installs the tarball next to its own aws-cdk-lib and synthesises AuthDoctor with the shipped Lambda code', () => {
    // Prepare
    const app = tempDir('consumer-app-');
    cpSync(join(ROOT, 'examples', 'consumer-app'), app, { recursive: true });
    npm(['ci'], app);
    npm(['install', '--no-save', tarball], app);
    const outdir = join(app, 'cdk.out');

    // Act
    execFileSync(process.execPath, ['app.mjs'], { cwd: app, env: { ...process.env, CDK_OUTDIR: outdir } });

    // Assess
    const template = JSON.parse(readFileSync(join(outdir, 'PlatformAlerts.template.json'), 'utf8'));
    const resources = Object.values(template.Resources) as {
      Type: string;
      Properties: Record<string, unknown>;
    }[];
    const ours = resources.filter(
      (r) => r.Type === 'AWS::Lambda::Function' && !String(r.Properties.Handler).startsWith('framework.'),
    );
    expect(ours.map((r) => r.Properties.Handler).sort()).toEqual([
      'index.handler',
      'index.isComplete',
      'index.onEvent',
    ]);
    expect(
      resources.filter((r) => r.Type === 'AWS::SNS::Subscription').map((r) => r.Properties.Endpoint),
    ).toEqual(['oncall@example.com']);
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    const shipped = readFileSync(join(ROOT, 'dist', 'assets', 'diagnose', 'index.mjs'));
    expect(
      assets.some(
        (dir) =>
          existsSync(join(outdir, dir, 'index.mjs')) &&
          readFileSync(join(outdir, dir, 'index.mjs')).equals(shipped),
      ),
    ).toBe(true);
    // One aws-cdk-lib: the app's own.
    expect(existsSync(join(app, 'node_modules', 'eks-auth-doctor', 'node_modules'))).toBe(false);
  }, 120_000);
});
