/**
 * Names and name patterns the stack and the diagnosis function both use: what the stack accepts in its
 * configuration, the function accepts in its environment, and both address in AWS.
 */

/** The Powertools service name, the `service` dimension of every metric, and the Chatbot notification source. */
export const SERVICE_NAME = 'eks-auth-doctor';

/** AWS region names: `eu-west-1`, `us-gov-west-1`, `ap-southeast-7`. */
export const REGION_NAME = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** EKS cluster names: 1–100 letters, digits, hyphens and underscores, starting with a letter or digit. */
export const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** An SNS topic ARN, as the stack accepts it for extra topics and the Lambda for every topic it publishes to. */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * An IAM role or user ARN, as the stack accepts the cluster creator (`creatorArn`) and the function reads
 * it back: `arn:<partition>:iam::<account>:role/<path/>name` or `…:user/<path/>name`, IAM's name
 * characters (`[\w+=,.@-]`).
 */
export const IAM_ROLE_OR_USER_ARN =
  /^arn:aws[a-z-]*:iam::\d{12}:(?:role|user)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+$/;

/**
 * The longest Secrets Manager secret name: 512. Source: the Secrets Manager API, `CreateSecret` request
 * parameter `Name` (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html),
 * whose shape in the service model the SDKs are generated from (`secretsmanager` 2017-10-17, `NameType`)
 * is a string of length 1 to 512. The 2048 seen elsewhere is `SecretId`, which takes a name or an ARN;
 * the Slack setting takes a name only.
 */
export const SECRET_NAME_MAX_LENGTH = 512;

/**
 * A Secrets Manager secret name: ASCII letters, digits and `/_+=.@-` (the characters the `CreateSecret`
 * documentation allows in `Name`), 1 to {@link SECRET_NAME_MAX_LENGTH} of them.
 */
export const SECRET_NAME = new RegExp(`^[A-Za-z0-9/_+=.@-]{1,${SECRET_NAME_MAX_LENGTH}}$`);

/** Where EKS writes a cluster's control-plane logs, the `authenticator-*` streams among them. */
export function clusterLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

/**
 * The partition a region name belongs to: `cn-*` is aws-cn, `us-gov-*` aws-us-gov, `us-iso*` and
 * `eu-isoe-*` the isolated ones, everything else the commercial `aws`. Used for the ARNs the fixes
 * write and for where AWS Chatbot exists.
 */
export function partitionOfRegion(region: string | undefined): string {
  if (region === undefined) return 'aws';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}
