import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createLineDiagnoser } from '../lambda/engine/diagnose/diagnose-lines';
import { median } from './median';
import { mixedLogLines } from './mixed-log';

/** The CLI as `npm run build` writes it and users run it. */
const BUILT_CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'eks-auth-doctor.js');

/** Writes the generated log once; later runs reuse it. */
export async function ensureLog(path: string, lines: number, principals = 0): Promise<string> {
  if (existsSync(path) && statSync(path).size > 0) return path;
  const out = createWriteStream(path);
  for (const line of mixedLogLines(lines, 42, principals)) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return path;
}

export async function timeLines(path: string, perLine: (line: string) => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  for await (const line of createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    perLine(line);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * classify_vs_split: the time to diagnose every line (parse, join, classify) divided by the time to
 * merely split the same file into lines, both measured here, alternately, median of `rounds`.
 */
export async function benchClassify(
  path: string,
  rounds = 9,
  name = 'classify',
): Promise<Record<string, number>> {
  const split: number[] = [];
  const classify: number[] = [];
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    split.push(await timeLines(path, (line) => (sink += line.length)));
    const diagnose = createLineDiagnoser({ cluster: { clusterName: 'bench', accountId: '111122223333' } });
    classify.push(await timeLines(path, (line) => (sink += diagnose(line) ? 1 : 0)));
  }
  if (sink < 0) console.log(sink); // Keeps the work observable so it is not optimised away.
  return {
    [`${name}_split_ms`]: Math.round(median(split)),
    [`${name}_ms`]: Math.round(median(classify)),
    [`${name}_vs_split`]: Number((median(classify) / median(split)).toFixed(2)),
  };
}

/**
 * Peak RSS of the real CLI, as installed (`node dist/cli/eks-auth-doctor.js classify --format text`), on
 * a small and on a large file, each in a fresh process: flat memory means the large file costs about
 * what the small one does. The process reports its own peak when it exits (a preload through
 * `--import`), since Node shows a child's resource usage to nobody else.
 */
export function benchMemory(smallPath: string, largePath: string): Record<string, number> {
  const peak = (path: string) => {
    const report = join(mkdtempSync(join(tmpdir(), 'bench-rss-')), 'max-rss');
    const preload = `data:text/javascript,${encodeURIComponent(
      `import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(report)}, String(process.resourceUsage().maxRSS)));`,
    )}`;
    execFileSync(process.execPath, ['--import', preload, BUILT_CLI, 'classify', '--format', 'text', path], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const kilobytes = Number(readFileSync(report, 'utf8'));
    rmSync(dirname(report), { recursive: true, force: true });
    return kilobytes / 1024;
  };
  const small = peak(smallPath);
  const large = peak(largePath);
  return {
    cli_peak_rss_small_mb: Math.round(small),
    cli_peak_rss_large_mb: Math.round(large),
    cli_large_file_mb: Math.round(statSync(largePath).size / 2 ** 20),
    cli_rss_large_vs_small: Number((large / small).toFixed(2)),
  };
}
