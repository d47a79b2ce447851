import type { Category } from '../classify/categories';
import type { FixStep } from '../types';
import {
  AUTHENTICATOR_LOGS,
  attachClusterPolicy,
  cloudTrailResource,
  describeAccessEntry,
  describeClusterRole,
  EDIT_AWS_AUTH,
  GET_AWS_AUTH,
  KUBECTL_GET_NODES,
  LIST_IDENTITY_MAPPINGS,
  listAttachedRolePolicies,
  updateAccessEntryUsername,
} from './commands';
import type { FixBuilder, FixRequest } from './fix-request';
import { mention } from './mention';
import { PLACEHOLDER } from './names';
import {
  accessEntryPrincipal,
  backupAwsAuthStep,
  principalLabel,
  recreateAccessEntrySteps,
  subject,
  usernameFor,
  verifyStep,
} from './steps';
import { SUB_CAUSE_FIXES } from './sub-cause-fixes';

/**
 * Fixes for principals that passed STS but could not be turned into a Kubernetes identity: not mapped
 * (by sub-cause), or mapped by an entry the authenticator could not use.
 */
type IdentityCategory = Extract<
  Category,
  | 'IDENTITY_NOT_MAPPED'
  | 'IDENTITY_ARN_MISMATCH'
  | 'MAPPER_LOOKUP_ERROR'
  | 'TEMPLATE_SESSION_NOT_INSTANCE_ID'
  | 'TEMPLATE_EC2_LOOKUP_FAILED'
  | 'TEMPLATE_DNS1123'
  | 'USERNAME_RESERVED_PREFIX'
>;

const RESERVED_PREFIXES = '`system:`, `eks:`, `aws:`, `amazon:` and `iam:`';

/** Why DescribeInstances failed, from the AWS error code in the line (matched, never quoted into a command). */
function ec2LookupSummary(request: FixRequest): string {
  const code = request.finding.details.ec2Error ?? request.finding.error ?? '';
  if (/UnauthorizedOperation/.test(code)) {
    return 'The cluster IAM role may no longer call `ec2:DescribeInstances` (AmazonEKSClusterPolicy was probably detached), so the authenticator cannot resolve `{{EC2PrivateDNSName}}` and refuses every new node.';
  }
  if (/InvalidInstanceID\.NotFound/.test(code)) {
    return "The node's instance was not found in the cluster's account, because the node runs in another account, or the instance was terminated or is not visible yet.";
  }
  if (/RequestLimitExceeded|Throttling/.test(code)) {
    return "EC2 throttled the lookup of the node's private DNS name, so the node was refused this time; it is transient unless it keeps happening.";
  }
  return "The authenticator could not resolve the node's private DNS name through `ec2:DescribeInstances`, because the cluster role lost that permission, the node runs in another account, or EC2 briefly failed.";
}

function whatAuthenticatorSaid(request: FixRequest): FixStep[] {
  return request.finding.error
    ? [{ text: `The authenticator said: "${mention(request.finding.error, 300)}".` }]
    : [];
}

export const IDENTITY_FIXES: Record<IdentityCategory, FixBuilder> = {
  IDENTITY_NOT_MAPPED: (request) => SUB_CAUSE_FIXES[request.finding.subCause ?? 'NOT_IN_AWS_AUTH'](request),

  IDENTITY_ARN_MISMATCH: (request) => ({
    title: "Access entry does not match the principal's current ARN",
    summary: `The access entry found for ${principalLabel(request.principal)} by its unique ID holds a different or malformed ARN ("ARN does not match User ID"), usually because the principal was renamed or recreated, so the entry has to be recreated.`,
    steps: [...recreateAccessEntrySteps(request), verifyStep()],
    warnings: [],
  }),

  MAPPER_LOOKUP_ERROR: (request) => ({
    title: 'Authenticator mapping backend failed',
    summary: `The authenticator's ${request.finding.details.mapper ? `${mention(request.finding.details.mapper, 40)} ` : ''}mapper failed while looking the principal up, which on a self-managed authenticator means its IAMIdentityMapping backend or the permissions it needs are broken.`,
    steps: [
      ...whatAuthenticatorSaid(request),
      { text: 'Check that the IAMIdentityMapping resources are readable.', command: LIST_IDENTITY_MAPPINGS },
      {
        text: 'Read the authenticator logs, and check that its ClusterRole lets it list and watch iamidentitymappings.',
        command: AUTHENTICATOR_LOGS,
      },
      {
        text: 'On EKS (you do not run the authenticator yourself), open an AWS Support case with this line.',
      },
      verifyStep(),
    ],
    warnings: [],
  }),

  TEMPLATE_SESSION_NOT_INSTANCE_ID: (request) => {
    const session = request.principal.session;
    return {
      title: 'Someone is using a node role outside a node',
      summary: `${subject(request)} is mapped as a node (username \`system:node:{{EC2PrivateDNSName}}\`), but its session name${session ? ` ${session}` : ''} is not an EC2 instance ID, so a person, CI job or controller is using the node role.`,
      steps: [
        {
          text: 'Find who assumed the node role: look for AssumeRole events whose caller is not `ec2.amazonaws.com`.',
          command: cloudTrailResource(
            request.cluster.region,
            request.principal.known ? request.principal.mappingArn : PLACEHOLDER.roleArn,
          ),
        },
        {
          text: 'Give that person or job its own IAM role with only the permissions it needs, and map that role (or give it an access entry); never reuse node roles for people or CI.',
        },
        {
          text: 'If the role really is only used by nodes, something customised the session name; restore the default (the instance ID).',
        },
      ],
      warnings: [
        'Anyone who can assume a node role can act as a node of the cluster; check who is allowed to assume it.',
      ],
    };
  },

  TEMPLATE_EC2_LOOKUP_FAILED: (request) => ({
    title: 'Authenticator could not look the node up in EC2',
    summary: ec2LookupSummary(request),
    steps: [
      {
        text: 'Find the cluster IAM role (the role name is the last part of the ARN).',
        command: describeClusterRole(request.cluster),
      },
      {
        text: 'Check that AmazonEKSClusterPolicy is attached to it.',
        command: listAttachedRolePolicies(PLACEHOLDER.clusterRoleName),
      },
      {
        text: 'If it is missing, attach it again.',
        command: attachClusterPolicy(request.cluster, PLACEHOLDER.clusterRoleName),
      },
      {
        text: 'Nodes in another account cannot be found, because the lookup runs in the cluster account: run nodes in the cluster account, or map them with a `{{SessionName}}`-based username and matching hostnames.',
      },
      {
        text: 'A terminated instance or EC2 throttling is transient; nodes retry on their own.',
      },
      { text: 'Check that nodes register and become Ready.', command: KUBECTL_GET_NODES },
    ],
    warnings: ['Until this is fixed, no new node can join the cluster.'],
  }),

  TEMPLATE_DNS1123: (request) => ({
    title: 'Mapping renders an invalid username or group',
    summary: `The aws-auth mapping for ${principalLabel(request.principal)} renders a username or group with no letters or digits at all, typically an empty \`username:\`, which the authenticator refuses.`,
    steps: [
      {
        text: 'Find the entry for this principal and look at its username and groups.',
        command: GET_AWS_AUTH,
      },
      backupAwsAuthStep(),
      {
        text: `Give the entry a username (for example \`${usernameFor(request.principal)}\`) and non-empty groups.`,
        command: EDIT_AWS_AUTH,
      },
      verifyStep(),
    ],
    warnings: [],
  }),

  USERNAME_RESERVED_PREFIX: (request) => {
    const username = request.finding.details.username;
    const { arn } = accessEntryPrincipal(request);
    const accessEntry: FixStep[] = [
      {
        text: 'In an access entry: look at its username.',
        command: describeAccessEntry(request.cluster, arn),
      },
      {
        text: 'Set a username without a reserved prefix (`{{SessionName}}` needs a colon before it, e.g. `name:{{SessionName}}`).',
        command: updateAccessEntryUsername(request.cluster, arn, usernameFor(request.principal)),
      },
    ];
    const awsAuth: FixStep[] = [
      { text: 'In aws-auth: find the entry and its username.', command: GET_AWS_AUTH },
      backupAwsAuthStep(),
      { text: 'Rename the username so it does not start with a reserved prefix.', command: EDIT_AWS_AUTH },
    ];
    const steps =
      request.mode === 'API'
        ? accessEntry
        : request.mode === 'CONFIG_MAP'
          ? awsAuth
          : [...accessEntry, ...awsAuth];
    return {
      title: 'Mapping uses a reserved username prefix',
      summary: `The mapping for ${principalLabel(request.principal)} renders ${username ? `the username "${mention(username, 100)}", which starts` : 'a username that starts'} with a prefix reserved for the system (${RESERVED_PREFIXES}), so the authenticator refuses it.`,
      steps: [...steps, verifyStep()],
      warnings: [
        'With `{{SessionNameRaw}}` the username contains the caller’s own session name; prefer `{{SessionName}}` after a fixed prefix.',
      ],
    };
  },
};
