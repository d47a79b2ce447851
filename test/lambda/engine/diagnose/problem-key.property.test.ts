import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../../lambda/engine/classify/classify';
import { errorShape, problemKey, trustOf } from '../../../../lambda/engine/diagnose/problem-key';
import type { AuthenticatorRecord } from '../../../../lambda/engine/types';
import { DENIAL_FIXTURES } from '../fixtures/denial-errors';

/** Request-specific text an anonymous client (or STS, per request) puts into a denial. */
const noise = fc.record({
  requestId: fc.oneof(
    fc.uuid(),
    fc.stringMatching(/^[A-Za-z0-9-]{20,52}$/),
    fc.stringMatching(/^[0-9A-F]{16,40}$/),
  ),
  host: fc.oneof(
    fc.domain(),
    fc.stringMatching(/^[a-z0-9]{1,20}\.sts\.amazonaws\.com$/),
    fc.stringMatching(/^[a-zA-Z0-9+/]{16,40}={0,2}$/),
  ),
  digits: fc.stringMatching(/^[1-9][0-9]{0,9}$/),
  port: fc.integer({ min: 1024, max: 65535 }),
  time: fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }),
});

type Noise = typeof noise extends fc.Arbitrary<infer T> ? T : never;

/** The fixture's error with every request-specific run replaced by this noise. */
function withNoise(error: string, n: Noise): string {
  return error
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, n.requestId)
    .replace(/"([a-z0-9-]+\.)+[a-z]{2,}"/gi, JSON.stringify(n.host))
    .replace(/(X-Amz-Expires=|X-Amz-Date=|expires=|date=)[^\s&"]*/gi, `$1${n.digits}`);
}

function denial(error: string, n: Noise, arn?: string): AuthenticatorRecord {
  const fields: Record<string, string> = { error, client: `127.0.0.1:${n.port}` };
  if (arn) fields.arn = arn;
  return { msg: 'access denied', level: 'warning', time: n.time.toISOString(), fields };
}

describe('problem keys', () => {
  it('are the same for any two denials that differ only in request IDs, hosts, digits, ports and times', () => {
    for (const fixture of DENIAL_FIXTURES) {
      fc.assert(
        fc.property(noise, noise, (a, b) => {
          // Prepare
          const first = classify(denial(withNoise(fixture.error, a), a, fixture.arn));
          const second = classify(denial(withNoise(fixture.error, b), b, fixture.arn));

          // Act / Assess
          expect(second.category).toBe(first.category);
          expect(problemKey('prod', second)).toBe(problemKey('prod', first));
        }),
        { numRuns: 25 },
      );
    }
  });

  it('hold no text of the line for a probe: the key is the category and its error shape', () => {
    fc.assert(
      fc.property(noise, fc.string({ maxLength: 200 }), (n, sent) => {
        // Prepare: whatever the client wrote into the hostname
        const error = `input token was not properly formatted: unexpected hostname ${JSON.stringify(sent)} in pre-signed URL`;

        // Act
        const finding = classify(denial(error, n));

        // Assess
        expect(trustOf(finding)).toBe('probe');
        expect(problemKey('prod', finding)).toBe(`prod|${finding.category}|-|probe`);
      }),
      { numRuns: 200 },
    );
  });

  it('give the 30-line InvalidClientTokenId storm of issue 11 one key', () => {
    // Prepare: STS echoes a fresh RequestId, letters and digits, on every line
    const keys = new Set(
      Array.from({ length: 30 }, (_, i) => {
        const requestId = `${i.toString(36)}f${'abcdef'.slice(i % 6)}-4e1b-9c2d-${(1e11 + i * 7919).toString(16)}`;
        const error = `sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: {"Error":{"Code":"InvalidClientTokenId","Message":"The security token included in the request is invalid.","Type":"Sender"},"RequestId":"${requestId}"}`;
        return problemKey(
          'prod',
          classify(denial(error, { requestId, host: '', digits: '1', port: 40000 + i, time: new Date() })),
        );
      }),
    );

    // Assess
    expect([...keys]).toEqual(['prod|STS_INVALID_CLIENT_TOKEN|-|probe']);
  });

  it('keep an authenticated principal in the key: two roles are two problems', () => {
    // Prepare
    const n = { requestId: '', host: '', digits: '1', port: 40000, time: new Date() };
    const role = (name: string) =>
      classify(denial('identity is not mapped', n, `arn:aws:iam::111122223333:role/${name}`));

    // Assess
    expect(problemKey('prod', role('dev'))).not.toBe(problemKey('prod', role('ops')));
    expect(trustOf(role('dev'))).toBe('identity');
  });
});

describe('error shapes', () => {
  it('fold request IDs, quoted values, hosts, times and token-like runs', () => {
    // Act
    const shape = errorShape(
      'unexpected hostname "a1.evil.example:8443" at 2026-11-24T14:02:00Z RequestId a9068247-f1ab-47ef-b1b1-cda46a27be0e X-Amz-Credential=AKIAABCDEFGHIJKLMNOP token k8s-aws-v1.aHR0cHM6Ly9zdHM',
    );

    // Assess
    expect(shape).toBe('unexpected hostname "…" at <time> RequestId <id> X-Amz-Credential=… token <host>');
  });

  it('are the same for any two texts that differ only in such noise', () => {
    fc.assert(
      fc.property(noise, noise, (a, b) => {
        const text = (n: Noise) =>
          `InvalidClientTokenId RequestId=${n.requestId} host ${JSON.stringify(n.host)} port ${n.port} at ${n.time.toISOString()}`;
        expect(errorShape(text(a))).toBe(errorShape(text(b)));
      }),
      { numRuns: 300 },
    );
  });
});
