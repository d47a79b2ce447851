import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchClassify, benchMemory, ensureLog } from './classify-bench';
import { benchCliFormats } from './cli-formats';
import { benchCliStartup } from './cli-startup';
import { benchDistinctFlood } from './distinct-flood';
import { benchHandler } from './handler-bench';

/**
 * `npm run bench`: prints `name: value` lines. Ratios compare two things measured in the same run on
 * the same machine, so they travel between machines; absolute times are printed for context only.
 * Generated logs are kept under .bench/ (git-ignored) and reused.
 */
const dir = join(process.cwd(), '.bench');
mkdirSync(dir, { recursive: true });
const lines = Number(process.env.BENCH_LINES ?? 300_000);
const largeLines = Number(process.env.BENCH_LARGE_LINES ?? 3_000_000);

const print = (figures: Record<string, number>) => {
  for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value}`);
};

const mixed = await ensureLog(join(dir, `mixed-${lines}.log`), lines);
print({ lines });
print(benchCliStartup(dir));
print(await benchClassify(mixed));
print(await benchCliFormats(mixed));
// classify_many_principals_vs_split: the same mix from 50,000 distinct roles (ARN cache churn).
const manyPrincipals = await ensureLog(join(dir, `many-principals-${lines}.log`), lines, 50_000);
print(await benchClassify(manyPrincipals, 9, 'classify_many_principals'));
const small = await ensureLog(join(dir, 'mixed-10000.log'), 10_000);
const large = await ensureLog(join(dir, `mixed-${largeLines}.log`), largeLines);
print(benchMemory(small, large));
print(await benchHandler());
print(await benchDistinctFlood());
