#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, so `npm ci` does it): everything the package ships, into dist/, in a few
 * seconds, with the esbuild and TypeScript of devDependencies.
 *
 * - dist/assets/<handler>/index.mjs (+ .map): each Lambda handler of lambda/handlers as a ready asset. The
 *   construct deploys these with `Code.fromAsset`, so a CDK app that installs the package needs no
 *   esbuild, no lock file and no Docker. The AWS SDK v3 is left out: the Node.js runtime ships it.
 * - dist/cli/: the CLI, one ES module per command, loaded only when that command runs; everything it
 *   imports is bundled, so installing the CLI installs no other package.
 * - dist/index.js, dist/engine.js: the package entries (the CDK construct library; the engine), with
 *   aws-cdk-lib and constructs left to the consumer (peer dependencies).
 * - dist/types/: their declarations.
 *
 * `node scripts/build.mjs assets` builds only the Lambda assets (what `cdk synth` and the tests need).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const at = (...parts) => join(ROOT, ...parts);

/** esbuild's ESM output has no `require`; some bundled CommonJS dependencies still call it. */
const REQUIRE_SHIM =
  "import { createRequire as __authDoctorCreateRequire } from 'node:module'; const require = __authDoctorCreateRequire(import.meta.url);";

/** The Lambda runtime the assets are built for (lib/lambda-bundling.ts deploys them on Node.js 24). */
const LAMBDA_TARGET = 'node24';
/** The oldest Node.js the CLI and the library support (package.json `engines`). */
const PACKAGE_TARGET = 'node20';

const common = { bundle: true, platform: 'node', format: 'esm', sourcemap: true, logLevel: 'warning' };

/** One minified ES module per handler file, with its source map, without the AWS SDK inside. */
export async function buildAssets() {
  rmSync(join(DIST, 'assets'), { recursive: true, force: true });
  const handlers = readdirSync(at('lambda', 'handlers')).filter((file) => file.endsWith('.ts'));
  await Promise.all(
    handlers.map((file) =>
      esbuild.build({
        ...common,
        entryPoints: [at('lambda', 'handlers', file)],
        outfile: join(DIST, 'assets', basename(file, '.ts'), 'index.mjs'),
        target: LAMBDA_TARGET,
        minify: true,
        mainFields: ['module', 'main'],
        external: ['@aws-sdk/*'],
        banner: { js: REQUIRE_SHIM },
      }),
    ),
  );
}

/** The CLI: the entry is small; each command is its own chunk, imported when it runs (cli/main.ts). */
async function buildCli() {
  await esbuild.build({
    ...common,
    entryPoints: { 'eks-auth-doctor': at('bin', 'eks-auth-doctor.ts') },
    outdir: join(DIST, 'cli'),
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    target: PACKAGE_TARGET,
    // Whitespace and syntax only: names stay readable in a stack trace, and start-up parses less.
    minifyWhitespace: true,
    minifySyntax: true,
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_SHIM },
  });
}

/** The package entries; only node built-ins and the peer dependencies stay imports. */
async function buildLibrary() {
  const peers = Object.keys(JSON.parse(readFileSync(at('package.json'), 'utf8')).peerDependencies ?? {});
  const result = await esbuild.build({
    ...common,
    entryPoints: { index: at('lib', 'index.ts'), engine: at('lib', 'engine.ts') },
    outdir: DIST,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    target: PACKAGE_TARGET,
    packages: 'external',
    metafile: true,
  });
  // A package that is neither a peer nor built in would be missing in a consumer's app: fail here instead.
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const stray = new Set();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const { path, external } of output.imports) {
      const name = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0];
      if (external && !builtins.has(path) && !peers.includes(name)) stray.add(path);
    }
  }
  if (stray.size > 0) {
    throw new Error(`the library imports packages that are not peer dependencies: ${[...stray].join(', ')}`);
  }
}

/**
 * The declarations of both entries. The sources import without file extensions (bundler resolution);
 * a consumer on `moduleResolution: node16/nodenext` needs them, so each relative specifier is rewritten
 * to the `.js` or `/index.js` the emitted file has.
 */
function buildTypes() {
  const tsc = at('node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', at('tsconfig.build.json')], { stdio: 'inherit' });
  for (const file of filesUnder(join(DIST, 'types'))) {
    if (!file.endsWith('.d.ts')) continue;
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(
      /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*)(['"])/g,
      (_match, before, specifier, after) => `${before}${withExtension(file, specifier)}${after}`,
    );
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

function withExtension(file, specifier) {
  if (/\.(js|json)$/.test(specifier)) return specifier;
  const target = resolve(dirname(file), specifier);
  const isFile = (path) => {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
  if (isFile(`${target}.d.ts`)) return `${specifier}.js`;
  if (isFile(join(target, 'index.d.ts'))) return `${specifier}/index.js`;
  throw new Error(`${relative(ROOT, file)}: cannot resolve ${specifier}`);
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

export async function build() {
  rmSync(DIST, { recursive: true, force: true });
  await Promise.all([buildAssets(), buildCli(), buildLibrary()]);
  buildTypes();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const only = process.argv[2];
  if (only === 'assets') await buildAssets();
  else if (only === undefined) await build();
  else throw new Error(`unknown part "${only}"; use: node scripts/build.mjs [assets]`);
  // Quiet for `assets`, which cdk.json runs before every synth.
  if (only === undefined) console.error(`built dist/ in ${Date.now() - started} ms`);
}
