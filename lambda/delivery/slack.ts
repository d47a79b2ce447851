import { hasErrorName } from '../common/error-names';
import { renderSlack } from '../engine/render';
import type { Notification } from '../engine/types';
import { DeliveryError, type Sink, type TimeBudget } from './sink';

export interface SlackSinkOptions {
  /** Per request; Slack answers in well under a second when it is healthy. */
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** First back-off after a 5xx or network error, doubled each time, with full jitter. */
  readonly baseDelayMs?: number;
  /** Time kept in reserve to record the outcome before Lambda's deadline. */
  readonly reserveMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const DEFAULTS = {
  timeoutMs: 10_000,
  maxAttempts: 5,
  baseDelayMs: 500,
  reserveMs: 2_000,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
} satisfies Required<SlackSinkOptions>;

/**
 * Posts Block Kit messages to a Slack incoming webhook with `fetch`.
 *
 * - 2xx: done. 429: waits `Retry-After` (Slack's rate limit is about one message per second per
 *   webhook) and tries again. 5xx, timeouts and network errors: exponential back-off with full jitter.
 *   Other 4xx (`invalid_payload`, `no_service` for a revoked webhook): no retry, they will not heal.
 * - Every wait and every request fits in the invocation's remaining time; when the next one would not,
 *   the sink gives up and the invocation fails, so Lambda retries the event later.
 * - The webhook URL is a credential and appears in no error message.
 */
export class SlackSink implements Sink {
  readonly kind = 'slack';
  readonly id = 'slack';
  private readonly options: Required<SlackSinkOptions>;

  constructor(
    private readonly webhookUrl: () => Promise<string>,
    options: SlackSinkOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async send(n: Notification, budget: TimeBudget): Promise<void> {
    const url = await this.webhookUrl().catch((error: unknown) => {
      throw new DeliveryError(`Slack: ${(error as Error).message}`, { cause: error });
    });
    const body = JSON.stringify(renderSlack(n));
    const { maxAttempts, timeoutMs, reserveMs } = this.options;
    let last = 'no attempt was made';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const remaining = budget.remainingMs() - reserveMs;
      if (remaining <= 0) break;
      const outcome = await this.post(url, body, Math.min(timeoutMs, remaining));
      if (outcome.ok) return;
      last = outcome.reason;
      if (outcome.retry === 'never' || attempt === maxAttempts) break;
      const wait = outcome.retry === 'backoff' ? this.backoff(attempt) : outcome.retry;
      if (wait >= budget.remainingMs() - reserveMs) {
        last = `${last}; the next try would not fit in the time left`;
        break;
      }
      await this.options.sleep(wait);
    }
    throw new DeliveryError(`Slack webhook gave up: ${last}`);
  }

  /** One POST; says whether and after how long to try again. */
  private async post(
    url: string,
    body: string,
    timeoutMs: number,
  ): Promise<{ ok: true } | { ok: false; reason: string; retry: number | 'backoff' | 'never' }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { ok: false, reason: networkReason(error, timeoutMs), retry: 'backoff' };
    }
    // Slack's answer is a short word (`ok`, `invalid_payload`, `no_service`); read it to free the socket.
    const answer = (await response.text().catch(() => '')).slice(0, 100).replace(/[^\x20-\x7e]/g, '');
    if (response.ok) return { ok: true };
    const reason = `HTTP ${response.status}${answer ? ` ${answer}` : ''}`;
    if (response.status === 429)
      return { ok: false, reason, retry: retryAfterMs(response.headers.get('retry-after')) };
    if (response.status >= 500) return { ok: false, reason, retry: 'backoff' };
    return { ok: false, reason, retry: 'never' };
  }

  /** Full jitter: a random wait up to base × 2^(attempt-1), so concurrent invocations do not retry in lockstep. */
  private backoff(attempt: number): number {
    const ceiling = this.options.baseDelayMs * 2 ** Math.min(attempt - 1, 6);
    return Math.round(this.options.random() * ceiling);
  }
}

/** `Retry-After` in seconds (what Slack sends) or as an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1_000 : Math.max(0, date - now);
}

/** Why a request failed, without the URL (undici puts it in some messages). */
function networkReason(error: unknown, timeoutMs: number): string {
  if (hasErrorName(error, 'TimeoutError', 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  // The cause names the socket problem (`ECONNREFUSED`, `ENOTFOUND`, …); its message may hold the
  // host and port, never the path, which is where a webhook's secret is.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code =
    typeof cause?.code === 'string'
      ? cause.code
      : typeof cause?.message === 'string'
        ? cause.message.slice(0, 100)
        : (error as Error).name;
  return `network error (${code})`;
}
