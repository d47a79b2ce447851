import type { FixStep } from '../types';
import {
  DEFAULT_GROUP,
  describeAccessConfig,
  eksctlCreateMapping,
  updateKubeconfig,
} from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { usernameFor } from '../wording/principal';
import { accessEntryGrantSteps, accessEntryGrantSummary } from './access-entry';
import { AWS_AUTH_GRANT_SUMMARY, awsAuthGrantSteps } from './aws-auth';
import { grouped, prefixed, upperFirst } from './conditional';
import { verifyStep } from './verify';

/**
 * Grants the principal access the way the cluster's authentication mode wants it: access entries in
 * `API`, access entries first in `API_AND_CONFIG_MAP`, aws-auth in `CONFIG_MAP`, and both (after
 * checking the mode) when the mode is unknown. Each way is one run of steps under a line that says
 * what it does, so a compact sink prints that line once, then the commands.
 */
export function grantSteps(request: FixRequest): FixStep[] {
  const accessEntry = () =>
    grouped(`Give the principal ${accessEntryGrantSummary(request)}`, accessEntryGrantSteps(request));
  switch (request.mode) {
    case 'API':
      return accessEntry();
    case 'API_AND_CONFIG_MAP':
      return [
        ...accessEntry(),
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
      return grouped(upperFirst(AWS_AUTH_GRANT_SUMMARY), awsAuthGrantSteps(request));
    default:
      return [
        {
          text: 'Find the mode first: `authenticationMode` is CONFIG_MAP (aws-auth only), API_AND_CONFIG_MAP (access entries and aws-auth) or API (access entries only).',
          command: describeAccessConfig(request.cluster),
        },
        ...prefixed(
          'If the mode is API or API_AND_CONFIG_MAP: ',
          accessEntryGrantSteps(request),
          accessEntryGrantSummary(request),
        ),
        ...prefixed('If the mode is CONFIG_MAP: ', awsAuthGrantSteps(request), AWS_AUTH_GRANT_SUMMARY),
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
