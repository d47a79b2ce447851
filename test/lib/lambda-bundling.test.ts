import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthDoctorStack } from '../../lib/auth-doctor-stack';
import { readConfig } from '../../lib/config/read-config';
import { ASSETS_DIR, type LambdaAsset } from '../../lib/lambda-bundling';
import { appWith } from './synth';

/**
 * The functions deploy the handler assets `npm run build` writes to dist/assets (the test run builds them
 * first: test/global-setup.ts). The assets are loaded from dist/, inside the project, so their imports
 * of the AWS SDK resolve against the project's node_modules the way the Lambda runtime resolves them
 * against its own.
 */
interface DeployedFunction {
  readonly handler: string;
  readonly asset: LambdaAsset;
  readonly stagedDir: string;
  readonly environment: Record<string, unknown>;
}

const ASSET_OF_HANDLER: Record<string, LambdaAsset> = {
  'index.handler': 'diagnose',
  'index.onEvent': 'authenticator-logging',
  'index.isComplete': 'authenticator-logging',
};

let functions: DeployedFunction[];

beforeAll(() => {
  const app = appWith();
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
  functions = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && !r.Properties.Handler?.startsWith('framework.'))
    .map((r) => {
      const handler = r.Properties.Handler ?? '';
      return {
        handler,
        asset: ASSET_OF_HANDLER[handler] as LambdaAsset,
        stagedDir: join(
          assembly.directory,
          `asset.${String(r.Properties.Code?.S3Key).replace(/\.zip$/, '')}`,
        ),
        environment: r.Properties.Environment?.Variables ?? {},
      };
    });
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

describe('the Lambda code', () => {
  it('is the diagnosis handler and both logging set-up handlers', () => {
    expect(functions.map((f) => f.handler).sort()).toEqual([
      'index.handler',
      'index.isComplete',
      'index.onEvent',
    ]);
  });

  it('is deployed byte for byte as npm run build wrote it to dist/assets', () => {
    expect(functions).toHaveLength(3);
    for (const { asset, stagedDir } of functions) {
      // Act
      const staged = readdirSync(stagedDir).sort();

      // Assess
      expect(staged).toEqual(['index.mjs', 'index.mjs.map']);
      for (const file of staged) {
        expect(readFileSync(join(stagedDir, file)).equals(readFileSync(join(ASSETS_DIR, asset, file)))).toBe(
          true,
        );
      }
    }
  });

  it('is one minified ES module per handler with its source map, within 240 KB, without the AWS SDK inside', () => {
    for (const asset of ['diagnose', 'authenticator-logging'] as const) {
      // Act
      const code = readFileSync(join(ASSETS_DIR, asset, 'index.mjs'), 'utf8');

      // Assess
      // 172 KB before this session's new families; 200 KB (205,239 B) with the lifecycle and server categories,
      // the self-watch and the trust budgets: most of it is fix prose (categories: 48 KB). The SDK stays out.
      expect(statSync(join(ASSETS_DIR, asset, 'index.mjs')).size).toBeLessThanOrEqual(240 * 1024);
      expect(
        code.startsWith("import { createRequire as __authDoctorCreateRequire } from 'node:module';"),
      ).toBe(true);
      expect(code.length / code.split('\n').length).toBeGreaterThan(500); // minified: long lines
      expect(code).not.toContain('class EKSClient');
    }
  });

  it('loads as an ES module, with the environment the stack gives it, and exports the handler it names', async () => {
    expect(functions).toHaveLength(3);
    for (const { handler, asset, environment } of functions) {
      // Prepare
      const restore = { ...process.env };
      Object.assign(process.env, { AWS_REGION: 'eu-west-1' }, deployedValues(environment));

      // Act
      const module = await import(pathToFileURL(join(ASSETS_DIR, asset, 'index.mjs')).href).finally(() => {
        process.env = restore;
      });

      // Assess
      expect(typeof module[handler.replace('index.', '')]).toBe('function');
    }
  });

  it('leaves the logging set-up SDK clients to the Lambda runtime', () => {
    // Act
    const code = readFileSync(join(ASSETS_DIR, 'authenticator-logging', 'index.mjs'), 'utf8');

    // Assess
    expect(code).toMatch(/from\s*"@aws-sdk\/client-eks"/);
    expect(code).toMatch(/from\s*"@aws-sdk\/client-cloudwatch-logs"/);
  });
});
