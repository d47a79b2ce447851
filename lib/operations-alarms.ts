import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CANARY_INTERVAL_MINUTES,
  CANARY_METRIC,
  DELIVERY_SINKS,
  METRICS_NAMESPACE,
  Metric,
  SERVICE_DIMENSION,
  SERVICE_NAME,
} from '../lambda/contract';
import type { WatchedCluster } from './watched-cluster';

export interface OperationsAlarmsProps {
  /** The diagnosis function: alarms on its errors and throttles. */
  readonly function: lambda.IFunction;
  /** The failed-events queue: an alarm on any message in it. */
  readonly failedEvents: sqs.IQueue;
  /** Where the alarms notify: the same topic the findings go to. */
  readonly topic: sns.ITopic;
  /**
   * Clusters the canary writes to: one dead man's switch each.
   * @default - no canary alarms
   */
  readonly canaryClusters?: readonly WatchedCluster[];
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms on the pipeline itself, each firing on the first occurrence: a silent pipeline looks exactly
 * like a cluster without denials, so any failure is worth a message.
 */
export class OperationsAlarms extends Construct {
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;
  readonly failedEvents: cloudwatch.Alarm;
  readonly deliveryFailures: cloudwatch.Alarm;
  /** One per canary cluster: fires when no canary came back for two periods. */
  readonly canary: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);

    this.errors = this.alarmOnAny(
      'Errors',
      props.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      {
        description:
          'The eks-auth-doctor diagnosis function failed. Its log group holds the error; failed events are retried twice, then kept in the failed-events queue.',
      },
    );
    this.throttles = this.alarmOnAny(
      'Throttles',
      props.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
      {
        description:
          'The eks-auth-doctor diagnosis function was throttled: a burst of denials exceeded its reserved concurrency, or the account concurrency quota. Raise reservedConcurrency (or the quota) if it repeats.',
      },
    );
    this.failedEvents = this.alarmOnAny(
      'FailedEvents',
      props.failedEvents.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      {
        description:
          'Authenticator log events reached the failed-events queue after two retries: those denials were not diagnosed. Inspect the messages, fix the cause, then purge the queue.',
      },
    );
    const bySink = Object.fromEntries(
      DELIVERY_SINKS.map((sink) => [
        sink,
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: Metric.DeliveryFailures,
          dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME, Sink: sink },
          statistic: 'Sum',
          period: FIVE_MINUTES,
        }),
      ]),
    );
    this.deliveryFailures = this.alarmOnAny(
      'DeliveryFailures',
      new cloudwatch.MathExpression({
        expression: DELIVERY_SINKS.map((sink) => `FILL(${sink}, 0)`).join(' + '),
        usingMetrics: bySink,
        label: 'Delivery failures (all sinks)',
        period: FIVE_MINUTES,
      }),
      {
        description:
          'eks-auth-doctor could not deliver an alert to SNS or Slack. Check the function log for the sink and the error (topic policy, KMS key policy, webhook secret).',
      },
    );

    this.canary = (props.canaryClusters ?? []).map(
      (cluster) =>
        new cloudwatch.Alarm(this, `Canary-${cluster.id}`, {
          metric: new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: CANARY_METRIC,
            dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME, Cluster: cluster.clusterName },
            statistic: 'Sum',
            period: Duration.minutes(CANARY_INTERVAL_MINUTES),
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 2,
          // No data is the failure this alarm exists for: filter, function or metrics stopped.
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          alarmDescription:
            `No eks-auth-doctor canary came back from ${cluster.clusterName} for two ${CANARY_INTERVAL_MINUTES}-minute periods: ` +
            'the subscription filter, the function or its metrics stopped. Run "eks-auth-doctor selftest --cluster <name>" and read the function log.',
        }),
    );

    const notify = new actions.SnsAction(props.topic);
    for (const alarm of [...this.all, ...this.canary]) {
      alarm.addAlarmAction(notify);
    }
  }

  private alarmOnAny(
    id: string,
    metric: cloudwatch.IMetric,
    options: { description: string },
  ): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      metric,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
  }

  get all(): readonly cloudwatch.Alarm[] {
    return [this.errors, this.throttles, this.failedEvents, this.deliveryFailures];
  }
}
