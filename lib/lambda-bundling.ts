import { fileURLToPath } from 'node:url';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every function of this app is built: ESM, minified, with source maps, by the esbuild in
 * devDependencies (no Docker). The AWS SDK v3 is left out: the Node.js runtime ships it.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

/** esbuild's ESM output has no `require`; some bundled CommonJS dependencies still call it. */
const REQUIRE_SHIM =
  "import { createRequire as __authDoctorCreateRequire } from 'node:module'; const require = __authDoctorCreateRequire(import.meta.url);";

export const LAMBDA_BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: true,
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
  banner: REQUIRE_SHIM,
};

/** The project root: handler entries and the lock file are found from here, wherever the app runs. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function handlerEntry(file: string): string {
  return fileURLToPath(new URL(`../lambda/handlers/${file}`, import.meta.url));
}

export const DEPS_LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/**
 * What every function of this app shares, for the handler module `file` in lambda/handlers: how it
 * is built and what it runs on, 256 MB, JSON logs. Each function adds its own handler, timeout, role
 * and log group.
 */
export function bundledFunctionProps(file: string) {
  return {
    entry: handlerEntry(file),
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: DEPS_LOCK_FILE,
    runtime: LAMBDA_RUNTIME,
    architecture: LAMBDA_ARCHITECTURE,
    memorySize: 256,
    loggingFormat: LoggingFormat.JSON,
    bundling: LAMBDA_BUNDLING,
  } as const satisfies NodejsFunctionProps;
}
