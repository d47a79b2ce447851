import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../lambda/delivery/sink';
import { retryAfterMs, SlackSink, type SlackSinkOptions } from '../../../lambda/delivery/slack';
import type { Notification } from '../../../lambda/engine/types';
import { rejection } from '../../helpers/rejection';
import { WebhookServer } from '../../helpers/webhook-server';

const server = new WebhookServer();
beforeAll(() => server.start());
afterAll(() => server.stop());

const alert: Notification = {
  kind: 'alert',
  cluster: { clusterName: 'prod' },
  count: 1,
  problemKey: 'prod|TOKEN_NOT_AWS|-|error:1',
  notes: [],
};

const plenty = { remainingMs: () => 600_000 };

/** Records the waits the sink asks for instead of waiting. */
function sinkWith(options: SlackSinkOptions = {}) {
  const waits: number[] = [];
  const sink = new SlackSink(async () => server.url, {
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { sink, waits };
}

beforeEach(() => server.script());

describe('posting to a Slack incoming webhook', () => {
  it('posts the Block Kit message as JSON, with unfurling off', async () => {
    // Prepare
    const { sink } = sinkWith();

    // Act
    await sink.send(alert, plenty);

    // Assess
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.path).toBe('/services/T000/B000/secret-token');
    expect(server.received[0]?.contentType).toMatch(/^application\/json/);
    const body = JSON.parse(server.received[0]?.body ?? '{}');
    expect(body).toMatchObject({ unfurl_links: false, unfurl_media: false });
    expect(typeof body.text).toBe('string');
    expect(Array.isArray(body.blocks)).toBe(true);
  });
});

describe('rate limits', () => {
  it('waits as long as Retry-After says after a 429, then posts again', async () => {
    // Prepare
    server.script(
      { status: 429, headers: { 'retry-after': '3' }, body: 'rate_limited' },
      { status: 200, body: 'ok' },
    );
    const { sink, waits } = sinkWith();

    // Act
    await sink.send(alert, plenty);

    // Assess
    expect(server.received).toHaveLength(2);
    expect(waits).toEqual([3000]);
  });

  it('gives up when the Retry-After wait does not fit in the time left', async () => {
    // Prepare
    server.script({ status: 429, headers: { 'retry-after': '30' } });
    const { sink, waits } = sinkWith();

    // Act
    const send = sink.send(alert, { remainingMs: () => 20_000 });

    // Assess
    await expect(send).rejects.toThrow(/HTTP 429.*would not fit/);
    expect(waits).toEqual([]);
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    // Assess
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs('Wed, 25 Nov 2026 00:00:10 GMT', Date.parse('2026-11-25T00:00:00Z'))).toBe(10_000);
  });
});

describe('server errors', () => {
  it('retries a 5xx with growing, jittered back-off, then succeeds', async () => {
    // Prepare
    server.script({ status: 500 }, { status: 503 }, { status: 200, body: 'ok' });
    const { sink, waits } = sinkWith({ baseDelayMs: 400 });

    // Act
    await sink.send(alert, plenty);

    // Assess: full jitter with random() = 0.5 is half of 400 × 2^n
    expect(server.received).toHaveLength(3);
    expect(waits).toEqual([200, 400]);
  });

  it('gives up after its attempts and says what Slack answered', async () => {
    // Prepare
    server.script(...Array.from({ length: 5 }, () => ({ status: 502, body: 'bad gateway' })));
    const { sink } = sinkWith({ maxAttempts: 5 });

    // Act
    const send = sink.send(alert, plenty);

    // Assess
    await expect(send).rejects.toThrow(DeliveryError);
    await expect(send).rejects.toThrow('HTTP 502 bad gateway');
    expect(server.received).toHaveLength(5);
  });

  it('does not retry a 4xx that will not heal (a revoked webhook)', async () => {
    // Prepare
    server.script({ status: 404, body: 'no_service' });
    const { sink, waits } = sinkWith();

    // Act
    const send = sink.send(alert, plenty);

    // Assess
    await expect(send).rejects.toThrow('HTTP 404 no_service');
    expect(server.received).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});

describe('a webhook that hangs', () => {
  it('abandons a request after the timeout and retries', async () => {
    // Prepare
    server.script('hang', { status: 200, body: 'ok' });
    const { sink } = sinkWith({ timeoutMs: 200 });

    // Act
    await sink.send(alert, plenty);

    // Assess
    expect(server.received).toHaveLength(2);
  });

  it('stops when the invocation has no time left, and never names the webhook URL', async () => {
    // Prepare
    server.script('hang', 'hang', 'hang');
    let left = 2_600;
    const { sink } = sinkWith({
      timeoutMs: 200,
      sleep: async () => {
        left -= 500;
      },
    });

    // Act
    const send = sink.send(alert, { remainingMs: () => left });

    // Assess
    const error = await rejection(send);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.message).toMatch(/no answer within \d+ ms/);
    expect(error.message).not.toContain('secret-token');
    expect(error.message).not.toContain('127.0.0.1');
  });
});

describe('a webhook that cannot be reached', () => {
  it('reports a network error without the URL', async () => {
    // Prepare: a port that was just free, so nothing listens on it
    const closed = new WebhookServer();
    await closed.start();
    await closed.stop();
    const sink = new SlackSink(async () => closed.url, {
      maxAttempts: 2,
      sleep: async () => undefined,
    });

    // Act
    const error = await rejection(sink.send(alert, plenty));

    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.message).toContain('network error (ECONNREFUSED)');
    expect(error.message).not.toContain('secret-token');
  });
});
