import { remediate } from '../remediate';
import type { DiagnosisContext, Finding, Notification } from '../types';
import { problemKey } from './problem-key';

/** How often a problem occurred, and when first and last (ISO times). */
export interface Occurrences {
  readonly count: number;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
}

/**
 * The alert for a problem: the finding, its fix for this cluster, how often it occurred, and the
 * problem's key (for deduplication and chat threads). Every sink renders from this.
 */
export function alertOf(
  finding: Finding,
  context: DiagnosisContext,
  occurrences: Occurrences = { count: 1, firstSeen: finding.time, lastSeen: finding.time },
  notes: readonly string[] = [],
  /** The Lambda keys problems by the log group's cluster, known even when the live context is not. */
  key: string = problemKey(context.cluster?.clusterName ?? '', finding),
): Notification {
  return {
    kind: 'alert',
    cluster: context.cluster ?? {},
    finding,
    fix: remediate(finding, context),
    ...occurrences,
    problemKey: key,
    notes,
  };
}
