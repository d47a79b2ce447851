import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { hasErrorName } from '../common/error-names';

/**
 * Makes sure the cluster's log group exists before a subscription filter is put on it: EKS creates the
 * group only when it first writes, and a filter on a missing group fails the deployment.
 *
 * A group that already existed keeps its retention (it is the owner's), and nothing here ever deletes one.
 *
 * @returns `created` when this call made the group, `existed` otherwise.
 */
export async function ensureLogGroup(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  retentionInDays: number,
): Promise<'created' | 'existed'> {
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName }));
  } catch (error) {
    if (hasErrorName(error, 'ResourceAlreadyExistsException')) return 'existed';
    throw error;
  }
  await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays }));
  return 'created';
}
