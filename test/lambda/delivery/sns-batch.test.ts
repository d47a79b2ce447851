import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNLIMITED_BUDGET } from '../../../lambda/delivery/sink';
import { SnsSink, snsPublisher } from '../../../lambda/delivery/sns';
import { classify } from '../../../lambda/engine/classify/classify';
import { problemNotification } from '../../../lambda/engine/diagnose/alert';
import type { Notification } from '../../../lambda/engine/types';
import { FakeAws } from '../../helpers/fake-aws';
import { notMappedLine, T0 } from '../../helpers/fixtures';
import { parsedLine } from '../engine/fixtures/parsed-line';

// The SNS sink's PublishBatch against the local SNS of FakeAws (real SDK, real HTTP).

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor';
const fake = new FakeAws();
beforeAll(async () => {
  await fake.start();
  fake.topic(TOPIC);
});
afterAll(() => fake.stop());

function sink(): SnsSink {
  const client = new SNSClient({
    endpoint: fake.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return new SnsSink(snsPublisher(client), TOPIC);
}

function alertFor(role: string): Notification {
  const finding = classify(parsedLine(notMappedLine(role, T0, 1)), { cluster: { clusterName: 'prod' } });
  return problemNotification('alert', {
    key: `prod|${role}`,
    finding,
    context: { cluster: { clusterName: 'prod' } },
    occurrences: { count: 1, firstSeen: T0, lastSeen: T0 },
  });
}

describe('the SNS sink with PublishBatch', () => {
  it('publishes 23 messages in calls of at most 10 entries, each message once', async () => {
    // Prepare
    const alerts = Array.from({ length: 23 }, (_, i) => alertFor(`role-${i}`));
    const calls = fake.calls('sns:PublishBatch').length;
    const published = fake.published.length;

    // Act
    const outcomes = await sink().sendMany(alerts, UNLIMITED_BUDGET);

    // Assess
    expect(outcomes.every((outcome) => outcome === undefined)).toBe(true);
    const sizes = fake
      .calls('sns:PublishBatch')
      .slice(calls)
      .map((call) => Object.keys(call.params).filter((key) => key.endsWith('.Id')).length);
    expect(sizes).toEqual([10, 10, 3]);
    const roles = fake.published.slice(published).map((m) => /role\/(role-\d+)/.exec(m.message)?.[1]);
    expect(new Set(roles).size).toBe(23);
  });

  it('gives up on an entry SNS keeps failing after 3 tries, and on none of the others', async () => {
    // Prepare
    fake.failBatchEntries((entry) => entry.message.includes('role/stubborn'), { times: 3 });
    const alerts = [alertFor('fine'), alertFor('stubborn')];

    // Act
    const outcomes = await sink().sendMany(alerts, UNLIMITED_BUDGET);

    // Assess
    expect(outcomes[0]).toBeUndefined();
    expect(outcomes[1]?.message).toMatch(/failed for one message \(InternalError\)/);
  });

  it("does not retry an entry SNS refused as the sender's fault", async () => {
    // Prepare
    fake.failBatchEntries((entry) => entry.message.includes('role/refused'), {
      code: 'InvalidParameter',
      senderFault: true,
      times: 1,
    });
    const calls = fake.calls('sns:PublishBatch').length;

    // Act
    const outcomes = await sink().sendMany([alertFor('refused'), alertFor('other')], UNLIMITED_BUDGET);

    // Assess
    expect(fake.calls('sns:PublishBatch').length - calls).toBe(1);
    expect(outcomes[0]?.message).toMatch(/InvalidParameter/);
    expect(outcomes[1]).toBeUndefined();
  });
});
