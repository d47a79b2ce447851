import { errorName } from '../common/error-names';
import type { AuthenticatorRecord, ClusterContext, Finding, PrincipalContext } from '../engine/types';
import { type EksLookup, hasAccessEntryFor } from './eks-lookup';
import type { LogHistoryLookup, PrincipalHistory } from './log-history';
import { TtlCache } from './ttl-cache';

/** The cluster facts for a batch, and why some are missing when a lookup failed. */
export interface ClusterLookup {
  readonly cluster: ClusterContext;
  /** Set when EKS could not be asked; goes into the message as "context unavailable: …". */
  readonly unavailable?: string;
}

/** The facts about one denied principal, and why some are missing. */
export interface PrincipalLookup {
  readonly principal: PrincipalContext;
  /** The principal's `STS response` line from the log group, to join when the batch lacked it. */
  readonly stsResponse?: AuthenticatorRecord;
  readonly unavailable?: string;
}

/**
 * Where the handler gets live context. The deployed function asks EKS and the log group; replay and
 * tests pass their own (offline) source.
 */
export interface ContextSource {
  cluster(clusterName: string): Promise<ClusterLookup>;
  /** Only called for IDENTITY_NOT_MAPPED: the one category whose fix depends on the principal. */
  principal(
    clusterName: string,
    cluster: ClusterContext,
    finding: Finding,
    deniedAtMs: number,
  ): Promise<PrincipalLookup>;
}

/** A failed lookup is retried after this long at most, so a throttled API is not hammered per invocation. */
const FAILURE_TTL_MS = 30_000;

/**
 * Live context from EKS (`DescribeCluster`, `ListAccessEntries`) and the cluster's log group
 * (`FilterLogEvents`), cached per cluster and per principal for the TTL. Never throws: each failed
 * lookup becomes an `unavailable` reason and the fix falls back to what is known.
 */
export class LiveContextSource implements ContextSource {
  private readonly clusters: TtlCache<ClusterLookup>;
  private readonly accessEntries: TtlCache<readonly string[] | string>;
  private readonly histories: TtlCache<PrincipalHistory | string>;
  private readonly failureTtlMs: number;

  constructor(
    private readonly eks: EksLookup,
    private readonly history: LogHistoryLookup,
    ttlMs: number,
    now: () => number = Date.now,
  ) {
    this.clusters = new TtlCache(ttlMs, now);
    this.accessEntries = new TtlCache(ttlMs, now);
    this.histories = new TtlCache(ttlMs, now);
    this.failureTtlMs = Math.min(ttlMs, FAILURE_TTL_MS);
  }

  cluster(clusterName: string): Promise<ClusterLookup> {
    return this.clusters.get(
      clusterName,
      () =>
        this.eks.describeCluster(clusterName).then(
          (cluster) => ({ cluster }),
          (error: unknown) => ({
            cluster: { clusterName },
            unavailable: `EKS DescribeCluster failed (${errorName(error)})`,
          }),
        ),
      (lookup) => (lookup.unavailable ? this.failureTtlMs : Number.POSITIVE_INFINITY),
    );
  }

  async principal(
    clusterName: string,
    cluster: ClusterContext,
    finding: Finding,
    deniedAtMs: number,
  ): Promise<PrincipalLookup> {
    const principal = finding.principal;
    if (!principal) return { principal: {} };
    const reasons: string[] = [];
    let hasAccessEntry: boolean | undefined;
    // CONFIG_MAP clusters have no access entries; with the mode unknown, asking would only guess.
    if (cluster.authenticationMode === 'API' || cluster.authenticationMode === 'API_AND_CONFIG_MAP') {
      const entries = await this.accessEntries.get(
        clusterName,
        () => this.listEntries(clusterName),
        this.ttlOf,
      );
      if (typeof entries === 'string') reasons.push(entries);
      else hasAccessEntry = hasAccessEntryFor(principal, entries);
    }
    // A stale entry or a foreign account explains the denial before a recent grant would.
    const foreign = cluster.accountId !== undefined && principal.accountId !== cluster.accountId;
    let history: PrincipalHistory = {};
    if (!hasAccessEntry && !foreign) {
      const key = `${clusterName}|${principal.arn.toLowerCase()}`;
      const found = await this.histories.get(
        key,
        () => this.readHistory(clusterName, finding, deniedAtMs),
        this.ttlOf,
      );
      if (typeof found === 'string') reasons.push(found);
      else history = found;
    }
    return {
      principal: { hasAccessEntry, lastGrantedAt: history.lastGrantedAt },
      stsResponse: history.stsResponse,
      unavailable: reasons.length > 0 ? reasons.join('; ') : undefined,
    };
  }

  private readonly ttlOf = (value: unknown): number =>
    typeof value === 'string' ? this.failureTtlMs : Number.POSITIVE_INFINITY;

  private listEntries(clusterName: string): Promise<readonly string[] | string> {
    return this.eks
      .accessEntryArns(clusterName)
      .catch((error: unknown) => `EKS ListAccessEntries failed (${errorName(error)})`);
  }

  private readHistory(
    clusterName: string,
    finding: Finding,
    deniedAtMs: number,
  ): Promise<PrincipalHistory | string> {
    return this.history
      .principalHistory(clusterName, finding, deniedAtMs)
      .catch((error: unknown) => `CloudWatch Logs FilterLogEvents failed (${errorName(error)})`);
  }
}

/** No AWS at all (replay, the CLI): every fix is built from the log alone, and says so. */
export class OfflineContextSource implements ContextSource {
  constructor(private readonly reason = 'offline replay: EKS and the log group were not asked') {}

  async cluster(clusterName: string): Promise<ClusterLookup> {
    return { cluster: { clusterName }, unavailable: this.reason };
  }

  async principal(): Promise<PrincipalLookup> {
    return { principal: {} };
  }
}
