import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { IAMClient } from '@aws-sdk/client-iam';
import { EksLookup } from '../../lambda/context/eks-lookup';
import { clusterLogGroupName } from '../../lambda/contract';
import {
  ACCESS_REPORT_QUERY,
  INSIGHTS_ROW_LIMIT,
  queryText,
} from '../../lambda/contract/access-report-query';
import { type AccessEntry, entriesFor } from './access-entries';
import { principalRows, type ReportCluster, type ReportInputs } from './access-report';
import type { AwsAuth } from './aws-auth-mappings';
import { awsFailure } from './aws-failure';
import { describeAccessEntries } from './eks-access';
import { LoginTally, tallyNotes } from './logins';
import { type InsightsPolling, insightsTimeMs, runInsightsQuery } from './logs-insights';
import { rolePaths } from './role-paths';

/** The AWS clients live mode talks to, in the cluster's region; tests point them at a local fake. */
export interface AwsClients {
  readonly eks: EKSClient;
  readonly logs: CloudWatchLogsClient;
  readonly iam: IAMClient;
}

export interface LiveOptions {
  readonly clusterName: string;
  /** The region asked for (`--region`), or the SDK's default one. */
  readonly region?: string;
  readonly sinceMs: number;
  readonly nowMs: number;
  readonly awsAuth?: AwsAuth;
  readonly polling?: InsightsPolling;
}

/** How long one EKS call may take before the report goes on without its answer. */
const EKS_TIMEOUT_MS = 15_000;

/**
 * Gathers the report's inputs from AWS: the cluster (`DescribeCluster`), its access entries
 * (`ListAccessEntries`, then `DescribeAccessEntry` for those that match someone), the logins of
 * the window (one Logs Insights query over `/aws/eks/<cluster>/cluster`'s authenticator streams),
 * and the real ARNs of the roles that would be locked out (`iam:GetRole`). Every failed call becomes
 * a note and an unknown; nothing here throws for an AWS failure.
 */
export async function gatherLive(clients: AwsClients, options: LiveOptions): Promise<ReportInputs> {
  const notes: string[] = [];
  const { clusterName } = options;
  const eks = new EksLookup(clients.eks, EKS_TIMEOUT_MS);

  let cluster: ReportCluster = { clusterName, region: options.region };
  try {
    const described = await eks.describeCluster(clusterName);
    cluster = { ...described, region: described.region ?? options.region };
  } catch (error) {
    notes.push(
      awsFailure(
        {
          action: 'EKS DescribeCluster',
          permission: `eks:DescribeCluster on cluster ${clusterName}`,
          notFound: `no cluster ${clusterName} in this region: check --cluster and --region`,
        },
        error,
      ),
    );
  }

  let entries: AccessEntry[] | undefined;
  let entriesUnknown: string | undefined;
  if (cluster.authenticationMode === 'CONFIG_MAP') {
    entries = []; // A CONFIG_MAP cluster has no access entries, and ListAccessEntries refuses to say so.
  } else {
    try {
      entries = (await eks.accessEntryArns(clusterName)).map((principalArn) => ({ principalArn }));
    } catch (error) {
      entriesUnknown = awsFailure(
        { action: 'EKS ListAccessEntries', permission: `eks:ListAccessEntries on cluster ${clusterName}` },
        error,
      );
      notes.push(entriesUnknown);
    }
  }

  const tally = new LoginTally({ sinceMs: options.sinceMs });
  let loginsUnknown: string | undefined;
  const logGroupName = clusterLogGroupName(clusterName);
  try {
    const rows = await runInsightsQuery(
      clients.logs,
      {
        logGroupName,
        queryString: queryText(ACCESS_REPORT_QUERY),
        startMs: options.sinceMs,
        endMs: options.nowMs,
        limit: INSIGHTS_ROW_LIMIT,
      },
      options.polling,
    );
    for (const row of rows) {
      if (row.sample === undefined) continue;
      const usernames = row.usernames === undefined ? undefined : Number(row.usernames);
      tally.addSummary(row.sample, Number(row.logins ?? 1), insightsTimeMs(row.lastSeen), usernames);
    }
    if (rows.length >= INSIGHTS_ROW_LIMIT) {
      notes.push(
        `Logs Insights returned its maximum of ${INSIGHTS_ROW_LIMIT} rows: some principals may be missing; run with a shorter --since.`,
      );
    }
  } catch (error) {
    loginsUnknown = awsFailure(
      {
        action: 'CloudWatch Logs Insights query',
        permission: `logs:StartQuery and logs:GetQueryResults on ${logGroupName}`,
        notFound: `${logGroupName} does not exist: turn on the cluster's authenticator logging (aws eks update-cluster-config --logging)`,
      },
      error,
    );
    notes.push(loginsUnknown);
  }
  const logins = loginsUnknown === undefined ? tally.principals() : undefined;
  notes.push(...tallyNotes(tally));

  if (entries !== undefined && logins !== undefined) {
    const matched = new Set<AccessEntry>();
    for (const principal of logins) {
      for (const entry of entriesFor(principal.principal, entries).candidates) matched.add(entry);
    }
    const { entries: described, failures } = await describeAccessEntries(clients.eks, clusterName, [
      ...matched,
    ]);
    const details = new Map(described.map((entry) => [entry.principalArn, entry]));
    entries = entries.map((entry) => details.get(entry.principalArn) ?? entry);
    if (failures.length > 0) {
      const first = awsFailure(
        {
          action: 'EKS DescribeAccessEntry',
          permission: `eks:DescribeAccessEntry on cluster ${clusterName}`,
        },
        failures[0],
      );
      notes.push(`${first} (${failures.length} entries): their type is not shown`);
    }
  }

  const { firstMs, lastMs } = tally.span();
  const inputs: ReportInputs = {
    cluster,
    logins,
    loginsUnknown,
    entries,
    entriesUnknown,
    awsAuth: options.awsAuth,
    window: { sinceMs: options.sinceMs, untilMs: options.nowMs, firstLoginMs: firstMs, lastLoginMs: lastMs },
    notes,
  };
  const lockedRoles = principalRows(inputs)
    .filter((row) => row.lockedOut && row.logins.principal.type === 'role')
    .map((row) => row.logins.principal);
  if (lockedRoles.length === 0) return inputs;
  const paths = await rolePaths(clients.iam, lockedRoles);
  return { ...inputs, resolvedArns: paths.arns, notes: [...notes, ...paths.notes] };
}
