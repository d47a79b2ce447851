import { errorName } from '../common/error-names';
import type { AuthenticatorRecord, ClusterContext, PrincipalContext } from '../engine/types';
import { type EksLookup, hasAccessEntryFor } from './eks-lookup';
import type { HistoryRequest, LogHistoryLookup, PrincipalHistory } from './log-history';
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
  /**
   * The facts about the denied principals of one batch, in order. Only asked for IDENTITY_NOT_MAPPED:
   * the one category whose fix depends on the principal. One call per batch, so the lookups can be
   * shared (one access-entry list, one log query for several principals).
   */
  principals(
    clusterName: string,
    cluster: ClusterContext,
    requests: readonly PrincipalRequest[],
  ): Promise<PrincipalLookup[]>;
}

/** A denied principal's finding and when it was denied (epoch ms). */
export interface PrincipalRequest extends HistoryRequest {
  /**
   * The batch already holds what a log-group search would tell (see `batchExplains` in the
   * pipeline): the principal is not searched. FilterLogEvents allows 5 calls a second per account
   * and Region, shared with every other caller, and no increase.
   */
  readonly historyKnown?: boolean;
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

  async principals(
    clusterName: string,
    cluster: ClusterContext,
    requests: readonly PrincipalRequest[],
  ): Promise<PrincipalLookup[]> {
    // CONFIG_MAP clusters have no access entries; with the mode unknown, asking would only guess.
    const entries =
      cluster.authenticationMode === 'API' || cluster.authenticationMode === 'API_AND_CONFIG_MAP'
        ? await this.accessEntries.get(clusterName, () => this.listEntries(clusterName), this.ttlOf)
        : undefined;
    // Histories not cached are read together, once every principal of the batch is known.
    const unread: { request: PrincipalRequest; resolve: (history: PrincipalHistory | string) => void }[] = [];
    const lookups = requests.map(({ finding, deniedAtMs, historyKnown }) => {
      const principal = finding.principal;
      if (!principal) return undefined;
      const reasons: string[] = [];
      let hasAccessEntry: boolean | undefined;
      if (typeof entries === 'string') reasons.push(entries);
      else if (entries) hasAccessEntry = hasAccessEntryFor(principal, entries);
      // A stale entry or a foreign account explains the denial before a recent grant would.
      const foreign = cluster.accountId !== undefined && principal.accountId !== cluster.accountId;
      const history =
        hasAccessEntry || foreign || historyKnown
          ? undefined
          : this.histories.get(
              `${clusterName}|${principal.arn.toLowerCase()}`,
              () =>
                new Promise<PrincipalHistory | string>((resolve) =>
                  unread.push({ request: { finding, deniedAtMs }, resolve }),
                ),
              this.ttlOf,
            );
      return { hasAccessEntry, reasons, history };
    });
    if (unread.length > 0) {
      const read = await this.readHistories(
        clusterName,
        unread.map(({ request }) => request),
      );
      for (const [i, { resolve }] of unread.entries())
        resolve(typeof read === 'string' ? read : (read[i] ?? {}));
    }
    return Promise.all(
      lookups.map(async (lookup): Promise<PrincipalLookup> => {
        if (!lookup) return { principal: {} };
        const { hasAccessEntry, reasons } = lookup;
        let history: PrincipalHistory = {};
        const found = await lookup.history;
        if (typeof found === 'string') reasons.push(found);
        else if (found) history = found;
        return {
          principal: { hasAccessEntry, lastGrantedAt: history.lastGrantedAt },
          stsResponse: history.stsResponse,
          unavailable: reasons.length > 0 ? reasons.join('; ') : undefined,
        };
      }),
    );
  }

  private readonly ttlOf = (value: unknown): number =>
    typeof value === 'string' ? this.failureTtlMs : Number.POSITIVE_INFINITY;

  private listEntries(clusterName: string): Promise<readonly string[] | string> {
    return this.eks
      .accessEntryArns(clusterName)
      .catch((error: unknown) => `EKS ListAccessEntries failed (${errorName(error)})`);
  }

  private readHistories(
    clusterName: string,
    requests: readonly PrincipalRequest[],
  ): Promise<PrincipalHistory[] | string> {
    return this.history
      .principalHistories(clusterName, requests)
      .catch((error: unknown) => `CloudWatch Logs FilterLogEvents failed (${errorName(error)})`);
  }
}

/** No AWS at all (replay, the CLI): every fix is built from the log alone, and says so. */
export class OfflineContextSource implements ContextSource {
  constructor(private readonly reason = 'offline replay: EKS and the log group were not asked') {}

  async cluster(clusterName: string): Promise<ClusterLookup> {
    return { cluster: { clusterName }, unavailable: this.reason };
  }

  async principals(
    _clusterName: string,
    _cluster: ClusterContext,
    requests: readonly PrincipalRequest[],
  ): Promise<PrincipalLookup[]> {
    return requests.map(() => ({ principal: {} }));
  }
}
