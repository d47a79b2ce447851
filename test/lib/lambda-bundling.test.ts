import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthDoctorStack } from '../../lib/auth-doctor-stack';
import { readConfig } from '../../lib/config/read-config';
import { PROJECT_ROOT } from '../../lib/lambda-bundling';
import { appWith } from './synth';

/**
 * The one test that really bundles (esbuild from devDependencies, no Docker). It synthesises into a
 * folder under the project, so the bundles can be loaded against the project's node_modules the way the
 * Lambda runtime loads them against its own AWS SDK.
 */
let outdir: string;
let assets: { handler: string; dir: string; environment: Record<string, unknown> }[];

beforeAll(() => {
  const parent = join(PROJECT_ROOT, 'cdk.out');
  mkdirSync(parent, { recursive: true });
  outdir = mkdtempSync(join(parent, 'bundling-test-'));
  const app = appWith({}, { bundle: true, outdir });
  const stack = new AuthDoctorStack(app, 'EksAuthDoctor', { config: readConfig(app.node) });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<
      string,
      {
        Type: string;
        Properties: {
          Handler?: string;
          Code?: { S3Key?: unknown };
          Environment?: { Variables?: Record<string, unknown> };
        };
      }
    >;
  };
  // Our functions' code is an asset staged as `asset.<hash>`; the Provider framework's ships inside aws-cdk-lib.
  assets = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => ({
      handler: r.Properties.Handler ?? '',
      key: String(r.Properties.Code?.S3Key ?? ''),
      environment: r.Properties.Environment?.Variables ?? {},
    }))
    .filter(
      (r) =>
        r.handler !== 'framework.onEvent' &&
        r.handler !== 'framework.isComplete' &&
        r.handler !== 'framework.onTimeout',
    )
    .map((r) => ({
      handler: r.handler,
      dir: join(outdir, `asset.${r.key.replace(/\.zip$/, '')}`),
      environment: r.environment,
    }));
}, 240_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** What CloudFormation would put where the template has a reference (a topic's ARN, a table's name). */
function deployedValues(environment: Record<string, unknown>): Record<string, string> {
  const resolved: Record<string, string> = {
    TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:EksAuthDoctor-AlertsTopic',
    DEDUP_TABLE_NAME: 'EksAuthDoctor-DedupTable',
  };
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : (resolved[key] ?? ''),
    ]),
  );
}

describe('the bundled Lambda code', () => {
  it('is built for the diagnosis handler and both logging set-up handlers', () => {
    expect(assets.map((a) => a.handler).sort()).toEqual([
      'index.handler',
      'index.isComplete',
      'index.onEvent',
    ]);
  });

  it('is one minified ES module with its source map, within 200 KB, without the AWS SDK inside', () => {
    expect(assets).toHaveLength(3);
    for (const { dir } of assets) {
      // Act
      const files = readdirSync(dir).sort();
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');

      // Assess
      expect(files).toEqual(['index.mjs', 'index.mjs.map']);
      expect(statSync(join(dir, 'index.mjs')).size).toBeLessThanOrEqual(200 * 1024);
      expect(
        code.startsWith("import { createRequire as __authDoctorCreateRequire } from 'node:module';"),
      ).toBe(true);
      expect(code.length / code.split('\n').length).toBeGreaterThan(500); // minified: long lines
    }
  });

  it('loads as an ES module, with the environment the stack gives it, and exports the handler it names', async () => {
    expect(assets).toHaveLength(3);
    for (const { handler, dir, environment } of assets) {
      // Prepare
      const restore = { ...process.env };
      Object.assign(process.env, { AWS_REGION: 'eu-west-1' }, deployedValues(environment));

      // Act
      const module = await import(pathToFileURL(join(dir, 'index.mjs')).href).finally(() => {
        process.env = restore;
      });

      // Assess
      expect(typeof module[handler.replace('index.', '')]).toBe('function');
    }
  });

  it('leaves the logging set-up SDK clients to the Lambda runtime', () => {
    // Act
    const logging = assets.find((a) => a.handler === 'index.onEvent');
    const code = readFileSync(join(logging?.dir ?? '', 'index.mjs'), 'utf8');

    // Assess
    expect(code).toMatch(/from\s*"@aws-sdk\/client-eks"/);
    expect(code).toMatch(/from\s*"@aws-sdk\/client-cloudwatch-logs"/);
  });
});
