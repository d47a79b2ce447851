import { describe, expect, it } from 'vitest';
import { RecordingObservability } from '../../../lambda/observability/observability';
import { admit } from '../../../lambda/pipeline/admit';
import { encodeSubscriptionData, subscriptionPayload } from '../../../lambda/subscription/encode';
import { notMappedLine, T0 } from '../../helpers/fixtures';

const GROUP = '/aws/eks/prod/cluster';
const STREAM = 'authenticator-0123456789abcdef';

function data(logGroup: string, logStream: string, logEvents: unknown[]): string {
  return encodeSubscriptionData(subscriptionPayload(logGroup, logStream, logEvents as never));
}

const event = (id: string, at = T0) => ({ id, timestamp: at, message: notMappedLine('developer', at, 1) });

describe('admitting a subscription payload', () => {
  it("keeps an authenticator stream's events, under the cluster its log group names", () => {
    // Prepare
    const observability = new RecordingObservability();

    // Act
    const batch = admit(data(GROUP, STREAM, [event('1'), event('2')]), observability);

    // Assess
    expect(batch).toMatchObject({ cluster: 'prod', logStream: STREAM, events: [{ id: '1' }, { id: '2' }] });
    expect(observability.totals.malformed).toBe(0);
  });

  it('gives the same events the same batch ID, and other events another', () => {
    // Prepare
    const observability = new RecordingObservability();

    // Act
    const first = admit(data(GROUP, STREAM, [event('1'), event('2')]), observability);
    const retry = admit(data(GROUP, STREAM, [event('1'), event('2')]), observability);
    const next = admit(data(GROUP, STREAM, [event('3'), event('4')]), observability);

    // Assess
    expect(first?.batchId).toMatch(/^[\w-]{22}$/);
    expect(retry?.batchId).toBe(first?.batchId);
    expect(next?.batchId).not.toBe(first?.batchId);
  });

  it('drops and counts events without an id, timestamp or message, and keeps the rest', () => {
    // Prepare
    const observability = new RecordingObservability();

    // Act
    const batch = admit(
      data(GROUP, STREAM, [event('1'), { id: '2', message: 'no timestamp' }]),
      observability,
    );

    // Assess
    expect(batch?.events.map((e) => e.id)).toEqual(['1']);
    expect(observability.malformedReasons).toEqual([
      'log events without id, timestamp (whole epoch ms a Date can hold) or message',
    ]);
  });

  it('counts a payload from a log group that is not an EKS cluster group as malformed', () => {
    // Prepare
    const observability = new RecordingObservability();

    // Act
    const batch = admit(data('/aws/lambda/something', STREAM, [event('1')]), observability);

    // Assess
    expect(batch).toBeUndefined();
    expect(observability.totals.malformed).toBe(1);
  });

  it('lets nothing through from other streams of the group, without counting them as malformed', () => {
    // Prepare
    const observability = new RecordingObservability();

    // Act
    const batch = admit(data(GROUP, 'kube-apiserver-audit-0123', [event('1')]), observability);

    // Assess
    expect(batch).toBeUndefined();
    expect(observability.totals.malformed).toBe(0);
  });
});
