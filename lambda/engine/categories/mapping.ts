import { accessEntryPrincipal, recreateAccessEntrySteps } from '../runbooks/access-entry';
import { backupAwsAuthStep } from '../runbooks/aws-auth';
import { identityCheckSteps } from '../runbooks/identity-check';
import { reconnectSteps } from '../runbooks/kubeconfig';
import { verifyStep } from '../runbooks/verify';
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
  platformVersion,
  updateAccessEntryUsername,
} from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { mention } from '../wording/mention';
import { PLACEHOLDER } from '../wording/names';
import { principalLabel, subject, usernameFor } from '../wording/principal';
import { pick } from './details';
import type { CategoryEntry, DenialFamily, DenialMatch, DetailReader, EveryIdHasAnEntry } from './entry';
import { chosenBy } from './fix-template';
import { notMappedCause } from './not-mapped';

/**
 * Principals that passed STS but could not be turned into a Kubernetes identity: not mapped (then
 * explained by sub-cause), or mapped by an entry the authenticator could not use. These errors carry no
 * prefix; the caller is a real AWS principal and the text is the authenticator's. An error nothing
 * recognises, in any family, is UNKNOWN.
 */
export const MAPPING_CATEGORIES = [
  'IDENTITY_NOT_MAPPED',
  'IDENTITY_ARN_MISMATCH',
  'MAPPER_LOOKUP_ERROR',
  'TEMPLATE_SESSION_NOT_INSTANCE_ID',
  'TEMPLATE_EC2_LOOKUP_FAILED',
  'TEMPLATE_DNS1123',
  'USERNAME_RESERVED_PREFIX',
  'UNKNOWN',
] as const;
export type MappingCategory = (typeof MAPPING_CATEGORIES)[number];

const mapperName: DetailReader = (error) => pick({ mapper: /mapper (\w+)/.exec(error)?.[1] });

const RESERVED_PREFIXES = '`system:`, `eks:`, `aws:`, `amazon:` and `iam:`';

const ENTRIES = [
  {
    id: 'USERNAME_RESERVED_PREFIX',
    // First: the username is rendered from the caller's session name and could echo other phrases.
    match: { startsWith: ["invalid username '"] },
    severity: 'high',
    trust: 'identity',
    details: (error) =>
      pick({
        username: /^invalid username '(.*)' for mapper/.exec(error)?.[1],
        mapper: /for mapper (\w+)/.exec(error)?.[1],
      }),
    title: 'Mapping uses a reserved username prefix',
    summary: (request) => {
      const username = request.finding.details.username;
      return `The mapping for ${principalLabel(request.principal)} renders ${username ? `the username "${mention(username, 100)}", which starts` : 'a username that starts'} with a prefix reserved for the system (${RESERVED_PREFIXES}), so the authenticator refuses it.`;
    },
    steps: (request) => [...renameUsernameSteps(request), verifyStep()],
    warnings: [
      "With `{{SessionNameRaw}}` the username contains the caller's own session name; prefer `{{SessionName}}` after a fixed prefix.",
    ],
  },
  {
    id: 'IDENTITY_NOT_MAPPED',
    match: { writtenAs: ['identity is not mapped', 'Identity is not mapped', 'ARN is not mapped'] },
    severity: 'high',
    trust: 'identity',
    // Its fix, like its severity, is the sub-cause's (a finding without one: the generic not-mapped fix).
    ...chosenBy((request) => notMappedCause(request.finding.subCause)),
  },
  {
    id: 'IDENTITY_ARN_MISMATCH',
    match: { contains: ['arn does not match user id'] },
    severity: 'high',
    trust: 'identity',
    details: mapperName,
    title: "Access entry does not match the principal's current ARN",
    summary: (request) =>
      `The access entry found for ${principalLabel(request.principal)} by its unique ID holds a different or malformed ARN ("ARN does not match User ID"), usually because the principal was renamed or recreated, so the entry has to be recreated.`,
    steps: (request) => [...recreateAccessEntrySteps(request), verifyStep()],
    warnings: [],
  },
  {
    id: 'TEMPLATE_SESSION_NOT_INSTANCE_ID',
    match: { contains: ['sessionname did not contain an instance id'] },
    severity: 'high',
    trust: 'identity',
    details: (error) =>
      pick({ mapper: /mapper (\w+)/.exec(error)?.[1], template: /template "([^"]*)"/.exec(error)?.[1] }),
    title: 'Someone is using a node role outside a node',
    summary: (request) => {
      const session = request.principal.session;
      return `${subject(request)} is mapped as a node (username \`system:node:{{EC2PrivateDNSName}}\`), but its session name${session ? ` ${session}` : ''} is not an EC2 instance ID, so a person, CI job or controller is using the node role.`;
    },
    steps: (request) => [
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
  },
  {
    id: 'TEMPLATE_EC2_LOOKUP_FAILED',
    match: { contains: ['failed querying private dns', 'failed to find node'] },
    severity: 'critical',
    trust: 'identity',
    details: (error, record) =>
      pick({
        mapper: /mapper (\w+)/.exec(error)?.[1],
        instanceId: /\b(i-[0-9a-f]{8,17})\b/.exec(error)?.[1],
        // The denial's own error is usually cut before the code; the EC2 batch failure near it has it.
        ec2Error:
          /(UnauthorizedOperation|InvalidInstanceID\.NotFound|RequestLimitExceeded|Throttling)/.exec(
            error,
          )?.[1] ?? record.fields.ec2error,
      }),
    title: 'Authenticator could not look the node up in EC2',
    summary: (request) => ec2LookupCause(request).summary,
    // Only the steps for the cause the EC2 error code names; all of them when no code is known.
    steps: (request) => [
      ...ec2LookupCause(request).steps(request),
      { text: 'Check that nodes register and become Ready.', command: KUBECTL_GET_NODES },
    ],
    warnings: ['Until this is fixed, no new node can join the cluster.'],
  },
  {
    id: 'TEMPLATE_DNS1123',
    match: { contains: ['not a dns-1123'] },
    severity: 'high',
    trust: 'identity',
    title: 'Mapping renders an invalid username or group',
    summary: (request) =>
      `The aws-auth mapping for ${principalLabel(request.principal)} renders a username or group with no letters or digits at all, typically an empty \`username:\`, which the authenticator refuses.`,
    steps: (request) => [
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
  },
  {
    id: 'MAPPER_LOOKUP_ERROR',
    // Last: other mapping failures are wrapped in `mapper … error:` too.
    match: { startsWith: ['mapper ', '[mapper '] },
    severity: 'high',
    trust: 'identity',
    details: mapperName,
    title: 'Authenticator mapping backend failed',
    summary: (request) =>
      `The authenticator's ${request.finding.details.mapper ? `${mention(request.finding.details.mapper, 40)} ` : ''}mapper failed while looking the principal up, which on a self-managed authenticator means its IAMIdentityMapping backend or the permissions it needs are broken.`,
    steps: (request) => [
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
  },
  {
    id: 'UNKNOWN',
    match: { otherwise: true },
    severity: 'medium',
    trust: 'identity',
    title: 'Unrecognised authenticator message',
    summary:
      'eks-auth-doctor did not recognise this authenticator line, so it cannot name the cause; the raw message is quoted below and the general checks follow.',
    steps: (request) => [
      { text: `Raw message: "${mention(request.finding.error ?? request.finding.record.msg, 500)}".` },
      ...identityCheckSteps(request),
      ...reconnectSteps(request),
      {
        text: 'Report it to the eks-auth-doctor maintainers with the raw line (redact account IDs and ARNs), its time and the cluster platform version, so a rule can be added.',
        command: platformVersion(request.cluster),
      },
    ],
    warnings: [
      'The message was not recognised, so it may contain text chosen by whoever sent the request; read it, do not run it.',
    ],
  },
] satisfies readonly CategoryEntry<MappingCategory, DenialMatch>[];

export const MAPPING: DenialFamily<MappingCategory> = {
  name: 'mapping',
  prefixes: [],
  ids: MAPPING_CATEGORIES,
  entries: ENTRIES satisfies EveryIdHasAnEntry<MappingCategory, typeof ENTRIES>,
};

/** Where to rename a reserved username: the access entry, aws-auth, or both when the mode is unknown. */
function renameUsernameSteps(request: FixRequest): FixStep[] {
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
  if (request.mode === 'API') return accessEntry;
  if (request.mode === 'CONFIG_MAP') return awsAuth;
  return [...accessEntry, ...awsAuth];
}

/** Why DescribeInstances failed, and what to do about it, for one kind of EC2 error code. */
interface Ec2LookupCause {
  /** The EC2 error codes of this cause (matched, never quoted into a command). */
  readonly codes: RegExp;
  readonly summary: string;
  readonly steps: (request: FixRequest) => FixStep[];
}

const restoreClusterPolicySteps = (request: FixRequest): FixStep[] => [
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
];
const OTHER_ACCOUNT_STEP: FixStep = {
  text: 'Nodes in another account cannot be found, because the lookup runs in the cluster account: run nodes in the cluster account, or map them with a `{{SessionName}}`-based username and matching hostnames.',
};
const TRANSIENT_STEP: FixStep = {
  text: 'A terminated instance or EC2 throttling is transient; nodes retry on their own.',
};

/**
 * The EC2 error behind a node lookup failure, from the denial's own error or the batch failure joined
 * to it (`ec2Error`): one entry per cause, tried in order.
 */
const EC2_LOOKUP_CAUSES: readonly Ec2LookupCause[] = [
  {
    codes: /UnauthorizedOperation/,
    summary:
      'The cluster IAM role may no longer call `ec2:DescribeInstances` (AmazonEKSClusterPolicy was probably detached), so the authenticator cannot resolve `{{EC2PrivateDNSName}}` and refuses every new node.',
    steps: restoreClusterPolicySteps,
  },
  {
    codes: /InvalidInstanceID\.NotFound/,
    summary:
      "The node's instance was not found in the cluster's account, because the node runs in another account, or the instance was terminated or is not visible yet.",
    steps: () => [OTHER_ACCOUNT_STEP, TRANSIENT_STEP],
  },
  {
    codes: /RequestLimitExceeded|Throttling/,
    summary:
      "EC2 throttled the lookup of the node's private DNS name, so the node was refused this time; it is transient unless it keeps happening.",
    steps: () => [TRANSIENT_STEP],
  },
];

/** A code not known, or not logged: every route. */
const UNKNOWN_EC2_LOOKUP_CAUSE: Ec2LookupCause = {
  codes: /(?:)/,
  summary:
    "The authenticator could not resolve the node's private DNS name through `ec2:DescribeInstances`, because the cluster role lost that permission, the node runs in another account, or EC2 briefly failed.",
  steps: (request) => [...restoreClusterPolicySteps(request), OTHER_ACCOUNT_STEP, TRANSIENT_STEP],
};

function ec2LookupCause(request: FixRequest): Ec2LookupCause {
  const code = request.finding.details.ec2Error ?? request.finding.error ?? '';
  return EC2_LOOKUP_CAUSES.find((cause) => cause.codes.test(code)) ?? UNKNOWN_EC2_LOOKUP_CAUSE;
}

function whatAuthenticatorSaid(request: FixRequest): FixStep[] {
  return request.finding.error
    ? [{ text: `The authenticator said: "${mention(request.finding.error, 300)}".` }]
    : [];
}
