import type { QueryStringProps } from 'aws-cdk-lib/aws-logs';
import { FINDING_LOG_MESSAGE } from '../lambda/contract';
import { AUTHENTICATED_PRINCIPALS_QUERY } from '../lambda/contract/access-report-query';

/**
 * The Logs Insights queries the stack saves and graphs. Data, not code: each says which log groups it
 * runs on and what an operator uses it for.
 */
export interface InsightsQuery {
  /** Construct ID of the saved query: stable, so reordering the list replaces nothing. */
  readonly id: string;
  /** Shown in the console's saved-query list, under `eks-auth-doctor/<stack>/`. */
  readonly title: string;
  /** `clusters`: the watched clusters' `/aws/eks/<cluster>/cluster`; `function`: the diagnosis function's log. */
  readonly runsOn: 'clusters' | 'function';
  readonly query: QueryStringProps;
}

/** The runbook's query for the cluster creator (CONFIG_MAP clusters log it as `kubernetes-admin`). */
export const CLUSTER_CREATOR_QUERY: InsightsQuery = {
  id: 'ClusterCreator',
  title: 'Cluster creator (kubernetes-admin grants, CONFIG_MAP clusters)',
  runsOn: 'clusters',
  query: {
    fields: ['@logStream', '@timestamp', '@message'],
    filterStatements: ['@logStream like /authenticator/', '@message like "username=kubernetes-admin"'],
    sort: '@timestamp desc',
    limit: 50,
  },
};

/** The runbook's query for the authenticator lines around the time of an error. */
export const LATEST_AUTHENTICATOR_LINES_QUERY: InsightsQuery = {
  id: 'LatestAuthenticatorLines',
  title: 'Latest authenticator lines',
  runsOn: 'clusters',
  query: {
    fields: ['@timestamp', '@message'],
    filterStatements: ['@logStream like /authenticator/'],
    sort: '@timestamp desc',
    limit: 1000,
  },
};

/** Every finding the diagnosis function classified, newest first. */
export const CLASSIFIED_EVENTS_QUERY: InsightsQuery = {
  id: 'ClassifiedDenials',
  title: 'Classified denials (latest)',
  runsOn: 'function',
  query: {
    fields: [
      '@timestamp',
      'cluster',
      'category',
      'subCause',
      'severity',
      'principalArn',
      'accountId',
      'count',
      'outcome',
    ],
    filterStatements: [`message = "${FINDING_LOG_MESSAGE}"`],
    sort: '@timestamp desc',
    limit: 100,
  },
};

/** Who is denied most; self-tests excluded. */
export const TOP_DENIED_PRINCIPALS_QUERY: InsightsQuery = {
  id: 'TopDeniedPrincipals',
  title: 'Top denied principals',
  runsOn: 'function',
  query: {
    filterStatements: [`message = "${FINDING_LOG_MESSAGE}" and outcome != "selftest"`],
    statsStatements: ['sum(count) as denials, latest(category) as lastCategory by principalArn, cluster'],
    sort: 'denials desc',
    limit: 20,
  },
};

/**
 * Who authenticated, as what, how often and when last: the question of `eks-auth-doctor
 * access-report` (who would API mode lock out?), from the same parts the CLI runs.
 */
export const AUTHENTICATED_PRINCIPALS: InsightsQuery = {
  id: 'AuthenticatedPrincipals',
  title: 'Who authenticated, as what (access report)',
  runsOn: 'clusters',
  query: AUTHENTICATED_PRINCIPALS_QUERY,
};

/** The queries saved as `AWS::Logs::QueryDefinition`. */
export const SAVED_QUERIES: readonly InsightsQuery[] = [
  CLUSTER_CREATOR_QUERY,
  LATEST_AUTHENTICATOR_LINES_QUERY,
  CLASSIFIED_EVENTS_QUERY,
  AUTHENTICATED_PRINCIPALS,
];
