import type { FixStep } from '../types';
import {
  awsAuthSnippet,
  BACKUP_AWS_AUTH,
  bindGroup,
  DEFAULT_GROUP,
  DESCRIBE_AWS_AUTH,
  EDIT_AWS_AUTH,
  eksctlCreateMapping,
  eksctlGetMappings,
} from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { usernameFor } from '../wording/principal';
import { optional } from './conditional';

/** Runbooks for the aws-auth ConfigMap: back it up, and map a principal in it. */

export function backupAwsAuthStep(): FixStep {
  return { text: 'Back up aws-auth before changing it.', command: BACKUP_AWS_AUTH };
}

/** In a few words, what `awsAuthGrantSteps` does (the line a compact sink prints above its commands). */
export const AWS_AUTH_GRANT_SUMMARY = `back up aws-auth, map the principal to the read-only group \`${DEFAULT_GROUP}\`, bind that group to \`view\``;

/** Runbook: look at aws-auth, back it up, add the mapping with eksctl or by hand, bind the group. */
export function awsAuthGrantSteps(request: FixRequest): FixStep[] {
  const principal = request.principal;
  const kind = principal.kind === 'user' || principal.kind === 'root' ? 'user' : 'role';
  const username = usernameFor(principal);
  return [
    optional({
      text: `See what aws-auth maps today (without eksctl: \`${DESCRIBE_AWS_AUTH}\`).`,
      command: eksctlGetMappings(request.cluster),
    }),
    backupAwsAuthStep(),
    {
      text: `Map the principal to the read-only group \`${DEFAULT_GROUP}\` (only a cluster admin can change aws-auth).`,
      command: eksctlCreateMapping(request.cluster, principal.mappingArn, username, [DEFAULT_GROUP]),
    },
    optional({
      text: `Alternatively, edit aws-auth by hand and add this entry under \`data.${kind === 'role' ? 'mapRoles' : 'mapUsers'}\`, keeping every existing entry (node roles especially). A role is mapped by its ARN without any path.`,
      command: EDIT_AWS_AUTH,
    }),
    optional({
      text: `The ${kind === 'role' ? 'mapRoles' : 'mapUsers'} entry:`,
      command: awsAuthSnippet(kind, principal.mappingArn, username, [DEFAULT_GROUP]),
    }),
    {
      text: `Bind \`${DEFAULT_GROUP}\` to the built-in \`view\` ClusterRole (use \`edit\`, or a RoleBinding in one namespace, for write access).`,
      command: bindGroup(DEFAULT_GROUP, 'view'),
    },
  ];
}
