import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '../lib/lambda-bundling';
import { timeLines } from './classify-bench';
import { median } from './median';

/** The formats measured, each against the same line split. */
const FORMATS = ['json', 'text', 'slack'] as const;

/**
 * `cli_<format>_vs_split`: the built CLI as users run it (`node dist/cli/eks-auth-doctor.js classify
 * --format <format> FILE`, a fresh process each, output discarded) divided by the time to merely split
 * the same file into lines (`timeLines`, as `classify_vs_split` measures it), alternating, median of
 * `rounds`. Targets: json ≤ 3.0, text ≤ 2.5, slack ≤ 3.0. Process start and the CLI's two passes
 * over a file are in the CLI's time on purpose: that is what a user waits for.
 *
 * `cli_json_output_vs_input`: bytes of `--format json` over bytes of the log (target ≤ 1.5). The output
 * goes to a file so it can be measured; the timed runs write to /dev/null.
 *
 * Expects `dist/` to be fresh (`benchCliStartup` rebuilds it first in `npm run bench`).
 */
export async function benchCliFormats(path: string, rounds = 5): Promise<Record<string, number>> {
  const cli = join(PROJECT_ROOT, 'dist', 'cli', 'eks-auth-doctor.js');
  const runCli = (format: string, fd: number | 'ignore') => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [cli, 'classify', '--format', format, path], {
      stdio: ['ignore', fd, 'pipe'],
    });
    if (result.status !== 0)
      throw new Error(`classify --format ${format}: ${result.stderr.toString().slice(0, 300)}`);
    return performance.now() - started;
  };
  const figures: Record<string, number> = {};
  const split: number[] = [];
  const runs = new Map<string, number[]>(FORMATS.map((format) => [format, []]));
  let sink = 0;
  await timeLines(path, (line) => (sink += line.length)); // warm the file cache
  for (let round = 0; round < rounds; round++) {
    split.push(await timeLines(path, (line) => (sink += line.length)));
    for (const format of FORMATS) runs.get(format)?.push(runCli(format, 'ignore'));
  }
  if (sink < 0) console.log(sink); // Keeps the split's work observable.
  figures.cli_split_ms = Math.round(median(split));
  for (const format of FORMATS) {
    const time = median(runs.get(format) ?? []);
    figures[`cli_${format}_ms`] = Math.round(time);
    figures[`cli_${format}_vs_split`] = Number((time / median(split)).toFixed(2));
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-json-'));
  try {
    const output = openSync(join(dir, 'out.json'), 'w');
    try {
      runCli('json', output);
      const outputBytes = fstatSync(output).size;
      const inputBytes = statSync(path).size;
      figures.cli_json_output_mb = Number((outputBytes / 2 ** 20).toFixed(1));
      figures.cli_json_output_vs_input = Number((outputBytes / inputBytes).toFixed(3));
    } finally {
      closeSync(output);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
