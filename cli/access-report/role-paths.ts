import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Principal } from '../../lambda/engine/types';
import { principalNames } from '../../lambda/engine/wording/names';
import { awsFailure } from './aws-failure';

/** Lookups per report at most: one per locked-out role, and a hostile log cannot make it thousands. */
const MAX_LOOKUPS = 100;

/**
 * The real ARNs (IAM path included) of the given roles, by lower-case canonical ARN, from
 * `iam:GetRole`: an access entry for a role with a path needs that ARN, and the log only has the
 * path-less one. A role that is gone, or a lookup that fails, becomes a note; its commands then look
 * the path up themselves.
 */
export async function rolePaths(
  iam: IAMClient,
  roles: readonly Principal[],
): Promise<{ arns: Map<string, string>; notes: string[] }> {
  const arns = new Map<string, string>();
  const notes: string[] = [];
  const failures: string[] = [];
  for (const principal of roles.slice(0, MAX_LOOKUPS)) {
    const names = principalNames(principal);
    if (!names.known || names.kind !== 'role') continue;
    try {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: names.name }));
      if (Role?.Arn !== undefined) arns.set(principal.arn.toLowerCase(), Role.Arn);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NoSuchEntityException' || name === 'NoSuchEntity') {
        notes.push(
          `Role ${names.name} no longer exists (iam:GetRole: NoSuchEntity): it cannot log in any more; drop its aws-auth mapping rather than create an entry.`,
        );
      } else {
        failures.push(awsFailure({ action: `IAM GetRole ${names.name}`, permission: 'iam:GetRole' }, error));
      }
    }
  }
  if (failures.length > 0) {
    notes.push(`${failures[0]}; the commands look the role's ARN up themselves (${failures.length} role(s))`);
  }
  return { arns, notes };
}
