import type { ClusterNames } from './names';
import { PLACEHOLDER } from './names';

/**
 * The exact commands a fix asks the operator to run. Every argument is a checked name or a
 * placeholder (see `names.ts`); nothing from a log line's `error=` ever reaches these builders.
 */

/** The EKS access policies, from narrowest to full admin. */
export type AccessPolicy =
  | 'AmazonEKSViewPolicy'
  | 'AmazonEKSEditPolicy'
  | 'AmazonEKSAdminPolicy'
  | 'AmazonEKSClusterAdminPolicy';

/** The access-entry types a node role may have; STANDARD is for people and workloads. */
type NodeEntryType = 'EC2_LINUX' | 'EC2_WINDOWS';

/** The Kubernetes group the fixes suggest by default: read-only, bound to the built-in `view` ClusterRole. */
export const DEFAULT_GROUP = 'eks-viewers';
export const NODE_USERNAME = 'system:node:{{EC2PrivateDNSName}}';
export const NODE_GROUPS = ['system:bootstrappers', 'system:nodes'] as const;

export function callerIdentity(profile?: string): string {
  return withProfile('aws sts get-caller-identity', profile);
}

export function updateKubeconfig(names: ClusterNames, profile?: string): string {
  return withProfile(`aws eks update-kubeconfig --name ${names.cluster} --region ${names.region}`, profile);
}

export const KUBECONFIG_VIEW = 'kubectl config view --minify';
/** Shows the exec arguments of the current kubeconfig user: the cluster name and profile its tokens are signed for. */
export const KUBECONFIG_EXEC_ARGS = "kubectl config view --minify -o jsonpath='{.users[0].user.exec}'";
export const KUBECTL_GET_SVC = 'kubectl get svc';
export const KUBECTL_GET_NODES = 'kubectl get nodes';
export const AWS_ENV = 'env | grep AWS_';

export function getToken(names: ClusterNames): string {
  return `aws eks get-token --cluster-name ${names.cluster} --region ${names.region}`;
}

export function ssoLogin(profile: string = PLACEHOLDER.profile): string {
  return `aws sso login --profile ${profile}`;
}

export function listClusters(names: ClusterNames): string {
  return `aws eks list-clusters --region ${names.region}`;
}

export function describeAccessConfig(names: ClusterNames): string {
  return `aws eks describe-cluster --name ${names.cluster} --region ${names.region} --query cluster.accessConfig`;
}

export function describeClusterRole(names: ClusterNames): string {
  return `aws eks describe-cluster --name ${names.cluster} --region ${names.region} --query cluster.roleArn --output text`;
}

export function switchToAccessEntries(names: ClusterNames): string {
  return `aws eks update-cluster-config --name ${names.cluster} --region ${names.region} --access-config authenticationMode=API_AND_CONFIG_MAP`;
}

export function restrictPublicEndpoint(names: ClusterNames): string {
  return `aws eks update-cluster-config --name ${names.cluster} --region ${names.region} --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="<trusted-cidr>"`;
}

// Access entries

function entryArgs(names: ClusterNames, principalArn: string): string {
  return `--cluster-name ${names.cluster} --region ${names.region} --principal-arn ${principalArn}`;
}

export function createAccessEntry(
  names: ClusterNames,
  principalArn: string,
  options: { type?: NodeEntryType; kubernetesGroups?: readonly string[] } = {},
): string {
  const type = options.type ? ` --type ${options.type}` : '';
  const groups = options.kubernetesGroups?.length
    ? ` --kubernetes-groups ${options.kubernetesGroups.join(' ')}`
    : '';
  return `aws eks create-access-entry ${entryArgs(names, principalArn)}${type}${groups}`;
}

export function associateAccessPolicy(
  names: ClusterNames,
  principalArn: string,
  policy: AccessPolicy | typeof PLACEHOLDER.policy,
  namespaces?: readonly string[],
): string {
  const scope = namespaces?.length ? `type=namespace,namespaces=${namespaces.join(',')}` : 'type=cluster';
  return `aws eks associate-access-policy ${entryArgs(names, principalArn)} --policy-arn ${accessPolicyArn(names, policy)} --access-scope ${scope}`;
}

function accessPolicyArn(names: ClusterNames, policy: AccessPolicy | typeof PLACEHOLDER.policy): string {
  return `arn:${names.partition}:eks::aws:cluster-access-policy/${policy}`;
}

export function listAccessEntries(names: ClusterNames): string {
  return `aws eks list-access-entries --cluster-name ${names.cluster} --region ${names.region}`;
}

export function describeAccessEntry(names: ClusterNames, principalArn: string): string {
  return `aws eks describe-access-entry ${entryArgs(names, principalArn)}`;
}

export function listAssociatedAccessPolicies(names: ClusterNames, principalArn: string): string {
  return `aws eks list-associated-access-policies ${entryArgs(names, principalArn)}`;
}

export function deleteAccessEntry(names: ClusterNames, principalArn: string): string {
  return `aws eks delete-access-entry ${entryArgs(names, principalArn)}`;
}

export function updateAccessEntryUsername(
  names: ClusterNames,
  principalArn: string,
  username: string,
): string {
  return `aws eks update-access-entry ${entryArgs(names, principalArn)} --username ${username}`;
}

// IAM

/** Access entries want the role's real ARN, path included; the log only ever shows it without the path. */
export function getRoleArn(roleName: string): string {
  return `aws iam get-role --role-name ${roleName} --query Role.Arn --output text`;
}

export function platformVersion(names: ClusterNames): string {
  return `aws eks describe-cluster --name ${names.cluster} --region ${names.region} --query cluster.platformVersion --output text`;
}

export function regionOptStatus(names: ClusterNames): string {
  return `aws account get-region-opt-status --region-name ${names.region}`;
}

export const AUTHENTICATOR_LOGS = 'kubectl logs -n kube-system -l k8s-app=aws-iam-authenticator --tail=100';
export const LIST_IDENTITY_MAPPINGS = 'kubectl get iamidentitymappings.iamauthenticator.k8s.aws -A';
export const REGIONAL_STS = 'export AWS_STS_REGIONAL_ENDPOINTS=regional';

export function getUser(userName: string): string {
  return `aws iam get-user --user-name ${userName}`;
}

export function listAccessKeys(userName: string): string {
  return `aws iam list-access-keys --user-name ${userName}`;
}

export const LIST_SSO_ROLES =
  "aws iam list-roles --path-prefix /aws-reserved/sso.amazonaws.com/ --query 'Roles[].Arn' --output text";

export function listAttachedRolePolicies(roleName: string): string {
  return `aws iam list-attached-role-policies --role-name ${roleName}`;
}

export function attachClusterPolicy(names: ClusterNames, roleName: string): string {
  return `aws iam attach-role-policy --role-name ${roleName} --policy-arn arn:${names.partition}:iam::aws:policy/AmazonEKSClusterPolicy`;
}

// CloudTrail (IAM events are recorded in us-east-1 for the aws partition)

export function cloudTrailEvents(region: string, eventName: string): string {
  return `aws cloudtrail lookup-events --region ${region} --lookup-attributes AttributeKey=EventName,AttributeValue=${eventName} --max-results 20`;
}

export function cloudTrailResource(region: string, resourceName: string): string {
  return `aws cloudtrail lookup-events --region ${region} --lookup-attributes AttributeKey=ResourceName,AttributeValue=${resourceName} --max-results 20`;
}

// aws-auth

export function eksctlGetMappings(names: ClusterNames): string {
  return `eksctl get iamidentitymapping --cluster ${names.cluster} --region ${names.region}`;
}

export function eksctlCreateMapping(
  names: ClusterNames,
  arn: string,
  username: string,
  groups: readonly string[],
): string {
  const groupArgs = groups.map((group) => ` --group ${group}`).join('');
  return `eksctl create iamidentitymapping --cluster ${names.cluster} --region ${names.region} --arn ${arn} --username ${shellWord(username)}${groupArgs} --no-duplicate-arns`;
}

export function eksctlDeleteMapping(names: ClusterNames, arn: string): string {
  return `eksctl delete iamidentitymapping --cluster ${names.cluster} --region ${names.region} --arn ${arn}`;
}

export const DESCRIBE_AWS_AUTH = 'kubectl describe configmap aws-auth -n kube-system';
export const GET_AWS_AUTH = 'kubectl get configmap aws-auth -n kube-system -o yaml';
export const BACKUP_AWS_AUTH = 'kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth-backup.yaml';
export const EDIT_AWS_AUTH = 'kubectl edit configmap aws-auth -n kube-system';

/** The entry to add under `data.mapRoles` (roles) or `data.mapUsers` (users) of aws-auth. */
export function awsAuthSnippet(
  kind: 'role' | 'user',
  arn: string,
  username: string,
  groups: readonly string[],
): string {
  const [block, key] = kind === 'role' ? ['mapRoles', 'rolearn'] : ['mapUsers', 'userarn'];
  return [
    `${block}: |`,
    `  - ${key}: ${arn}`,
    `    username: ${username}`,
    '    groups:',
    ...groups.map((group) => `      - ${group}`),
  ].join('\n');
}

export function bindGroup(group: string, clusterRole: 'view' | 'edit'): string {
  return `kubectl create clusterrolebinding ${group} --clusterrole=${clusterRole} --group=${group}`;
}

// CloudWatch Logs Insights queries (run against the cluster's log group)

/** Who sent requests that failed authentication: the real source IP and user agent are only in the audit log. */
export const AUDIT_QUERY_UNAUTHENTICATED = [
  'filter @logStream like /^kube-apiserver-audit/ and responseStatus.code = 401',
  '| stats count(*) as requests by sourceIPs.0, userAgent',
  '| sort requests desc',
].join('\n');

/** Who changed aws-auth, and when. */
export const AUDIT_QUERY_AWS_AUTH_CHANGES = [
  'fields @timestamp, user.username, verb, sourceIPs.0, userAgent',
  '| filter @logStream like /^kube-apiserver-audit/ and objectRef.resource = "configmaps"',
  '| filter objectRef.name = "aws-auth" and verb in ["update", "patch", "delete"]',
  '| sort @timestamp desc',
].join('\n');

/** Which clients authenticate most often: a client that fetches a fresh token per request shows up on top. */
export const AUDIT_QUERY_TOP_CLIENTS = [
  'fields @timestamp, user.username, sourceIPs.0, userAgent',
  '| filter @logStream like /^kube-apiserver-audit/',
  '| stats count(*) as requests by user.username, sourceIPs.0, userAgent',
  '| sort requests desc',
  '| limit 20',
].join('\n');

/** The cluster creator's successful logins (CONFIG_MAP mode logs it as `kubernetes-admin`). */
export const AUTHENTICATOR_QUERY_CREATOR = [
  'fields @timestamp, @message',
  '| filter @logStream like /^authenticator/',
  '| filter @message like "username=kubernetes-admin"',
  '| sort @timestamp desc',
  '| limit 20',
].join('\n');

function withProfile(command: string, profile: string | undefined): string {
  return profile ? `${command} --profile ${profile}` : command;
}

/** Quotes a value containing template braces so no shell expands it. */
function shellWord(value: string): string {
  return /[{}]/.test(value) ? `'${value}'` : value;
}
