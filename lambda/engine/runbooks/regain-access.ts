import type { FixStep } from '../types';
import {
  AUTHENTICATOR_QUERY_CREATOR,
  associateAccessPolicy,
  callerIdentity,
  createAccessEntry,
  updateKubeconfig,
} from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { PLACEHOLDER } from '../wording/names';
import { grouped } from './conditional';

/** Steps to act as someone who can still change access: the creator, or a principal with an access entry. */
export function regainAccessSteps(request: FixRequest): FixStep[] {
  const creator = request.creatorArn
    ? `the cluster creator (${request.creatorArn})`
    : 'the cluster creator (find it with the query in the next step)';
  const steps: FixStep[] = [
    {
      text: `If you are locked out too, act as ${creator}: it is mapped implicitly and needs no aws-auth entry. Check which identity you are using.`,
      command: callerIdentity(),
    },
  ];
  const creatorStep = actAsCreatorStep(request);
  if (creatorStep !== undefined) steps.push(creatorStep);
  if (!request.creatorArn) {
    steps.push({
      optional: true,
      text: `To find the creator, run this in CloudWatch Logs Insights on ${request.cluster.logGroup} (CONFIG_MAP clusters log it as \`kubernetes-admin\`).`,
      command: AUTHENTICATOR_QUERY_CREATOR,
    });
  }
  if (request.mode !== 'CONFIG_MAP') {
    steps.push(
      {
        text: 'With access entries (API_AND_CONFIG_MAP), any principal allowed `eks:CreateAccessEntry` can give an admin principal you control an entry.',
        command: createAccessEntry(request.cluster, PLACEHOLDER.adminPrincipalArn),
      },
      {
        text: 'Make it cluster admin until access is repaired.',
        command: associateAccessPolicy(
          request.cluster,
          PLACEHOLDER.adminPrincipalArn,
          'AmazonEKSClusterAdminPolicy',
        ),
      },
    );
  }
  // One case of the fix (the reader may still have access): a compact sink prints the condition once.
  return grouped(LOCKED_OUT, steps);
}

/**
 * The exact way to act as the known creator: a role is assumed by the kubeconfig itself
 * (`--role-arn`); a user's keys live in a profile of its own.
 */
function actAsCreatorStep(request: FixRequest): FixStep | undefined {
  const creator = request.creatorArn;
  if (creator === undefined) return undefined;
  if (creator.includes(':role/')) {
    return {
      text: `Act as the creator role ${creator}: point kubectl at the cluster with tokens signed as that role (your identity must be allowed to assume it).`,
      command: `${updateKubeconfig(request.cluster)} --role-arn ${creator}`,
    };
  }
  return {
    text: `Act as the creator user ${creator}: use a profile holding its access keys (the profile name is yours to fill in).`,
    command: updateKubeconfig(request.cluster, PLACEHOLDER.profile),
  };
}

const LOCKED_OUT =
  'If you are locked out too: act as the cluster creator, or give an admin principal you control an access entry';
