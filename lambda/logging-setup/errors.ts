/**
 * Errors the logging set-up reports to CloudFormation. Each message is what the operator reads in the
 * stack events, so it says what is wrong and what to do about it.
 */

/** The configured cluster does not exist in the region the stack is deployed to. */
export class ClusterNotFoundError extends Error {
  override readonly name = 'ClusterNotFoundError';
  constructor(clusterName: string, region: string) {
    super(
      `EKS cluster "${clusterName}" was not found in region ${region}. ` +
        `Check the name in the "clusters" setting (names are case-sensitive), or deploy this stack to the cluster's region (AWS_REGION / --profile).`,
    );
  }
}

/** EKS accepted the logging update but it ended as Failed or Cancelled. */
export class ClusterUpdateFailedError extends Error {
  override readonly name = 'ClusterUpdateFailedError';
  constructor(clusterName: string, updateId: string, status: string, detail: string) {
    super(
      `Updating the control-plane logging of EKS cluster "${clusterName}" ended as ${status} (update ${updateId})` +
        `${detail ? `: ${detail}` : ''}. ` +
        `See "aws eks describe-update --name ${clusterName} --update-id ${updateId}", fix the cause, then deploy again.`,
    );
  }
}

/** A subscription filter the stack needs does not fit: the log group already has its two filters. */
export class SubscriptionFilterQuotaError extends Error {
  override readonly name = 'SubscriptionFilterQuotaError';
  constructor(logGroupName: string, existing: readonly { filterName: string; destinationArn: string }[]) {
    const listed = existing.map((f) => `"${f.filterName}" → ${f.destinationArn}`).join('; ');
    super(
      `Log group ${logGroupName} already has ${existing.length} subscription filters (${listed}); ` +
        `CloudWatch Logs allows 2 per log group, so eks-auth-doctor cannot add its own. ` +
        `Remove one ("aws logs delete-subscription-filter --log-group-name ${logGroupName} --filter-name NAME"), ` +
        `or merge two of them behind one destination (for example a Kinesis or Firehose stream), ` +
        `or leave this cluster out of the "clusters" setting; then deploy again.`,
    );
  }
}

/** The custom resource was given properties it cannot act on (a bug in the construct, not in the account). */
export class LoggingSetupPropertiesError extends Error {
  override readonly name = 'LoggingSetupPropertiesError';
  constructor(property: string, value: unknown, expected: string) {
    super(
      `Custom resource property ${property} is ${JSON.stringify(value)}; expected ${expected}. ` +
        `This is set by the AuthDoctor construct: report it with the template that produced it.`,
    );
  }
}

/** The cluster exists but cannot be prepared: it failed to create or is being deleted. */
export class ClusterNotUsableError extends Error {
  override readonly name = 'ClusterNotUsableError';
  constructor(clusterName: string, status: string) {
    super(
      status === 'DELETING'
        ? `EKS cluster "${clusterName}" is being deleted (status DELETING). Remove it from the "clusters" setting, then deploy again.`
        : `EKS cluster "${clusterName}" is in status ${status}: EKS cannot change its logging. ` +
            `See "aws eks describe-cluster --name ${clusterName} --query cluster.health", fix or re-create the cluster ` +
            '(or remove it from the "clusters" setting), then deploy again.',
    );
  }
}

/** The cluster stayed CREATING/UPDATING for longer than the deployment can wait. */
export class ClusterNotReadyError extends Error {
  override readonly name = 'ClusterNotReadyError';
  constructor(clusterName: string, status: string, waitedMinutes: number) {
    super(
      `EKS cluster "${clusterName}" is still ${status} after ${waitedMinutes} minutes, the longest this deployment waits. ` +
        `Deploy again once "aws eks describe-cluster --name ${clusterName} --query cluster.status" says ACTIVE.`,
    );
  }
}

/** A Chatbot channel is configured for a region where AWS Chatbot does not exist. */
export class ChatbotRegionError extends Error {
  override readonly name = 'ChatbotRegionError';
}
