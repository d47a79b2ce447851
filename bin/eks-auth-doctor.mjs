#!/usr/bin/env node
// The CLI runs the TypeScript sources directly (tsx), so `npx eks-auth-doctor` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
