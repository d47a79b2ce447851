import { errorName } from '../../lambda/common/error-names';

/** An AWS call of the report, and what lets it through: for the line that says what failed. */
export interface AwsCall {
  /** `EKS DescribeCluster`, `CloudWatch Logs StartQuery` … */
  readonly action: string;
  /** The IAM permission it needs, e.g. `eks:DescribeCluster on cluster prod`. */
  readonly permission: string;
  /** What a ResourceNotFoundException means for this call. */
  readonly notFound?: string;
}

/**
 * One line for a failed AWS call: what failed, and what permission or action fixes it. The report
 * goes on without the answer; nothing here throws.
 *
 * @example
 * awsFailure({ action: 'EKS DescribeCluster', permission: 'eks:DescribeCluster' }, denied)
 * // 'EKS DescribeCluster was denied (AccessDeniedException: …): allow eks:DescribeCluster'
 */
export function awsFailure(call: AwsCall, error: unknown): string {
  const name = errorName(error);
  const message = error instanceof Error && error.message !== name ? `: ${error.message.slice(0, 300)}` : '';
  switch (name) {
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'UnauthorizedOperation':
      return `${call.action} was denied (${name}${message}): allow ${call.permission}`;
    case 'ResourceNotFoundException':
    case 'NoSuchEntityException':
    case 'NoSuchEntity':
      return `${call.action} found nothing (${name}${message})${call.notFound ? `: ${call.notFound}` : ''}`;
    case 'CredentialsProviderError':
      return `${call.action} had no AWS credentials (${error instanceof Error ? error.message : name}): set AWS_PROFILE or run aws sso login`;
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return `${call.action} failed: the AWS credentials expired (${name}): refresh them (aws sso login, or assume the role again)`;
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
      return `${call.action} failed: AWS does not know these credentials (${name}): check AWS_PROFILE and the access key`;
    case 'ThrottlingException':
    case 'Throttling':
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return `${call.action} was throttled or over a limit (${name}${message}): run the report again in a minute`;
    default:
      return `${call.action} failed (${name}${message})`;
  }
}
