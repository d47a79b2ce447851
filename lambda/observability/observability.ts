import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type DeliverySink, FINDING_LOG_MESSAGE, Metric } from '../contract';
import type { Category, Severity, SubCause } from '../engine/categories';

/** What happened to a problem's occurrences in one invocation. */
export type FindingOutcome = 'alerted' | 'suppressed' | 'digested' | 'selftest';

/**
 * The structured log entry of one finding — one per problem per invocation, with `count` occurrences,
 * not one per line: a 10,000-line storm is one entry with `count: 10000`. The dashboard and the saved
 * Logs Insights queries read exactly these keys.
 */
export interface FindingLogEntry {
  readonly cluster: string;
  readonly category: Category;
  readonly subCause: SubCause | null;
  readonly severity: Severity;
  /** Untrusted (from the log line); JSON-encoded by the logger, never interpreted. */
  readonly principalArn: string | null;
  readonly accountId: string | null;
  readonly count: number;
  readonly outcome: FindingOutcome;
}

/**
 * Everything the pipeline tells CloudWatch. Calls accumulate during an invocation; `flush` writes the
 * metrics (EMF) at its end, aggregated: one `Denials` entry per (cluster, category), not one per line.
 */
export interface Observability {
  finding(entry: FindingLogEntry): void;
  denials(cluster: string, category: Category, count: number): void;
  alertsSent(cluster: string, count: number): void;
  alertsSuppressed(cluster: string, count: number): void;
  /** A payload or line that could not be used; logged with the reason, counted. */
  malformed(count: number, reason: string): void;
  deliveryFailure(sink: DeliverySink, reason: string): void;
  /** A degraded path (context lookup failed, dedup store unreachable …). */
  warn(message: string, details: Record<string, unknown>): void;
  flush(): void;
}

/** Sums per metric and dimension value during an invocation. */
class Tally {
  readonly denials = new Map<string, Map<Category, number>>();
  readonly sent = new Map<string, number>();
  readonly suppressed = new Map<string, number>();
  readonly failures = new Map<DeliverySink, number>();
  malformed = 0;

  clear(): void {
    this.denials.clear();
    this.sent.clear();
    this.suppressed.clear();
    this.failures.clear();
    this.malformed = 0;
  }
}

function add<K>(map: Map<K, number>, key: K, count: number): void {
  map.set(key, (map.get(key) ?? 0) + count);
}

/**
 * Powertools Logger (JSON) and Metrics (EMF, namespace `EksAuthDoctor`, default dimension `service`).
 * Each (dimension set) is emitted with `singleMetric()`, because one EMF entry has one dimension set.
 */
export class PowertoolsObservability implements Observability {
  private readonly tally = new Tally();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  finding(entry: FindingLogEntry): void {
    this.logger.info(FINDING_LOG_MESSAGE, { ...entry });
  }

  denials(cluster: string, category: Category, count: number): void {
    const byCategory = this.tally.denials.get(cluster) ?? new Map<Category, number>();
    add(byCategory, category, count);
    this.tally.denials.set(cluster, byCategory);
  }

  alertsSent(cluster: string, count: number): void {
    add(this.tally.sent, cluster, count);
  }

  alertsSuppressed(cluster: string, count: number): void {
    add(this.tally.suppressed, cluster, count);
  }

  malformed(count: number, reason: string): void {
    this.tally.malformed += count;
    this.logger.warn('malformed input', { reason, count });
  }

  deliveryFailure(sink: DeliverySink, reason: string): void {
    add(this.tally.failures, sink, 1);
    this.logger.error('delivery failed', { sink, reason });
  }

  warn(message: string, details: Record<string, unknown>): void {
    this.logger.warn(message, details);
  }

  flush(): void {
    const t = this.tally;
    for (const [cluster, byCategory] of t.denials) {
      for (const [category, count] of byCategory) {
        this.emit(Metric.Denials, count, { Cluster: cluster, Category: category });
      }
    }
    for (const [cluster, count] of t.sent) this.emit(Metric.AlertsSent, count, { Cluster: cluster });
    for (const [cluster, count] of t.suppressed)
      this.emit(Metric.AlertsSuppressed, count, { Cluster: cluster });
    for (const [sink, count] of t.failures) this.emit(Metric.DeliveryFailures, count, { Sink: sink });
    if (t.malformed > 0) this.emit(Metric.MalformedRecords, t.malformed, {});
    t.clear();
  }

  private emit(name: string, value: number, dimensions: Record<string, string>): void {
    const single = this.metrics.singleMetric();
    single.addDimensions(dimensions);
    single.addMetric(name, MetricUnit.Count, value);
  }
}

/** Keeps everything in memory: replay's summary and the tests read it. */
export class RecordingObservability implements Observability {
  readonly findings: FindingLogEntry[] = [];
  readonly warnings: { message: string; details: Record<string, unknown> }[] = [];
  readonly malformedReasons: string[] = [];
  readonly deliveryFailures: { sink: DeliverySink; reason: string }[] = [];
  readonly totals = { denials: 0, alertsSent: 0, alertsSuppressed: 0, malformed: 0 };
  readonly denialsByCategory = new Map<string, number>();
  flushes = 0;

  finding(entry: FindingLogEntry): void {
    this.findings.push(entry);
  }

  denials(cluster: string, category: Category, count: number): void {
    this.totals.denials += count;
    add(this.denialsByCategory, `${cluster}|${category}`, count);
  }

  alertsSent(_cluster: string, count: number): void {
    this.totals.alertsSent += count;
  }

  alertsSuppressed(_cluster: string, count: number): void {
    this.totals.alertsSuppressed += count;
  }

  malformed(count: number, reason: string): void {
    this.totals.malformed += count;
    this.malformedReasons.push(reason);
  }

  deliveryFailure(sink: DeliverySink, reason: string): void {
    this.deliveryFailures.push({ sink, reason });
  }

  warn(message: string, details: Record<string, unknown>): void {
    this.warnings.push({ message, details });
  }

  flush(): void {
    this.flushes++;
  }
}
