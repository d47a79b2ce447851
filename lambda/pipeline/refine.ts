import type { ContextSource } from '../context/context-source';
import { classify } from '../engine/classify/classify';
import { withStsFields } from '../engine/diagnose/join';
import type { LogMemory } from '../engine/diagnose/log-memory';
import { problemKey } from '../engine/diagnose/problem-key';
import type { ClusterContext, DiagnosisContext, PrincipalContext } from '../engine/types';
import type { ProblemGroup } from './diagnose-batch';
import type { ProblemSubject } from './notifications';

/** A batch's problem with its final classification and the context its fix is written for. */
export interface RefinedProblem {
  readonly problemKey: string;
  readonly subject: ProblemSubject;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** Principal lookups (EKS access entries, log history) per invocation; past it the fix is generic. */
const MAX_PRINCIPAL_LOOKUPS = 50;
/** Principals looked up at once. */
const LOOKUP_CONCURRENCY = 5;

/**
 * Gives every IDENTITY_NOT_MAPPED problem its live context — does the principal have an access entry
 * (deleted and recreated), was it granted access recently (mapping just removed), its STS session
 * (a node?) — and classifies it again, which is what picks the right fix. Problems that end up the
 * same (same sub-cause and principal) are merged.
 */
export async function refineGroups(
  groups: readonly ProblemGroup[],
  clusterName: string,
  base: DiagnosisContext,
  memory: LogMemory,
  source: ContextSource,
): Promise<RefinedProblem[]> {
  let lookups = 0;
  const refined = await mapConcurrently(
    groups,
    LOOKUP_CONCURRENCY,
    async (group): Promise<RefinedProblem> => {
      const finding = group.finding;
      const arn = finding.principal?.arn;
      let subject: ProblemSubject = { finding, context: base, notes: [] };
      if (finding.category === 'IDENTITY_NOT_MAPPED' && arn !== undefined) {
        const learned = memory.contextFor(arn);
        const cluster: ClusterContext = base.cluster ?? { clusterName };
        const lookup =
          lookups++ < MAX_PRINCIPAL_LOOKUPS
            ? await source.principal(clusterName, cluster, finding, group.firstSeen)
            : undefined;
        const context: DiagnosisContext = {
          ...learned,
          principal: lookup ? mergePrincipal(learned.principal, lookup.principal) : learned.principal,
          contextUnavailable: joinReasons(
            base.contextUnavailable,
            lookup
              ? lookup.unavailable
              : `the principal was not looked up (more than ${MAX_PRINCIPAL_LOOKUPS} unmapped principals in one batch)`,
          ),
        };
        const record = lookup?.stsResponse
          ? withStsFields(finding.record, lookup.stsResponse)
          : finding.record;
        subject = { finding: classify(record, context), context, notes: [] };
      }
      return {
        problemKey: problemKey(clusterName, subject.finding),
        subject,
        count: group.count,
        firstSeen: group.firstSeen,
        lastSeen: group.lastSeen,
      };
    },
  );
  const merged = new Map<string, RefinedProblem>();
  for (const problem of refined) {
    const seen = merged.get(problem.problemKey);
    merged.set(
      problem.problemKey,
      seen
        ? {
            ...seen,
            count: seen.count + problem.count,
            firstSeen: Math.min(seen.firstSeen, problem.firstSeen),
            lastSeen: Math.max(seen.lastSeen, problem.lastSeen),
          }
        : problem,
    );
  }
  return [...merged.values()];
}

/** Live facts win; a grant seen in this very batch counts as much as one found in the log group. */
function mergePrincipal(learned: PrincipalContext | undefined, live: PrincipalContext): PrincipalContext {
  const grants = [learned?.lastGrantedAt, live.lastGrantedAt]
    .filter((t): t is string => t !== undefined)
    .sort();
  return {
    hasAccessEntry: live.hasAccessEntry ?? learned?.hasAccessEntry,
    lastGrantedAt: grants.at(-1),
  };
}

function joinReasons(...reasons: (string | undefined)[]): string | undefined {
  const present = reasons.filter((reason): reason is string => reason !== undefined && reason !== '');
  return present.length > 0 ? present.join('; ') : undefined;
}

/** `Promise.all` over `items` with at most `limit` running at once, results in input order. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await map(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
