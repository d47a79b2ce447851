import { Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IDependable } from 'constructs';
import { type InsightsQuery, SAVED_QUERIES } from './insights-queries';

export interface SavedQueriesProps {
  /** The watched clusters' log groups. */
  readonly clusterLogGroups: readonly logs.ILogGroup[];
  /**
   * What must exist before a query on the cluster log groups is saved (the logging set-up creates
   * missing groups).
   * @default - no dependency: the cluster log groups already exist
   */
  readonly clusterLogGroupsReady?: readonly IDependable[];
  /** The diagnosis function's log group. */
  readonly functionLogGroup: logs.ILogGroup;
  /**
   * The folder the queries appear under in the Logs Insights console.
   * @default `eks-auth-doctor/<stack name>`
   */
  readonly folder?: string;
}

/** The runbook's two queries and the classified-events query, saved in Logs Insights, ready to run. */
export class SavedQueries extends Construct {
  readonly definitions: readonly logs.QueryDefinition[];

  constructor(scope: Construct, id: string, props: SavedQueriesProps) {
    super(scope, id);
    const folder = props.folder ?? `eks-auth-doctor/${Stack.of(this).stackName}`;
    this.definitions = SAVED_QUERIES.map((saved: InsightsQuery) => {
      const definition = new logs.QueryDefinition(this, saved.id, {
        queryDefinitionName: `${folder}/${saved.title}`,
        queryString: new logs.QueryString(saved.query),
        logGroups: saved.runsOn === 'clusters' ? [...props.clusterLogGroups] : [props.functionLogGroup],
      });
      if (saved.runsOn === 'clusters') definition.node.addDependency(...(props.clusterLogGroupsReady ?? []));
      return definition;
    });
  }
}
