import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsObservability } from '../../../lambda/observability/observability';

/** Everything Powertools writes to stdout during the test, one JSON object per line. */
let written: string[] = [];
beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function lines(): Record<string, unknown>[] {
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function emf(): Record<string, unknown>[] {
  return lines().filter((line) => '_aws' in line);
}

function observability() {
  return new PowertoolsObservability(
    new Logger({ serviceName: 'eks-auth-doctor' }),
    new Metrics({ namespace: 'EksAuthDoctor', serviceName: 'eks-auth-doctor' }),
  );
}

describe('finding log entries', () => {
  it('writes one JSON entry per finding with exactly the keys the dashboard queries read', () => {
    // Prepare
    const o = observability();

    // Act
    o.finding({
      cluster: 'prod',
      category: 'IDENTITY_NOT_MAPPED',
      subCause: 'NOT_IN_AWS_AUTH',
      severity: 'high',
      principalArn: 'arn:aws:iam::111122223333:role/developer',
      accountId: '111122223333',
      count: 412,
      outcome: 'suppressed',
    });

    // Assess
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'finding',
        service: 'eks-auth-doctor',
        cluster: 'prod',
        category: 'IDENTITY_NOT_MAPPED',
        subCause: 'NOT_IN_AWS_AUTH',
        severity: 'high',
        principalArn: 'arn:aws:iam::111122223333:role/developer',
        accountId: '111122223333',
        count: 412,
        outcome: 'suppressed',
      }),
    ]);
  });
});

describe('EMF metrics', () => {
  it('emits one Denials entry per cluster and category for the whole invocation, summed', () => {
    // Prepare
    const o = observability();

    // Act
    o.denials('prod', 'TOKEN_EXPIRED', 3000);
    o.denials('prod', 'TOKEN_EXPIRED', 7000);
    o.denials('prod', 'IDENTITY_NOT_MAPPED', 5);
    o.flush();

    // Assess
    const denials = emf().filter((entry) => 'Denials' in entry);
    expect(denials).toHaveLength(2);
    expect(denials).toContainEqual(
      expect.objectContaining({
        Denials: 10_000,
        Cluster: 'prod',
        Category: 'TOKEN_EXPIRED',
        service: 'eks-auth-doctor',
      }),
    );
    expect(denials).toContainEqual(expect.objectContaining({ Denials: 5, Category: 'IDENTITY_NOT_MAPPED' }));
    const aws = denials[0]?._aws as
      | { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }
      | undefined;
    const directive = aws?.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('EksAuthDoctor');
    expect(directive?.Dimensions[0]?.sort()).toEqual(['Category', 'Cluster', 'service']);
  });

  it('emits AlertsSent and AlertsSuppressed by cluster, DeliveryFailures by sink, MalformedRecords by service only', () => {
    // Prepare
    const o = observability();

    // Act
    o.alertsSent('prod', 2);
    o.alertsSuppressed('prod', 9);
    o.deliveryFailure('slack', 'HTTP 500');
    o.malformed(4, 'lines that hold no authenticator record');
    o.flush();

    // Assess
    const entries = emf();
    expect(entries).toContainEqual(expect.objectContaining({ AlertsSent: 2, Cluster: 'prod' }));
    expect(entries).toContainEqual(expect.objectContaining({ AlertsSuppressed: 9, Cluster: 'prod' }));
    expect(entries).toContainEqual(expect.objectContaining({ DeliveryFailures: 1, Sink: 'slack' }));
    const malformed = entries.find((entry) => 'MalformedRecords' in entry);
    expect(malformed).toMatchObject({ MalformedRecords: 4, service: 'eks-auth-doctor' });
    expect(malformed).not.toHaveProperty('Cluster');
  });

  it('starts every invocation from zero', () => {
    // Prepare
    const o = observability();
    o.denials('prod', 'TOKEN_EXPIRED', 3);
    o.flush();
    written = [];

    // Act
    o.flush();

    // Assess
    expect(emf()).toEqual([]);
  });
});
