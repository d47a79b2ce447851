import { errorName } from '../common/error-names';
import { FloodControl } from '../dedup/flood-control';
import { type BatchClaim, retryStateExpiry } from '../dedup/store';
import type { TimeBudget } from '../delivery/sink';
import { recordCanary } from '../watch';
import { type AdmittedBatch, admit } from './admit';
import { decide } from './decide';
import { deliver } from './deliver';
import type { PipelineDeps, StepResult } from './deps';
import { diagnose } from './diagnose';
import { StoreHealth } from './store-health';

/**
 * One CloudWatch Logs subscription payload, end to end, one step per file of this folder:
 * admit (decode, keep authenticator streams) → claim the batch → diagnose (the engine, then live
 * context) → decide (flood control, fail-open) → deliver (every sink) → mark the batch recorded.
 *
 * Nothing here throws for bad input: a malformed payload or line is logged and counted. Failed
 * deliveries come back in the result; the handler fails the invocation after its bookkeeping.
 *
 * ## Exactly once, per batch and per message and sink
 *
 * A batch is the payload's stable identity (`batchId`: same events, same ID). Its state lives in
 * small items, never in one item holding the content (20 maximum-size lines would not fit in
 * DynamoDB's 400 KB), and every step is one single-item conditional write (no transactions: the
 * local DynamoDB the tests run against has none):
 *
 * - the **batch marker** `batch#<id>` (about 100 bytes, kept 2 days): `counting` → `recorded`;
 *   `counted`, the problems whose repeats the batch counted (22 bytes each); `alerted`, the alerts of
 *   windows it opened that have closed since (their message IDs, 42 bytes each); `decided`, once an
 *   attempt decided every problem and wrote its digest additions. The batch writes `counted` and
 *   `decided` (one write after deciding), a closing window `counted` and `alerted` (its hand-over).
 *   Both sets name only problems the batch met in an alert window, so they stay small: a capped window
 *   holds a slot of the cap window it opened or last rolled in and lasts one window, so a cluster has
 *   about 2 × `alertCap` of them at a time, plus its uncapped problems, whose keys hold no request text
 *   (a breakage per category, a critical one per principal of its own account, one probe activity):
 *   a few KB at most. Problems past the cap are never listed one by one: `decided` stands for them;
 * - the **counting marks** on the state counted into, each written in the same conditional update as
 *   its count: a window opened by the batch names it (`openedBy`), a window it added repeats to lists
 *   it (`counted`), a digest it added to holds it (`batches`). A window's list is trimmed, when it
 *   reaches 64, only of batches whose marker records the count (or is gone, past any retry), and each
 *   trim that drops one counts in the window's `trims`. A batch leaves a window's marks only once its
 *   marker holds them: trimmed after its own record, or handed over when the window closes;
 * - the **slot holders** on the cap items: each slot of a cluster's cap and of the account's ceiling
 *   names what it pays for, `alert#<problem>#<batch>` for an alert, so a retry asking for the slot its
 *   earlier attempt took is told it holds it (`held`) and takes none twice;
 * - the **delivery state** `message#<messageId>`: the sinks each message reached, written after each send.
 *
 * States of one attempt, and what a failure at each leaves behind:
 * 1. *claim* — conditional put of the marker, with the attempt's time (`claimedAt`: the cap window
 *    its digest additions go into). Fails (store down): nothing was written; the batch
 *    fails open (every alert marked "possibly a duplicate") and a retry counts it afresh — nothing
 *    was counted. Already there: this is a **retry**; `recorded` says whether the earlier attempt's
 *    delivery state is complete, `counted` and `alerted` what the marker held then.
 * 2. *count* — per distinct problem, one atomic step (above); a new capped problem takes its slots
 *    first (cluster, then account), then opens its window naming the batch. Every count is checked
 *    against two reads, in this order: the window (read ahead for the whole batch), then — unless the
 *    window names the batch — the marker (once per batch; again only after a later window read). The
 *    write is conditional on the window being the one read, and an append on its list not having been
 *    trimmed since: a mark this batch left on a window is in one of the two reads, whichever attempt of
 *    the batch left it (a retry's, or a duplicate delivery's running at the same time). Dies halfway: the
 *    retry re-decides every problem. Marker says counted → nothing to count, whatever became of the
 *    window since. Counted, not recorded → its window still lists the batch, or, closed since, handed
 *    the count over to the marker → nothing to count. Window opened (`openedBy`) → the same alert under
 *    the same message ID; closed since → the marker's `alerted` gives that ID (below). Marker says
 *    `decided` → nothing to count: a problem neither a window nor the marker names went into a digest.
 *    Slot taken, window not opened → the retry is told the slot is its own and opens the window with
 *    it, so the alert goes out even when that was the window's last slot. Not reached → counted now.
 *    The store failing halfway (throttling): the rest fail open, counted nowhere, so the retry counts
 *    them once.
 * 3. *record counts* — after the digest additions (one write per cap window, marked with the batch),
 *    one write to the marker: the problems counted (step 2), and `decided` if the digest additions
 *    are written, from then on known to the retry from the marker, so their windows may drop the batch.
 *    Fails: the windows keep it, and a retry in the same cap window finds its digest additions by their
 *    mark.
 * 4. *deliver* — per message and sink: skip if the delivery state says it went, else send, then
 *    record. Dies between a send and its record: the marker is still `counting`, so the retry sends
 *    every message without a record **with the "possibly a duplicate" note**: where state could not
 *    be written, the copy says so every time. A sink that answered with an error (Slack 500) was not
 *    reached: the retry sends it there, and nowhere else.
 *    Time short: no problem is decided, and no send started, with less than a reserve left
 *    (`DECIDE_RESERVE_MS`, `SEND_RESERVE_MS`): what was decided is delivered and recorded, the rest
 *    is left uncounted and the invocation fails so Lambda retries; the retry recognises the decided
 *    problems by their marks and decides the rest. Digest additions are written only by an attempt
 *    that decided every problem (their mark would refuse a second, partial write).
 * 5. *recorded* — when every send of the attempt has its record (and the store stayed up), the marker
 *    says `recorded`: a retry then sends no note, since a sink without a record was never reached.
 *
 * A window closes — its follow-up due (the sweep, or the next occurrence after it), quiet (forgotten),
 * or without a slot for its follow-up (forgotten, its repeats digested) — in two steps. *Hand-over*:
 * the batches it lists get the problem in their `counted`, the batch that opened it the alert in its
 * `alerted` (the markers read first, 100 at a time; one conditional write per marker that exists and
 * lacks it: usually the opener's alone). *Close*: the roll (the next window starts with no list and
 * no opener) or the deletion, conditional on the window as read. Dies after the hand-over: the marks
 * are in both places, and the next close hands over again (nothing to write) and closes.
 * A retry of the batch that opened a window closed since sends that window's alert, under its message
 * ID, to the sinks without a record of it, and counts nothing. Those occurrences are the alert's (a
 * window's repeats never include its opener's): counting them as repeats of the next window counted
 * them twice whenever the alert had gone out — the usual case, when another sink's failure is what
 * made Lambda retry — and sending nothing would lose the only message about a window that closed
 * quiet. When the attempt died before sending anywhere, the alert arrives late (after the follow-up,
 * if its window had repeats), once per sink; it is the window's alert, not a new one, and takes no slot.
 *
 * A retry thus neither double-counts (every count carries a mark that leaves the window only for the
 * batch's own marker, and is checked against both) nor double-sends (every send that was recorded is
 * skipped, every one that may not have been is labelled), and the slot it took is its own. Lambda
 * retries a failed event after about 1 and 2 minutes, and keeps a throttled one up to 6 hours; the
 * marker lives 2 days, a window more than a day past its end. The price: one marker read per batch
 * (another only after a refused write or a close), and per window close one batch read of its markers
 * and usually one write.
 * What is not covered:
 * - a window of the same problem opened and closed entirely between an attempt's reads and its write
 *   (another attempt of the batch opening or counting into it): it outlives the two reads' checks. A
 *   window closes only in an invocation started a window's length after the one that opened it, so
 *   this needs windows no longer than two function timeouts (2 minutes with the stack's 60 s; windows
 *   are `dedupWindowMinutes`, 60 by default) or clocks that disagree by about a window;
 * - problems past the cap of a duplicate delivery running at the same time as its original across the
 *   end of a cap window: the duplicate, in the next cap window, may read the original's digests before
 *   the original writes them, and count those problems again there. (A retry of an attempt that died
 *   between its digest write and its marker write is covered: its marker keeps the first claim's time,
 *   and a digest of that cap window, or of the two after it, holding the batch counts as `decided`.
 *   If that attempt died between its cluster's digest write and the account's, the account's share is
 *   counted nowhere: an undercount);
 * - a problem an attempt failed open on contention (alerted with the note, counted nowhere) before it
 *   wrote its digest additions: its retry, told `decided`, counts it nowhere either (an undercount);
 * - a slot taken just before the attempt died that the retry does not use — another batch opened the
 *   problem's window first, the account ceiling filled meanwhile, or the retry falls into the next cap
 *   window: it stays spent until its cap window ends; a follow-up's slot likewise (its repeats still
 *   go out, in a follow-up or the digest). The budget shrinks by one; nothing is sent twice or lost.
 */
export async function processSubscription(
  data: unknown,
  deps: PipelineDeps,
  budget: TimeBudget,
  functionArn?: string,
): Promise<StepResult> {
  const admitted = admit(data, deps.observability);
  if (!admitted) return { messages: [], failures: [] };
  const batch = withAccount(admitted, functionArn);
  // A canary (lambda/watch) is counted and never delivered.
  if (recordCanary(deps.selfWatch, batch.logStream, batch.cluster, batch.events))
    return { messages: [], failures: [] };
  const now = deps.now();
  const health = new StoreHealth();
  const claim = await claimBatch(batch, deps, health, now);
  const diagnosis = await diagnose(batch, deps);
  // A retry decides with what its marker records: the problems the batch counted, the alerts it sent,
  // when it was first claimed.
  const flood = new FloodControl(deps.store, deps.settings, claim?.kind === 'retry' ? claim : undefined);
  const { sends, deferred } = await decide(batch, diagnosis, flood, health, deps, now, budget);
  const unsure = claim?.kind === 'retry' && !claim.recorded;
  const { messages, failures, delivered, unrecorded } = await deliver(sends, deps, budget, health, unsure);
  if (
    claim &&
    unrecorded === 0 &&
    health.downBecause === undefined &&
    !(claim.kind === 'retry' && claim.recorded)
  ) {
    await deps.store.markBatchRecorded(batch.cluster, batch.batchId).catch((error: unknown) =>
      deps.observability.warn('batch marker not updated', {
        cluster: batch.cluster,
        error: errorName(error),
      }),
    );
  }
  // Follow-ups closed here are out: the sweep need not look at their windows again. Best effort: if
  // this fails, the sweep finds the entry, sees the follow-up delivered, and removes it then.
  for (const { settles } of delivered) {
    if (settles) await flood.done(settles).catch(() => undefined);
  }
  return { messages, failures, deferred };
}

/**
 * The cluster's account when the payload's `owner` is missing or not an account: the function's own.
 * A subscription filter delivers to "a Lambda function that belongs to the same account as the
 * subscription filter, for same-account delivery" (CloudWatch Logs API Reference, PutSubscriptionFilter),
 * so the function's account is the log group's, and so the cluster's.
 */
function withAccount(batch: AdmittedBatch, functionArn: string | undefined): AdmittedBatch {
  if (batch.owner !== undefined) return batch;
  const account = FUNCTION_ARN.exec(functionArn ?? '')?.[1];
  return account === undefined ? batch : { ...batch, owner: account };
}

/** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`. */
const FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]+:(\d{12}):/;

/** The batch marker, claimed or found; `undefined` when the store cannot say, which marks it down. */
async function claimBatch(
  batch: AdmittedBatch,
  deps: PipelineDeps,
  health: StoreHealth,
  now: number,
): Promise<BatchClaim | undefined> {
  try {
    return await deps.store.claimBatch(batch.cluster, batch.batchId, retryStateExpiry(now), now);
  } catch (error) {
    health.fail(error);
    return undefined;
  }
}
