import { errorName } from '../common/error-names';
import { budgetOf, DedupContentionError, type FloodControl } from '../dedup/flood-control';
import type { DigestTally } from '../dedup/store';
import { mergeTopPrincipals } from '../dedup/top-principals';
import type { TimeBudget } from '../delivery/sink';
import { type Category, isDenialCategory } from '../engine/categories';
import { OccurrenceTally, type Problem } from '../engine/diagnose/problem';
import { trustOf } from '../engine/diagnose/problem-key';
import type { ClusterContext } from '../engine/types';
import type { FindingOutcome, Observability } from '../observability/observability';
import type { AdmittedBatch } from './admit';
import type { Send } from './deliver';
import type { PipelineDeps } from './deps';
import type { Diagnosis } from './diagnose';
import { alertMessage, digestMessage, followupMessage, selftestMessage } from './messages';
import type { StoreHealth } from './store-health';

/**
 * A problem is decided only with more time than this left: the rest of the invocation must still
 * deliver what was decided and record it. What is not decided is left, uncounted, for Lambda's retry.
 */
export const DECIDE_RESERVE_MS = 10_000;

/** What the batch sends, and how many problems were left undecided for the retry (time ran short). */
export interface Decided {
  readonly sends: Send[];
  readonly deferred: number;
}

/** What one problem's decision sends, and what became of its occurrences. */
export interface ProblemDecision {
  readonly outcome: FindingOutcome;
  readonly sends: readonly Send[];
}

/**
 * The third step: what the batch sends, in order — its self-tests (always, without dedup), then per
 * problem the follow-ups of windows it closed and its alert when it is new, then the digest of what
 * fail-open could not alert. Flood control decides each problem on the dedup store; while the store
 * is down, fail-open decides instead. Every problem is logged once with its count and outcome.
 */
export async function decide(
  batch: AdmittedBatch,
  diagnosis: Diagnosis,
  flood: FloodControl,
  health: StoreHealth,
  deps: PipelineDeps,
  now: number,
  budget: TimeBudget,
): Promise<Decided> {
  const { observability } = deps;
  const sends: Send[] = diagnosis.selftests.map((selftest) => {
    observability.finding({
      cluster: batch.cluster,
      category: selftest.finding.category,
      subCause: null,
      severity: selftest.finding.severity,
      principalArn: null,
      accountId: null,
      count: 1,
      outcome: 'selftest',
    });
    return { message: selftestMessage(batch.cluster, diagnosis.cluster, selftest) };
  });
  const failOpen = new FailOpen(batch, deps.settings.cap, observability);
  const ordered = inPriorityOrder(diagnosis.problems);
  // Every window of the batch in one read (per 100 problems) rather than one read per problem.
  if (health.downBecause === undefined && ordered.length > 1) {
    // Failing, it marks the store down: every problem then fails open, and says so.
    await flood.prefetch(batch.cluster, ordered).catch((error: unknown) => health.fail(error));
  }
  let deferred = 0;
  for (const [index, problem] of ordered.entries()) {
    // Checked before every problem: what matters most was decided first, the rest waits for the retry.
    if (budget.remainingMs() < DECIDE_RESERVE_MS) {
      deferred = ordered.length - index;
      observability.warn('time short: problems left undecided for the retry', {
        cluster: batch.cluster,
        count: deferred,
      });
      break;
    }
    const { finding, occurrences } = problem;
    if (isDenialCategory(finding.category))
      observability.denials(batch.cluster, finding.category, occurrences.count);
    const decision = await decideProblem(problem, batch, flood, health, failOpen, now);
    sends.push(...decision.sends);
    logOutcome(batch.cluster, problem, decision.outcome, observability);
  }
  // The digest additions of the whole batch: one write per cap window, marked with the batch. Lost
  // with the store down: nothing marks them, so the retry adds them (once). Not written by an attempt
  // that left problems undecided: the mark would refuse the retry's additions, so the retry (which
  // re-decides every problem) writes them all, once; the fail-open digest waits for it the same way.
  if (deferred === 0 && health.downBecause === undefined) {
    await flood.flushDigests(batch.batchId).catch((error: unknown) => {
      observability.warn('digest additions not stored; the retry adds them', {
        cluster: batch.cluster,
        error: health.fail(error),
      });
    });
  }
  // Which problems this batch counted repeats of, and whether its digest additions are written, on its
  // own marker (one write, after them): a retry knows from there what it need not count again, however
  // late it comes, and the windows may forget the batch. Lost with the store down: the windows keep the
  // batch, and a retry in the same cap window finds its digest additions by their mark.
  if (health.downBecause === undefined) {
    await flood.markCounted(batch.cluster, batch.batchId).catch((error: unknown) =>
      observability.warn('counted problems not recorded on the batch marker; the windows keep the batch', {
        cluster: batch.cluster,
        error: errorName(error),
      }),
    );
  }
  if (deferred > 0) return { sends, deferred };
  const digest = failOpen.digest(diagnosis.cluster, health);
  if (digest) sends.push(digest);
  return { sends, deferred };
}

const RANK = { breakage: 0, identity: 1, none: 2, probe: 3 } as const;

/**
 * Breakages first, then what is critical, then the other identity problems, probes last: the order
 * messages are decided and sent in, so what matters most goes out first when time runs short.
 */
function inPriorityOrder(problems: readonly Problem[]): Problem[] {
  const rank = (problem: Problem) =>
    RANK[trustOf(problem.finding)] * 2 + (problem.finding.severity === 'critical' ? 0 : 1);
  return problems
    .map((problem, index) => ({ problem, index, rank: rank(problem) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ problem }) => problem);
}

/** Flood control's decision on the store; fail-open's when the store is down or gives up on this problem. */
async function decideProblem(
  problem: Problem,
  batch: AdmittedBatch,
  flood: FloodControl,
  health: StoreHealth,
  failOpen: FailOpen,
  now: number,
): Promise<ProblemDecision> {
  const down = health.downBecause;
  if (down !== undefined) return failOpen.decide(problem, down);
  try {
    const decision = await flood.record(batch.cluster, problem, batch.batchId, now);
    const sends: Send[] = [];
    for (const closed of decision.closed) {
      const message = followupMessage(closed);
      if (message) sends.push({ message, settles: closed.due });
    }
    if (decision.outcome === 'alerted') {
      sends.push({ message: alertMessage(batch.cluster, decision.messageId, problem) });
    }
    return { outcome: decision.outcome, sends };
  } catch (error) {
    // Contention is about this problem only; anything else means the store is down for the batch.
    const reason = error instanceof DedupContentionError ? errorName(error) : health.fail(error);
    return failOpen.decide(problem, reason);
  }
}

function logOutcome(
  cluster: string,
  problem: Problem,
  outcome: FindingOutcome,
  observability: Observability,
): void {
  const { finding, occurrences } = problem;
  if (outcome !== 'alerted') observability.alertsSuppressed(cluster, occurrences.count);
  observability.finding({
    cluster,
    category: finding.category,
    subCause: finding.subCause ?? null,
    severity: finding.severity,
    principalArn: finding.principal?.arn ?? null,
    accountId: finding.principal?.accountId ?? null,
    count: occurrences.count,
    outcome,
  });
}

/**
 * Deciding without the dedup store: a duplicate alert is better than a lost one, so each problem
 * alerts, marked "possibly a duplicate". The cap still holds within the invocation: past it, the
 * problems are counted into one local digest, sent at the end of the batch.
 */
class FailOpen {
  private alerted = 0;
  private readonly occurrences = new OccurrenceTally();
  private principals = 0;
  private readonly categories: Partial<Record<Category, number>> = {};
  private readonly denied = new Map<string, number>();

  constructor(
    private readonly batch: AdmittedBatch,
    private readonly cap: number,
    private readonly observability: Observability,
  ) {}

  /** Decides `problem` without the store; `reason`: why the store could not be used for it. */
  decide(problem: Problem, reason: string): ProblemDecision {
    this.observability.warn('dedup unavailable; alerting without it', {
      cluster: this.batch.cluster,
      error: reason,
    });
    const capped = budgetOf(problem) === 'capped';
    if (!capped || this.alerted < this.cap) {
      if (capped) this.alerted++;
      const note = `Possibly a duplicate: the dedup store could not be used (${reason}).`;
      const messageId = `alert#failopen#${this.batch.batchId}#${problem.key}`;
      return {
        outcome: 'alerted',
        sends: [{ message: alertMessage(this.batch.cluster, messageId, problem, [note]) }],
      };
    }
    const { category } = problem.finding;
    this.occurrences.merge(problem.occurrences);
    this.principals++;
    this.categories[category] = (this.categories[category] ?? 0) + problem.occurrences.count;
    const arn = problem.finding.principal?.arn;
    if (arn) this.denied.set(arn, (this.denied.get(arn) ?? 0) + problem.occurrences.count);
    return { outcome: 'digested', sends: [] };
  }

  /** The digest of everything past the cap, if anything was. */
  digest(context: ClusterContext, health: StoreHealth): Send | undefined {
    if (this.occurrences.count === 0) return undefined;
    const { count, firstSeen, lastSeen } = this.occurrences;
    const tally: DigestTally = {
      count,
      principals: this.principals,
      categories: this.categories,
      topPrincipals: mergeTopPrincipals(
        [],
        [...this.denied].map(([arn, count]) => ({ arn, count })),
      ),
      firstSeen,
      lastSeen,
    };
    // Contention alone (the store up, one problem racing) lands here too, with no reason to name.
    const note = `Possibly duplicates: the dedup store could not be used (${health.downBecause ?? 'unavailable'}).`;
    const messageId = `digest#failopen#${this.batch.batchId}`;
    return { message: digestMessage(this.batch.cluster, messageId, context, tally, [note]) };
  }
}
