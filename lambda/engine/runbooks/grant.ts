import type { FixStep } from '../types';
import {
  DEFAULT_GROUP,
  describeAccessConfig,
  eksctlCreateMapping,
  updateKubeconfig,
} from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { usernameFor } from '../wording/principal';
import { accessEntryGrantSteps } from './access-entry';
import { awsAuthGrantSteps } from './aws-auth';
import { grouped, prefixed } from './conditional';
import { verifyStep } from './verify';

/**
 * Grants the principal access the way the cluster's authentication mode wants it: access entries in
 * `API`, access entries first in `API_AND_CONFIG_MAP`, aws-auth in `CONFIG_MAP`, and both (after
 * checking the mode) when the mode is unknown.
 */
export function grantSteps(request: FixRequest): FixStep[] {
  switch (request.mode) {
    case 'API':
      return accessEntryGrantSteps(request);
    case 'API_AND_CONFIG_MAP':
      return [
        ...accessEntryGrantSteps(request),
        {
          text: 'aws-auth still works in API_AND_CONFIG_MAP mode (access entries win when both exist); if your team manages access there instead, add the mapping with eksctl.',
          command: eksctlCreateMapping(
            request.cluster,
            request.principal.mappingArn,
            usernameFor(request.principal),
            [DEFAULT_GROUP],
          ),
        },
      ];
    case 'CONFIG_MAP':
      return awsAuthGrantSteps(request);
    default:
      return [
        {
          text: 'Find the mode first: `authenticationMode` is CONFIG_MAP (aws-auth only), API_AND_CONFIG_MAP (access entries and aws-auth) or API (access entries only).',
          command: describeAccessConfig(request.cluster),
        },
        ...prefixed(
          'If the mode is API or API_AND_CONFIG_MAP: ',
          accessEntryGrantSteps(request),
          request.principal.kind === 'role' && request.principal.known
            ? 'an access entry with read-only access, for the ARN get-role prints (with its path, if any)'
            : 'an access entry with read-only access',
        ),
        ...prefixed(
          'If the mode is CONFIG_MAP: ',
          awsAuthGrantSteps(request),
          `back up aws-auth, map the principal to the read-only group \`${DEFAULT_GROUP}\`, bind that group to \`view\``,
        ),
      ];
  }
}

/** What the affected user runs once access is granted. */
export function afterGrantSteps(request: FixRequest): FixStep[] {
  return grouped('Then, on the affected machine: regenerate the kubeconfig and try again', [
    {
      text: 'On the affected machine, regenerate the kubeconfig (add `--profile <profile>` for a named profile).',
      command: updateKubeconfig(request.cluster),
    },
    verifyStep(),
  ]);
}
