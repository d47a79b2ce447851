import { CLUSTER_NAME, clusterLogGroupName } from '../../contract';
import { partitionOfRegion, REGION_NAME } from '../../contract/names';
import { parseArn } from '../parse/arn';
import type { Principal } from '../types';

/**
 * The readable stand-ins a command shows where a name is unknown or did not look safe. They are
 * obviously not real values, so a command pasted unchanged fails instead of acting on the wrong thing.
 */
export const PLACEHOLDER = {
  cluster: '<cluster-name>',
  region: '<region>',
  accountId: '<account-id>',
  profile: '<profile>',
  principalArn: '<principal-arn>',
  roleArn: '<role-arn>',
  roleArnWithPath: '<role-arn-with-path>',
  userArn: '<user-arn>',
  roleName: '<role-name>',
  userName: '<user-name>',
  username: '<username>',
  policy: '<policy-name>',
  adminPrincipalArn: '<admin-principal-arn>',
  clusterRoleName: '<cluster-role-name>',
  namespace: '<namespace>',
} as const;

/**
 * What an ARN must look like before it may be written into a command. Principal ARNs come from log
 * lines; IAM limits names to `[\w+=,.@-]`, so anything outside this shape (spaces, quotes, `$`, `;`,
 * backticks, newlines) was not written by IAM and is never put in front of a shell.
 */
export const COMMAND_SAFE_ARN = /^arn:aws[\w-]*:(iam|sts)::\d{12}:[\w+=,.@/-]+$/;

const ACCOUNT_ID = /^\d{12}$/;
const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
const PARTITION = /^aws(-[a-z]+)*$/;

/** The cluster's names, each checked or replaced by its placeholder. */
export interface ClusterNames {
  readonly cluster: string;
  readonly region: string;
  /** The cluster's AWS account. */
  readonly accountId: string;
  /** `aws`, `aws-cn`, `aws-us-gov` …: needed for the access-policy and managed-policy ARNs. */
  readonly partition: string;
  /** The CloudWatch Logs group the control-plane logs go to. */
  readonly logGroup: string;
}

/** The denied (or granted) principal's names, each checked or replaced by its placeholder. */
export interface PrincipalNames {
  /** True when the logged ARN passed {@link COMMAND_SAFE_ARN} and parsed as an IAM principal. */
  readonly known: boolean;
  readonly kind: Principal['type'];
  /** The ARN as the authenticator matched it (canonical: role path and session removed). */
  readonly arn: string;
  /** The user or role name, without path. */
  readonly name: string;
  readonly accountId: string;
  readonly partition?: string;
  /**
   * The ARN an aws-auth entry needs: for a role `arn:…:iam::<acct>:role/<name>` with no path and no
   * session; for a user the user ARN.
   */
  readonly mappingArn: string;
  /** The STS session name, when it looks like one IAM would accept. */
  readonly session?: string;
}

export function clusterNames(
  cluster: { clusterName?: string; region?: string; accountId?: string } | undefined,
  principalPartition?: string,
): ClusterNames {
  const name = safe(cluster?.clusterName, CLUSTER_NAME) ?? PLACEHOLDER.cluster;
  const region = safe(cluster?.region, REGION_NAME);
  return {
    cluster: name,
    region: region ?? PLACEHOLDER.region,
    accountId: safe(cluster?.accountId, ACCOUNT_ID) ?? PLACEHOLDER.accountId,
    partition: partitionOf(region, principalPartition),
    logGroup: clusterLogGroupName(name),
  };
}

/** Reads the principal's names from the ARN alone: fields next to an ARN that failed the check are not trusted either. */
export function principalNames(principal: Principal | undefined): PrincipalNames {
  const parsed = checkedArn(principal?.arn);
  if (!parsed) return unknownPrincipal(principal?.type ?? 'unknown');
  const name = safe(parsed.name, IAM_NAME);
  const kind = parsed.type;
  // A federated-user session cannot be mapped; everything IAM-side maps by its canonical ARN.
  const mappingArn =
    parsed.service === 'iam' || kind === 'role' ? parsed.canonical : PLACEHOLDER.principalArn;
  return {
    known: true,
    kind,
    arn: parsed.canonical,
    name: name ?? (kind === 'user' ? PLACEHOLDER.userName : PLACEHOLDER.roleName),
    accountId: parsed.accountId,
    partition: parsed.partition,
    mappingArn,
    session: safe(principal?.session, IAM_NAME) ?? parsed.session,
  };
}

/** A checked ARN from the context (creator, aws-auth entries), or `undefined`. */
export function checkedArn(text: string | undefined): ReturnType<typeof parseArn> {
  if (text === undefined || !COMMAND_SAFE_ARN.test(text)) return undefined;
  return parseArn(text);
}

function unknownPrincipal(kind: Principal['type']): PrincipalNames {
  const arn =
    kind === 'role' ? PLACEHOLDER.roleArn : kind === 'user' ? PLACEHOLDER.userArn : PLACEHOLDER.principalArn;
  return {
    known: false,
    kind,
    arn,
    name: kind === 'user' ? PLACEHOLDER.userName : PLACEHOLDER.roleName,
    accountId: PLACEHOLDER.accountId,
    mappingArn: arn,
  };
}

function safe(value: string | undefined, shape: RegExp): string | undefined {
  return value !== undefined && shape.test(value) ? value : undefined;
}

function partitionOf(region: string | undefined, principalPartition: string | undefined): string {
  if (principalPartition && PARTITION.test(principalPartition)) return principalPartition;
  return partitionOfRegion(region);
}
