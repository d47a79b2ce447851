import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { type CheckStep, fail, pass, unknown } from '../check';
import { shown } from '../shown';

/**
 * Runbook step 3: kubectl must find the exec command, or it fails before any request is made
 * (`exec: executable aws not found`) — not an Unauthorized, but the same lost afternoon.
 */
export const commandOnPathCheck: CheckStep = {
  id: 'command-on-path',
  title: 'command on PATH',
  async run(facts) {
    const command = facts.tokenCommand?.command;
    if (!command) return unknown('no exec command to look for');
    const candidates =
      isAbsolute(command) || command.includes('/')
        ? [command]
        : facts.environment.path.map((directory) => join(directory, command));
    for (const candidate of candidates) {
      if (await isExecutable(candidate)) return pass(`${shown(command, 60)} is ${shown(candidate, 200)}`);
    }
    return fail(`${shown(command, 60)} is not on PATH, so kubectl cannot run the token command`, {
      tokenCommandMissing: true,
    });
  },
};

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
