import {
  type CloudWatchLogsClient,
  DescribeSubscriptionFiltersCommand,
  type SubscriptionFilter,
} from '@aws-sdk/client-cloudwatch-logs';
import { hasErrorName } from '../common/error-names';
import { SubscriptionFilterQuotaError } from './errors';

/** CloudWatch Logs allows this many subscription filters per log group, and the quota cannot be raised. */
export const SUBSCRIPTION_FILTERS_PER_LOG_GROUP = 2;

/**
 * Fails before anything is changed when our filter would not fit on the log group. A filter with our own
 * name already holds our slot (an update overwrites it in place), so it does not count against us.
 */
export async function assertSubscriptionSlot(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  ourFilterName: string,
): Promise<void> {
  const others = (await listSubscriptionFilters(logs, logGroupName)).filter(
    (f) => f.filterName !== ourFilterName,
  );
  if (others.length >= SUBSCRIPTION_FILTERS_PER_LOG_GROUP) {
    throw new SubscriptionFilterQuotaError(
      logGroupName,
      others.map((f) => ({
        filterName: f.filterName ?? '(unnamed)',
        destinationArn: f.destinationArn ?? '(unknown)',
      })),
    );
  }
}

async function listSubscriptionFilters(
  logs: CloudWatchLogsClient,
  logGroupName: string,
): Promise<SubscriptionFilter[]> {
  const filters: SubscriptionFilter[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName, nextToken }));
      filters.push(...(page.subscriptionFilters ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    // No group yet means no filters yet; the group is created next.
    if (hasErrorName(error, 'ResourceNotFoundException')) return [];
    throw error;
  }
  return filters;
}
