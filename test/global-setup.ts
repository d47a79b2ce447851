import { execFileSync } from 'node:child_process';

/**
 * Once per `vitest run`: `npm run build`, so the stack tests deploy the current Lambda assets and the CLI
 * tests run the current built executable, never a stale dist/.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
