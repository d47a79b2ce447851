import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Architecture, Code, type FunctionProps, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';

/**
 * How every function of this app gets its code: the ready ES module `npm run build` writes for each
 * handler file of lambda/handlers into dist/assets/<handler>/ (minified, with its source map, without the
 * AWS SDK, which the Node.js runtime ships). The package ships these files, so a CDK app that installs
 * eks-auth-doctor deploys them as they are: no esbuild, no lock file, no Docker at synth time. This
 * repository's own `cdk synth` deploys the same files (cdk.json builds them first).
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

/** The handler modules of lambda/handlers, by file name without `.ts`: one asset each. */
export type LambdaAsset = 'diagnose' | 'authenticator-logging';

/**
 * The package root: the nearest folder above this module with a package.json. The sources (lib/) and
 * the built library (dist/, dist/chunks/) sit at different depths; both find the same root.
 */
export const PROJECT_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

/** Where the built handler assets are. */
export const ASSETS_DIR = join(PROJECT_ROOT, 'dist', 'assets');

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`eks-auth-doctor: no package.json above ${from}`);
  }
}

/** The folder of one built handler; a clear error instead of CDK's "Cannot find asset" when it is missing. */
export function assetDir(asset: LambdaAsset): string {
  const dir = join(ASSETS_DIR, asset);
  if (!existsSync(join(dir, 'index.mjs'))) {
    throw new Error(
      `eks-auth-doctor: the Lambda code ${join(dir, 'index.mjs')} is missing. In a clone of the repository, ` +
        'run `npm run build` (npm ci does it); an installed package ships it, so reinstall eks-auth-doctor.',
    );
  }
  return dir;
}

/**
 * What every function of this app shares, for the export `handler` of the handler module `asset`: its
 * code and handler, what it runs on, 256 MB, JSON logs. Each function adds its own timeout, role and log
 * group.
 */
export function bundledFunctionProps(asset: LambdaAsset, handler: string) {
  return {
    code: Code.fromAsset(assetDir(asset)),
    handler: `index.${handler}`,
    runtime: LAMBDA_RUNTIME,
    architecture: LAMBDA_ARCHITECTURE,
    memorySize: 256,
    loggingFormat: LoggingFormat.JSON,
  } as const satisfies Partial<FunctionProps>;
}
