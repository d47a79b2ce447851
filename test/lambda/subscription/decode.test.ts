import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSubscriptionData, isLogEvent } from '../../../lambda/subscription/decode';
import {
  encodeSubscriptionData,
  PayloadBatcher,
  subscriptionPayload,
} from '../../../lambda/subscription/encode';
import { clusterNameOf, isAuthenticatorStream } from '../../../lambda/subscription/log-source';

const gz = (text: string) => gzipSync(text).toString('base64');

describe('decoding awslogs.data', () => {
  it('returns the batch CloudWatch Logs encoded (base64 → gzip → JSON)', () => {
    // Prepare
    const payload = subscriptionPayload('/aws/eks/prod/cluster', 'authenticator-abc', [
      { id: '1', timestamp: 1, message: 'time="…" msg="access denied"' },
    ]);

    // Act
    const result = decodeSubscriptionData(encodeSubscriptionData(payload));

    // Assess
    expect(result).toEqual({ ok: true, data: payload });
  });

  it('returns every message exactly as encoded, plain ASCII or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), {
          minLength: 1,
          maxLength: 8,
        }),
        (messages) => {
          // Prepare
          const events = messages.map((message, i) => ({ id: String(i), timestamp: i, message }));
          const payload = subscriptionPayload('/aws/eks/prod/cluster', 'authenticator-abc', events);

          // Act
          const result = decodeSubscriptionData(encodeSubscriptionData(payload));

          // Assess
          expect(result).toEqual({ ok: true, data: payload });
        },
      ),
    );
  });

  const malformed: [string, unknown, RegExp][] = [
    ['no data', undefined, /missing/],
    ['an empty string', '', /missing/],
    ['text that is not base64', 'this is not base64!', /not base64/],
    ['base64 of plain text', Buffer.from('hello world, not gzip').toString('base64'), /not complete gzip/],
    [
      'truncated gzip',
      gzipSync(JSON.stringify({ a: 'b'.repeat(500) }))
        .subarray(0, 30)
        .toString('base64'),
      /not complete gzip/,
    ],
    ['gzip of text that is not JSON', gz('not json'), /does not hold JSON/],
    ['a JSON array', gz('[]'), /not a JSON object/],
    [
      'an unknown message type',
      gz('{"messageType":"OTHER","logGroup":"g","logStream":"s","logEvents":[]}'),
      /messageType/,
    ],
    [
      'events that are not a list',
      gz('{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":{}}'),
      /logEvents/,
    ],
    ['a missing log group', gz('{"messageType":"DATA_MESSAGE","logStream":"s","logEvents":[]}'), /logGroup/],
  ];

  it.each(malformed)('reports %s as a reason instead of throwing', (_name, data, reason) => {
    // Act
    const result = decodeSubscriptionData(data);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.anything()), (data) => {
        expect(() => decodeSubscriptionData(data)).not.toThrow();
      }),
    );
  });

  it('accepts only events with a string id and message and a numeric timestamp', () => {
    // Assess
    expect(isLogEvent({ id: '1', timestamp: 5, message: 'x' })).toBe(true);
    expect(isLogEvent({ id: 1, timestamp: 5, message: 'x' })).toBe(false);
    expect(isLogEvent({ id: '1', timestamp: '5', message: 'x' })).toBe(false);
    expect(isLogEvent({ id: '1', timestamp: 5 })).toBe(false);
    expect(isLogEvent(null)).toBe(false);
  });
});

describe('where a payload comes from', () => {
  it('takes the cluster name from the EKS log group name', () => {
    // Assess
    expect(clusterNameOf('/aws/eks/prod-eu_1/cluster')).toBe('prod-eu_1');
    expect(clusterNameOf('/aws/lambda/prod')).toBeUndefined();
    expect(clusterNameOf('/aws/eks/../cluster')).toBeUndefined();
  });

  it('keeps only the authenticator streams', () => {
    // Assess
    expect(isAuthenticatorStream('authenticator-0123456789abcdef')).toBe(true);
    expect(isAuthenticatorStream('authenticator-selftest-2026')).toBe(true);
    expect(isAuthenticatorStream('kube-apiserver-audit-0123')).toBe(false);
    expect(isAuthenticatorStream('kube-apiserver-0123')).toBe(false);
  });
});

describe('batching like CloudWatch Logs', () => {
  it('closes a payload before it passes 1 MB of JSON', () => {
    // Prepare
    const batcher = new PayloadBatcher();
    const batches: number[] = [];

    // Act
    for (let i = 0; i < 10_000; i++) {
      const full = batcher.add({ id: String(i), timestamp: i, message: 'x'.repeat(300) });
      if (full)
        batches.push(Buffer.byteLength(JSON.stringify(subscriptionPayload('/aws/eks/p/cluster', 's', full))));
    }
    const rest = batcher.flush();

    // Assess
    expect(batches.length).toBeGreaterThan(1);
    for (const bytes of batches) expect(bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(rest.length).toBeGreaterThan(0);
  });
});
