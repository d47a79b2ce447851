import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import { errorName } from '../common/error-names';
import { DedupContentionError, FloodControl, shortId } from '../dedup/flood-control';
import { type DigestTally, type DueEntry, retryStateExpiry, type StoredMessage } from '../dedup/store';
import { deliverAll, type OutgoingMessage } from '../delivery/deliver';
import type { TimeBudget } from '../delivery/sink';
import { isDenialCategory } from '../engine/categories';
import type { DiagnosisContext, Notification } from '../engine/types';
import type { FindingOutcome } from '../observability/observability';
import { decodeSubscriptionData, isLogEvent } from '../subscription/decode';
import { clusterNameOf, isAuthenticatorStream } from '../subscription/log-source';
import type { PipelineDeps, StepResult } from './deps';
import { diagnoseBatch } from './diagnose-batch';
import {
  alertNotification,
  digestNotification,
  followupMessage,
  selftestNotification,
  serializeSubject,
} from './notifications';
import { type RefinedProblem, refineGroups } from './refine';

/**
 * One CloudWatch Logs subscription payload, end to end: decode → keep authenticator streams →
 * diagnose → live context → dedup and flood control → notifications → every sink.
 *
 * Nothing here throws for bad input: a malformed payload or line is logged and counted. Failed
 * deliveries come back in the result; the handler fails the invocation after its bookkeeping.
 * A retried invocation (same events) re-sends its stored messages to the sinks they missed and
 * counts nothing twice.
 */
export async function processSubscription(
  data: unknown,
  deps: PipelineDeps,
  budget: TimeBudget,
): Promise<StepResult> {
  const { observability } = deps;
  const decoded = decodeSubscriptionData(data);
  if (!decoded.ok) {
    observability.malformed(1, decoded.reason);
    return { messages: [], failures: [] };
  }
  const batch = decoded.data;
  if (batch.messageType === 'CONTROL_MESSAGE' || !isAuthenticatorStream(batch.logStream)) {
    return { messages: [], failures: [] };
  }
  const cluster = clusterNameOf(batch.logGroup);
  if (cluster === undefined) {
    observability.malformed(
      1,
      `log group ${JSON.stringify(batch.logGroup.slice(0, 300))} is not /aws/eks/<cluster>/cluster`,
    );
    return { messages: [], failures: [] };
  }
  const events = batch.logEvents.filter(isLogEvent);
  if (events.length < batch.logEvents.length) {
    observability.malformed(
      batch.logEvents.length - events.length,
      'log events without id, timestamp or message',
    );
  }
  if (events.length === 0) return { messages: [], failures: [] };

  const batchId = batchIdOf(batch.logGroup, batch.logStream, events);
  let storeDown: string | undefined;
  const prior = await deps.store.getBatch(cluster, batchId).catch((error: unknown) => {
    storeDown = errorName(error);
    return undefined;
  });
  if (prior) {
    // A retry: this batch was counted and its messages (self-tests included) stored; send what has
    // not gone out yet.
    return deliver(
      prior.flatMap((stored) => restore(cluster, stored)),
      cluster,
      deps,
      budget,
      storeDown,
    );
  }

  const now = deps.now();
  const clusterLookup = await deps.context.cluster(cluster);
  if (clusterLookup.unavailable)
    observability.warn('context unavailable', { cluster, reason: clusterLookup.unavailable });
  const base: DiagnosisContext = {
    cluster: clusterLookup.cluster,
    contextUnavailable: clusterLookup.unavailable,
  };
  const diagnosis = diagnoseBatch(events, batch.logStream, cluster, base);
  if (diagnosis.unreadable > 0)
    observability.malformed(diagnosis.unreadable, 'lines that hold no authenticator record');

  const messages: OutgoingMessage[] = diagnosis.selftests.map((selftest) => {
    observability.finding({
      cluster,
      category: selftest.finding.category,
      subCause: null,
      severity: selftest.finding.severity,
      principalArn: null,
      accountId: null,
      count: 1,
      outcome: 'selftest',
    });
    return {
      cluster,
      messageId: `selftest#${selftest.eventId}`,
      notification: selftestNotification(clusterLookup.cluster, selftest.finding, selftest.timestamp),
    };
  });

  const problems = await refineGroups(diagnosis.groups, cluster, base, diagnosis.memory, deps.context);
  const flood = new FloodControl(deps.store, deps.settings);
  const failOpen = new FailOpenDigest(deps.settings.cap);
  const sweepEntries = new Map<OutgoingMessage, DueEntry>();
  // Fail open: a duplicate alert is better than a lost one.
  const alertWithoutDedup = (problem: RefinedProblem, reason: string): FindingOutcome => {
    observability.warn('dedup unavailable; alerting without it', { cluster, error: reason });
    const note = `Possibly a duplicate: the dedup store could not be used (${reason}).`;
    if (failOpen.admit()) {
      messages.push({
        cluster,
        messageId: `alert#failopen#${batchId}#${problem.problemKey}`,
        notification: alertNotification(problem.subject, problem.problemKey, problem, [note]),
      });
      return 'alerted';
    }
    failOpen.add(problem.count, problem.subject.finding.category, problem.firstSeen, problem.lastSeen);
    return 'digested';
  };
  for (const problem of problems) {
    const { finding } = problem.subject;
    if (isDenialCategory(finding.category)) observability.denials(cluster, finding.category, problem.count);
    let outcome: FindingOutcome;
    if (storeDown !== undefined) {
      outcome = alertWithoutDedup(problem, storeDown);
    } else {
      try {
        const decision = await flood.record(
          {
            cluster,
            problemKey: problem.problemKey,
            category: finding.category,
            count: problem.count,
            firstSeen: problem.firstSeen,
            lastSeen: problem.lastSeen,
            subject: serializeSubject(problem.subject),
          },
          batchId,
          now,
        );
        for (const closed of decision.closed) {
          const message = followupMessage(closed);
          if (!message) continue;
          messages.push(message);
          sweepEntries.set(message, closed.due);
        }
        if (decision.outcome === 'alerted') {
          messages.push({
            cluster,
            messageId: decision.messageId,
            notification: alertNotification(problem.subject, problem.problemKey, problem),
          });
        }
        outcome = decision.outcome;
      } catch (error) {
        const reason = errorName(error);
        // Contention is about this problem only; anything else means the store is down for the batch.
        if (!(error instanceof DedupContentionError)) storeDown = reason;
        outcome = alertWithoutDedup(problem, reason);
      }
    }
    if (outcome !== 'alerted') observability.alertsSuppressed(cluster, problem.count);
    observability.finding({
      cluster,
      category: finding.category,
      subCause: finding.subCause ?? null,
      severity: finding.severity,
      principalArn: finding.principal?.arn ?? null,
      accountId: finding.principal?.accountId ?? null,
      count: problem.count,
      outcome,
    });
  }
  const failOpenTally = failOpen.tally();
  if (failOpenTally) {
    messages.push({
      cluster,
      messageId: `digest#failopen#${batchId}`,
      notification: digestNotification(clusterLookup.cluster, failOpenTally, [
        `Possibly duplicates: the dedup store could not be used (${storeDown ?? 'unavailable'}).`,
      ]),
    });
  }

  if (storeDown === undefined) {
    const stored: StoredMessage[] = messages.map((m) => ({
      messageId: m.messageId,
      body: JSON.stringify(m.notification),
    }));
    await deps.store
      .putBatch(cluster, batchId, stored, retryStateExpiry(now))
      .catch((error: unknown) =>
        observability.warn('batch record not stored', { cluster, error: errorName(error) }),
      );
  }
  const result = await deliver(messages, cluster, deps, budget, storeDown);
  // Follow-ups closed here are out: the sweep need not look at their windows again.
  const delivered = new Set(result.delivered);
  for (const [message, due] of sweepEntries) {
    if (delivered.has(message)) await flood.done(due).catch(() => undefined);
  }
  return result;
}

async function deliver(
  messages: OutgoingMessage[],
  cluster: string,
  deps: PipelineDeps,
  budget: TimeBudget,
  storeDown: string | undefined,
): Promise<StepResult & { delivered: readonly OutgoingMessage[] }> {
  if (messages.length === 0) return { messages: [], failures: [], delivered: [] };
  const report = await deliverAll(
    messages,
    deps.sinks,
    storeDown === undefined ? deps.store : undefined,
    budget,
    deps.observability,
    deps.now,
  );
  const sent = report.delivered.filter((m) => m.notification.kind !== 'selftest').length;
  if (sent > 0) deps.observability.alertsSent(cluster, sent);
  return { messages, failures: report.failures, delivered: report.delivered };
}

function restore(cluster: string, stored: StoredMessage): OutgoingMessage[] {
  try {
    return [{ cluster, messageId: stored.messageId, notification: JSON.parse(stored.body) as Notification }];
  } catch {
    return [];
  }
}

/**
 * The identity of a subscription payload for retries: the same events give the same ID. Event IDs
 * are unique per log group, so the first and last with the count and stream pin the batch down.
 */
export function batchIdOf(
  logGroup: string,
  logStream: string,
  events: readonly CloudWatchLogsLogEvent[],
): string {
  const first = events[0]?.id ?? '';
  const last = events.at(-1)?.id ?? '';
  return shortId(`${logGroup}\n${logStream}\n${first}\n${last}\n${events.length}`);
}

/** Without the dedup store the cap still holds within one invocation: past it, one local digest. */
class FailOpenDigest {
  private admitted = 0;
  private count = 0;
  private principals = 0;
  private categories: Partial<Record<string, number>> = {};
  private firstSeen = Number.POSITIVE_INFINITY;
  private lastSeen = 0;

  constructor(private readonly cap: number) {}

  admit(): boolean {
    if (this.admitted >= this.cap) return false;
    this.admitted++;
    return true;
  }

  add(count: number, category: string, firstSeen: number, lastSeen: number): void {
    this.count += count;
    this.principals++;
    this.categories[category] = (this.categories[category] ?? 0) + count;
    this.firstSeen = Math.min(this.firstSeen, firstSeen);
    this.lastSeen = Math.max(this.lastSeen, lastSeen);
  }

  tally(): DigestTally | undefined {
    if (this.count === 0) return undefined;
    return {
      count: this.count,
      principals: this.principals,
      categories: this.categories,
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
    };
  }
}
