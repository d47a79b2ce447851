import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { clusterLogGroupName, METRICS_NAMESPACE, Metric, SERVICE_DIMENSION } from '../lambda/contract';
import {
  AUTHENTICATED_PRINCIPALS,
  CLASSIFIED_EVENTS_QUERY,
  type InsightsQuery,
  TOP_DENIED_PRINCIPALS_QUERY,
} from './insights-queries';
import type { WatchedCluster } from './watched-cluster';

export interface OperationsDashboardProps {
  /** The watched clusters: one series each in "Denials by cluster". */
  readonly clusters: readonly WatchedCluster[];
  /** The diagnosis function: its errors and throttles under "Pipeline health". */
  readonly function: lambda.IFunction;
  /** The diagnosis function's log group, which the two Logs Insights tables query. */
  readonly functionLogGroup: logs.ILogGroup;
  /** The failed-events queue: its depth under "Pipeline health". */
  readonly failedEvents: sqs.IQueue;
  /** The alarms shown in the status widget. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const PERIOD = Duration.minutes(5);
const PERIOD_SECONDS = PERIOD.toSeconds();

/**
 * A `SEARCH` over one metric of the namespace. Per-category and per-cluster series appear as the Lambda
 * emits them, without the stack knowing the categories in advance.
 */
function search(metricName: string, dimensions: readonly string[], extra = ''): string {
  const schema = [METRICS_NAMESPACE, ...dimensions, SERVICE_DIMENSION].join(',');
  return `SEARCH('{${schema}} MetricName="${metricName}"${extra}', 'Sum', ${PERIOD_SECONDS})`;
}

function expression(expressionText: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: expressionText,
    usingMetrics: {},
    label,
    period: PERIOD,
  });
}

/**
 * One dashboard per stack: what is denied (by category, by cluster), what was sent, how the pipeline is
 * doing, and the latest classified events and most denied principals.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
    });

    const wide = 12;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Denials by category (per cluster)',
        width: wide,
        stacked: true,
        left: [expression(search(Metric.Denials, ['Category', 'Cluster']), '')],
      }),
      new cloudwatch.GraphWidget({
        title: 'Denials by cluster',
        width: wide,
        stacked: true,
        left: props.clusters.map((cluster) =>
          expression(
            `SUM(${search(Metric.Denials, ['Category', 'Cluster'], ` Cluster="${cluster.clusterName}"`)})`,
            cluster.clusterName,
          ),
        ),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Alerts sent vs suppressed',
        width: wide,
        left: [
          expression(`SUM(${search(Metric.AlertsSent, ['Cluster'])})`, 'Sent'),
          expression(`SUM(${search(Metric.AlertsSuppressed, ['Cluster'])})`, 'Suppressed (deduplicated)'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Pipeline health',
        width: wide,
        left: [
          props.function.metricErrors({ period: PERIOD, statistic: 'Sum', label: 'Function errors' }),
          props.function.metricThrottles({ period: PERIOD, statistic: 'Sum', label: 'Throttles' }),
          props.failedEvents.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: 'Failed events queued',
          }),
          expression(search(Metric.DeliveryFailures, ['Sink']), ''),
          expression(search(Metric.MalformedRecords, []), ''),
        ],
      }),
    );
    this.dashboard.addWidgets(
      this.logTable(CLASSIFIED_EVENTS_QUERY, [props.functionLogGroup.logGroupName]),
      this.logTable(TOP_DENIED_PRINCIPALS_QUERY, [props.functionLogGroup.logGroupName]),
    );
    // Who still depends on aws-auth: the principals that authenticate, across the watched clusters.
    this.dashboard.addWidgets(
      this.logTable(
        AUTHENTICATED_PRINCIPALS,
        props.clusters.map((cluster) => clusterLogGroupName(cluster.clusterName)),
        24,
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Pipeline alarms', alarms: [...props.alarms], width: 24 }),
    );
  }

  private logTable(
    saved: InsightsQuery,
    logGroupNames: readonly string[],
    width = 12,
  ): cloudwatch.LogQueryWidget {
    return new cloudwatch.LogQueryWidget({
      title: saved.title,
      logGroupNames: [...logGroupNames],
      queryString: new logs.QueryString(saved.query).toString(),
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      width,
      height: 8,
    });
  }
}
