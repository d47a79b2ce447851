import type { ContextSource } from '../context/context-source';
import { classify } from '../engine/classify/classify';
import { diagnoseBatch, type SelftestEvent } from '../engine/diagnose/diagnose-batch';
import { withStsFields } from '../engine/diagnose/join';
import type { LogMemory } from '../engine/diagnose/log-memory';
import { mergeProblems, OccurrenceTally, type Problem } from '../engine/diagnose/problem';
import { errorShape, problemKey, trustOf } from '../engine/diagnose/problem-key';
import type { ClusterContext, DiagnosisContext, Finding, PrincipalContext } from '../engine/types';
import type { AdmittedBatch } from './admit';
import type { PipelineDeps } from './deps';

/** What a batch holds, diagnosed: its problems, each with the context its fix is written for. */
export interface Diagnosis {
  /** The cluster as EKS described it (or by name only, when it could not be asked). */
  readonly cluster: ClusterContext;
  /** In order of first occurrence; final: refined with live context and merged. */
  readonly problems: readonly Problem[];
  readonly selftests: readonly SelftestEvent[];
}

/** Principal lookups (EKS access entries, log history) per invocation; past it the fix is generic. */
const MAX_PRINCIPAL_LOOKUPS = 50;

/**
 * The second step: the cluster's live facts, then the engine over the batch (parse → join → classify
 * → one problem per key), then the live context of each unmapped principal, which is what picks the
 * right fix among IDENTITY_NOT_MAPPED's sub-causes.
 */
export async function diagnose(batch: AdmittedBatch, deps: PipelineDeps): Promise<Diagnosis> {
  const { cluster: clusterName } = batch;
  const lookup = await deps.context.cluster(clusterName);
  if (lookup.unavailable)
    deps.observability.warn('context unavailable', { cluster: clusterName, reason: lookup.unavailable });
  // The log group's account is the cluster's: known from the payload even when EKS cannot be asked,
  // so a principal of another account is told apart (FOREIGN_ACCOUNT) without DescribeCluster.
  const cluster: ClusterContext = {
    clusterName,
    ...lookup.cluster,
    accountId: lookup.cluster.accountId ?? batch.owner,
    // The stack's word wins over a grant the log shows, as the CLI's --creator does.
    ...(deps.creatorArn === undefined ? {} : { creatorArn: deps.creatorArn }),
  };
  const base: DiagnosisContext = { cluster, contextUnavailable: lookup.unavailable };
  const found = diagnoseBatch(batch.events, batch.logStream, clusterName, base);
  if (found.unreadable > 0)
    deps.observability.malformed(found.unreadable, 'lines that hold no authenticator record');
  const problems = await withLiveContext(found.problems, clusterName, base, found.memory, deps.context);
  return { cluster, problems: foldProbes(problems, clusterName), selftests: found.selftests };
}

/** Categories a probe-activity message lists by name; the rest are counted together. */
const PROBE_SHAPES_LISTED = 8;

/**
 * Every probe of the batch (a denial any internet client can cause, with no authenticated principal)
 * as one "probe activity" problem of the cluster: one key whatever the clients sent, so probes share
 * one alert and its follow-ups and never take a slot an identity problem or a breakage needs. Its
 * finding is the commonest probe's; its notes give the count per category with the error's shape.
 */
export function foldProbes(problems: readonly Problem[], clusterName: string): Problem[] {
  const probes = problems.filter((problem) => trustOf(problem.finding) === 'probe');
  if (probes.length === 0) return [...problems];
  const occurrences = new OccurrenceTally();
  for (const probe of probes) occurrences.merge(probe.occurrences);
  const ranked = [...probes].sort((a, b) => b.occurrences.count - a.occurrences.count);
  const lead = ranked[0] as Problem;
  const listed = ranked.slice(0, PROBE_SHAPES_LISTED).map((probe) => {
    const { finding } = probe;
    return `${finding.category} ×${probe.occurrences.count}: ${errorShape(finding.error ?? finding.record.msg)}`;
  });
  const rest = ranked.slice(PROBE_SHAPES_LISTED).reduce((sum, probe) => sum + probe.occurrences.count, 0);
  const notes = [
    `Probe activity: ${occurrences.count} denials that any client reaching the endpoint can cause (no authenticated principal). They share this one message per window and never take the place of an identity problem or a breakage.`,
    ...listed,
    ...(rest > 0 ? [`${rest} more in ${ranked.length - PROBE_SHAPES_LISTED} other categories.`] : []),
  ];
  const folded: Problem = {
    key: probeActivityKey(clusterName),
    finding: lead.finding,
    context: lead.context,
    occurrences,
    notes,
  };
  // Probes last: what only this cluster's own people cause is decided, and sent, first.
  return [...problems.filter((problem) => trustOf(problem.finding) !== 'probe'), folded];
}

/** The one problem key of a cluster's probes. */
export function probeActivityKey(clusterName: string): string {
  return `${clusterName}|PROBE_ACTIVITY`;
}

/**
 * Gives every IDENTITY_NOT_MAPPED problem its live context — does the principal have an access entry
 * (deleted and recreated), was it granted access recently (mapping just removed), its STS session
 * (a node?) — and classifies it again. Problems that end up the same (same sub-cause and principal)
 * are merged.
 */
async function withLiveContext(
  problems: readonly Problem[],
  clusterName: string,
  base: DiagnosisContext,
  memory: LogMemory,
  source: ContextSource,
): Promise<Problem[]> {
  // The first unmapped principals are looked up, all in one call; past the bound the fix is generic.
  const cluster: ClusterContext = base.cluster ?? { clusterName };
  const asked = problems
    .filter((problem) => problem.finding.category === 'IDENTITY_NOT_MAPPED' && problem.finding.principal)
    .slice(0, MAX_PRINCIPAL_LOOKUPS);
  const answers = await source.principals(
    clusterName,
    cluster,
    asked.map((problem) => ({
      finding: problem.finding,
      deniedAtMs: problem.occurrences.firstSeen,
      historyKnown: batchExplains(problem.finding, memory),
    })),
  );
  const lookups = new Map(asked.map((problem, i) => [problem, answers[i]]));
  const refined = problems.map((problem): Problem => {
    const { finding } = problem;
    const arn = finding.principal?.arn;
    if (finding.category !== 'IDENTITY_NOT_MAPPED' || arn === undefined) return problem;
    const learned = memory.contextFor(arn);
    const lookup = lookups.get(problem);
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
    const record = lookup?.stsResponse ? withStsFields(finding.record, lookup.stsResponse) : finding.record;
    const reclassified = classify(record, context);
    return {
      key: problemKey(clusterName, reclassified),
      finding: reclassified,
      context,
      occurrences: problem.occurrences,
    };
  });
  return mergeProblems(refined);
}

/**
 * How close before a denial a grant in the batch must be to stand for the log group's latest: the
 * message says "had access until" to the minute, and any grant this recent makes the mapping
 * "removed recently" (RECENT_MS is a day).
 */
const BATCH_GRANT_STANDS_MS = 60_000;

/**
 * Whether the batch already holds what a search of the log group would tell about a denied principal:
 * its request's `STS response` (joined), and a grant at most a minute before the denial or any time
 * after it. The message names the latest grant of the two (`mergePrincipal`), and the search looks no
 * later than the denial: it could only move "had access until" within that minute, or not at all.
 */
function batchExplains(finding: Finding, memory: LogMemory): boolean {
  const arn = finding.principal?.arn;
  if (arn === undefined || finding.principal?.stsArn === undefined || finding.time === undefined)
    return false;
  const granted = memory.contextFor(arn).principal?.lastGrantedAt;
  if (granted === undefined) return false;
  const since = Date.parse(finding.time) - Date.parse(granted);
  return since <= BATCH_GRANT_STANDS_MS;
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
