import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/contract';
import { PowertoolsCanaryCounter } from '../../lambda/watch';
import { ONCALL } from './fixtures';
import { configured, synthesise } from './synth';

afterEach(() => {
  vi.restoreAllMocks();
});

interface EmfMetadata {
  readonly CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
}

/** The EMF entries Powertools writes to stdout while `act` runs. */
function emfWrittenBy(act: () => void): Record<string, unknown>[] {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  act();
  vi.restoreAllMocks();
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the canary alarm', () => {
  it('watches exactly the metric and dimension set the function emits for a canary, so it can ever be OK', () => {
    // Prepare: what the deployed function writes when it recognises one canary of prod-eks.
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
    const [entry = {}] = emfWrittenBy(() => new PowertoolsCanaryCounter(metrics).canarySeen('prod-eks', 1));
    const [directive] = (entry._aws as EmfMetadata).CloudWatchMetrics;
    const emitted = Object.fromEntries(
      (directive?.Dimensions[0] ?? []).map((name) => [name, String(entry[name])]),
    );

    // Act
    const { template } = synthesise(
      configured({ clusters: ['prod-eks'], alertEmails: ONCALL, canary: true }),
    );
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (resource) => resource.Properties.MetricName === directive?.Metrics[0]?.Name,
    );

    // Assess
    expect(alarms).toHaveLength(1);
    expect(directive?.Namespace).toBe(alarms[0]?.Properties.Namespace);
    const dimensions: { Name: string; Value: string }[] = alarms[0]?.Properties.Dimensions ?? [];
    const watched = Object.fromEntries(dimensions.map((d) => [d.Name, d.Value]));
    expect(watched).toEqual(emitted);
    expect(watched).toEqual({ service: SERVICE_NAME, Cluster: 'prod-eks' });
  });
});
