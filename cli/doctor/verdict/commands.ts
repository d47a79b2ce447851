import type { ClusterNames } from '../../../lambda/engine/wording/names';

/**
 * The doctor's own commands, for what the pipeline's fixes never ask (the pipeline runs where these
 * are already set up). Every argument is a checked name or a placeholder.
 */

export const INSTALL_AWS_CLI =
  'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html (AWS CLI version 2)';
export const AWS_VERSION = 'aws --version';
export const LIST_PROFILES = 'aws configure list-profiles';
export const GET_CONTEXTS = 'kubectl config get-contexts';
export const SAVE_AWS_AUTH = 'kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml';
export const KUBECTL_WHOAMI = 'kubectl auth whoami';
export const KUBECTL_CAN_I = 'kubectl auth can-i --list';

export function configureSso(profile: string): string {
  return `aws configure sso --profile ${profile}`;
}

export function configureKeys(profile: string): string {
  return `aws configure --profile ${profile}`;
}

/** Turns authenticator logging on for the cluster (a write, for someone allowed `eks:UpdateClusterConfig`). */
export function enableAuthenticatorLogging(names: ClusterNames): string {
  return `aws eks update-cluster-config --name ${names.cluster} --region ${names.region} --logging '{"clusterLogging":[{"types":["authenticator"],"enabled":true}]}'`;
}

export function roleTrustPolicy(roleName: string): string {
  return `aws iam get-role --role-name ${roleName} --query Role.AssumeRolePolicyDocument`;
}

export function clusterStatus(names: ClusterNames): string {
  return `aws eks describe-cluster --name ${names.cluster} --region ${names.region} --query cluster.status --output text`;
}

export function endpointAccess(names: ClusterNames): string {
  return `aws eks describe-cluster --name ${names.cluster} --region ${names.region} --query cluster.resourcesVpcConfig`;
}

export function doctorAgain(names: ClusterNames, extra: string): string {
  return `eks-auth-doctor doctor --cluster ${names.cluster} --region ${names.region} ${extra}`;
}
