import { FloodControl } from '../dedup/flood-control';
import type { TimeBudget } from '../delivery/sink';
import { recordCanary } from '../watch';
import { admit } from './admit';
import { decide } from './decide';
import { deliver, persist, priorAttempt } from './deliver';
import type { PipelineDeps, StepResult } from './deps';
import { diagnose } from './diagnose';
import { StoreHealth } from './store-health';

/**
 * One CloudWatch Logs subscription payload, end to end, one step per file of this folder:
 * admit (decode, keep authenticator streams) → diagnose (the engine, then live context) → decide
 * (flood control, fail-open) → persist (the batch record, for retries) and deliver (every sink).
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
  const batch = admit(data, deps.observability);
  if (!batch) return { messages: [], failures: [] };
  // A canary (lambda/watch) is counted and never delivered.
  if (recordCanary(deps.selfWatch, batch.logStream, batch.cluster, batch.events))
    return { messages: [], failures: [] };
  const health = new StoreHealth();
  const prior = await priorAttempt(batch, deps, health);
  if (prior) {
    const { messages, failures } = await deliver(prior, deps, budget, health);
    return { messages, failures };
  }

  const now = deps.now();
  const diagnosis = await diagnose(batch, deps);
  const flood = new FloodControl(deps.store, deps.settings);
  const sends = await decide(batch, diagnosis, flood, health, deps, now);
  await persist(batch, sends, deps, health, now);
  const { messages, failures, delivered } = await deliver(sends, deps, budget, health);
  // Follow-ups closed here are out: the sweep need not look at their windows again. Best effort: if
  // this fails, the sweep finds the entry, sees the follow-up delivered, and removes it then.
  for (const { settles } of delivered) {
    if (settles) await flood.done(settles).catch(() => undefined);
  }
  return { messages, failures };
}
