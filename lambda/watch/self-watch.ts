import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EKSClient } from '@aws-sdk/client-eks';
import { errorName } from '../common/error-names';
import { CANARY_INTERVAL_MINUTES, CANARY_METRIC, WATCH_INTERVAL_MINUTES } from '../contract';
import { type DeliveryState, deliverAll, type OutgoingMessage } from '../delivery/deliver';
import type { Sink, TimeBudget } from '../delivery/sink';
import type { Observability } from '../observability/observability';
import { writeCanary } from './canary';
import { blindNotice, sightRestoredNotice } from './notices';
import { checkSight, type Sight } from './sight';
import type { ClusterWatchState, WatchStateStore } from './watch-state';

/** What the watch is told by the stack (see `loadWatchSettings`). */
export interface WatchSettings {
  readonly clusters: readonly string[];
  readonly filterName: string;
  /** This function's name: our filter must send to it. */
  readonly functionName?: string;
  readonly region?: string;
  readonly canary: boolean;
}

/** Where recognised canaries are counted: the `CanarySeen` metric the stack's alarm watches. */
export interface CanaryCounter {
  canarySeen(cluster: string, count: number): void;
}

export interface SelfWatchDeps {
  readonly eks: EKSClient;
  readonly logs: CloudWatchLogsClient;
  readonly state: WatchStateStore;
  readonly counter: CanaryCounter;
}

/** The parts of the pipeline the watch sends through: the same sinks, delivery state and clock. */
export interface WatchPipeline {
  readonly sinks: readonly Sink[];
  readonly store: DeliveryState;
  readonly observability: Observability;
  readonly now: () => number;
}

export interface WatchResult {
  readonly messages: readonly OutgoingMessage[];
  readonly failures: Awaited<ReturnType<typeof deliverAll>>['failures'];
}

const MINUTE = 60_000;
/** A sweep runs every 5 minutes but not on the second; a minute's slack keeps "every 15" at 15, not 20. */
const SLACK_MS = MINUTE;
/** No new cluster is started with less than this left, so state is always written before the deadline. */
const RESERVE_MS = 10_000;

/**
 * The pipeline watching itself, run by the scheduled sweep. Per cluster, every
 * {@link WATCH_INTERVAL_MINUTES}: is `authenticator` logging still on, is our subscription filter still
 * there? A breakage is told once ("eks-auth-doctor is blind on prod-eu since 14:05: …") and cleared
 * once, because the state of each cluster is kept in the dedup table and only moves on once its
 * message went out. With the canary on, every {@link CANARY_INTERVAL_MINUTES} it also writes one marked
 * line per cluster, which the subscription brings back to {@link canarySeen}.
 *
 * A failed read concludes nothing (the next sweep asks again); nothing here throws.
 */
export class SelfWatch {
  constructor(
    private readonly deps: SelfWatchDeps,
    readonly settings: WatchSettings,
  ) {}

  async sweep(pipeline: WatchPipeline, budget: TimeBudget): Promise<WatchResult> {
    const outgoing: { message: OutgoingMessage; cluster: string; next: ClusterWatchState }[] = [];
    for (const cluster of this.settings.clusters) {
      if (budget.remainingMs() < RESERVE_MS) break;
      const now = pipeline.now();
      const state = await this.deps.state.get(cluster).catch((error: unknown) => {
        pipeline.observability.warn('watch state unreadable', { cluster, error: errorName(error) });
        return null;
      });
      if (state === null) continue;
      let current: ClusterWatchState = state ?? { status: 'seeing' };

      if (this.settings.canary && isDue(current.lastCanary, CANARY_INTERVAL_MINUTES, now)) {
        try {
          await writeCanary(this.deps.logs, cluster, now);
          current = { ...current, lastCanary: now };
        } catch (error) {
          pipeline.observability.warn('canary not written', { cluster, error: errorName(error) });
        }
      }

      let step: { message?: OutgoingMessage; next: ClusterWatchState } = { next: current };
      if (isDue(current.lastChecked, WATCH_INTERVAL_MINUTES, now)) {
        const sight = await checkSight(
          this.deps,
          cluster,
          this.settings.filterName,
          this.settings.functionName,
        );
        step = this.decide(cluster, current, sight, now, pipeline.observability);
      }
      if (step.message) outgoing.push({ message: step.message, cluster, next: step.next });
      else await this.save(cluster, step.next, pipeline.observability);
    }
    if (outgoing.length === 0) return { messages: [], failures: [] };

    const report = await deliverAll(
      outgoing.map((o) => o.message),
      pipeline.sinks,
      pipeline.store,
      budget,
      pipeline.observability,
      pipeline.now,
    );
    const delivered = new Set(report.delivered);
    for (const { message, cluster, next } of outgoing) {
      // Undelivered: the state stays, so the next sweep tells it again (delivery state skips sinks it reached).
      if (delivered.has(message)) await this.save(cluster, next, pipeline.observability);
    }
    return { messages: outgoing.map((o) => o.message), failures: report.failures };
  }

  /** The subscription brought canaries back from `cluster`: count them, send nothing. */
  canarySeen(cluster: string, count: number): void {
    if (count > 0) this.deps.counter.canarySeen(cluster, count);
  }

  private decide(
    cluster: string,
    state: ClusterWatchState,
    sight: Sight,
    now: number,
    observability: Observability,
  ): { message?: OutgoingMessage; next: ClusterWatchState } {
    const context = {
      clusterName: cluster,
      ...(this.settings.region ? { region: this.settings.region } : {}),
    };
    if (sight.kind === 'unknown') {
      observability.warn('watch check inconclusive', { cluster, error: sight.error });
      return { next: state };
    }
    if (sight.kind === 'seeing') {
      const next: ClusterWatchState = {
        ...omitBlind(state),
        status: 'seeing',
        lastSeeing: now,
        lastChecked: now,
      };
      if (state.status !== 'blind') return { next };
      const since = state.blindSince ?? now;
      return {
        next,
        message: {
          cluster,
          messageId: `watch#seeing#${since}`,
          notification: sightRestoredNotice(context, since, now),
        },
      };
    }
    const checked: ClusterWatchState = { ...state, lastChecked: now };
    if (state.status === 'blind' && state.reason === sight.reason) return { next: checked };
    const since = state.status === 'blind' ? (state.blindSince ?? now) : now;
    return {
      next: { ...checked, status: 'blind', reason: sight.reason, blindSince: since },
      message: {
        cluster,
        messageId: `watch#blind#${sight.reason}#${since}`,
        notification: blindNotice({
          cluster: context,
          reason: sight.reason,
          since,
          ...(state.lastSeeing ? { lastSeeing: state.lastSeeing } : {}),
          ...(sight.owner ? { owner: sight.owner } : {}),
          filterName: this.settings.filterName,
          ...(this.settings.functionName ? { functionName: this.settings.functionName } : {}),
        }),
      },
    };
  }

  private async save(cluster: string, state: ClusterWatchState, observability: Observability): Promise<void> {
    await this.deps.state.put(cluster, state).catch((error: unknown) => {
      observability.warn('watch state not stored', { cluster, error: errorName(error) });
    });
  }
}

function isDue(last: number | undefined, intervalMinutes: number, now: number): boolean {
  return last === undefined || now - last >= intervalMinutes * MINUTE - SLACK_MS;
}

function omitBlind(state: ClusterWatchState): ClusterWatchState {
  const { reason: _reason, blindSince: _since, ...rest } = state;
  return rest;
}

/** Counts canaries as Powertools EMF, one entry per cluster (the alarm's dimension). */
export class PowertoolsCanaryCounter implements CanaryCounter {
  constructor(private readonly metrics: Metrics) {}

  canarySeen(cluster: string, count: number): void {
    const single = this.metrics.singleMetric();
    single.addDimensions({ Cluster: cluster });
    single.addMetric(CANARY_METRIC, MetricUnit.Count, count);
  }
}
