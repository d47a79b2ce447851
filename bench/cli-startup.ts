import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '../lib/lambda-bundling';
import { median } from './median';

/**
 * `cli_startup_vs_node`: the built executable running `classify` on a one-line file, divided by a bare
 * `node -e ''`, each in a fresh process, alternating, median of `rounds` (target ≤ 2). It is rebuilt
 * first (`npm run build`), so the figure is the one an installed package gives.
 */
export function benchCliStartup(dir: string, rounds = 21): Record<string, number> {
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build.mjs')], { stdio: 'ignore' });
  const oneLine = join(dir, 'one-line.log');
  writeFileSync(
    oneLine,
    'time="2026-11-24T10:00:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/developer" client="127.0.0.1:1" error="identity is not mapped" method=POST path=/authenticate\n',
  );
  const cli = [join(PROJECT_ROOT, 'dist', 'cli', 'eks-auth-doctor.js'), 'classify', oneLine];
  const time = (args: string[]) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0)
      throw new Error(`node ${args.join(' ')}: ${result.stderr.toString().slice(0, 300)}`);
    return performance.now() - started;
  };
  const cliRuns: number[] = [];
  const nodeRuns: number[] = [];
  time(cli); // warm the file cache
  for (let round = 0; round < rounds; round++) {
    cliRuns.push(time(cli));
    nodeRuns.push(time(['-e', '']));
  }
  return {
    cli_startup_ms: Math.round(median(cliRuns)),
    node_startup_ms: Math.round(median(nodeRuns)),
    cli_startup_vs_node: Number((median(cliRuns) / median(nodeRuns)).toFixed(2)),
  };
}
