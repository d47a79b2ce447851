import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../lambda/delivery/sink';
import { SnsSink, snsPublisher, snsPublishInput, snsSubject } from '../../../lambda/delivery/sns';
import { classify } from '../../../lambda/engine/classify/classify';
import { problemNotification } from '../../../lambda/engine/diagnose/alert';
import { renderChatbot, renderText } from '../../../lambda/engine/render';
import type { Notification } from '../../../lambda/engine/types';
import { digestNotification } from '../../../lambda/pipeline/messages';
import { notMappedLine, rejectedHostLine, T0 } from '../../helpers/fixtures';
import { parsedLine } from '../engine/fixtures/parsed-line';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor';
const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

function alertFor(line: string): Notification {
  const finding = classify(parsedLine(line), { cluster: { clusterName: 'prod' } });
  return problemNotification('alert', {
    key: 'prod|key',
    finding,
    context: { cluster: { clusterName: 'prod' } },
    occurrences: { count: 3, firstSeen: T0, lastSeen: T0 + 5 },
  });
}

describe('the SNS message', () => {
  it('carries plain text for e-mail and the AWS Chatbot JSON for HTTPS in one per-protocol message', () => {
    // Prepare
    const alert = alertFor(notMappedLine('developer', T0, 1));

    // Act
    const input = snsPublishInput(TOPIC, alert);

    // Assess
    expect(input.MessageStructure).toBe('json');
    const message = JSON.parse(input.Message ?? '{}');
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'https']);
    expect(message.email).toBe(renderText(alert));
    expect(message.default).toBe(message.email);
    expect(JSON.parse(message.https)).toEqual(renderChatbot(alert));
    expect(JSON.parse(message.https).metadata.threadId).toMatch(/^eks-auth-doctor-[0-9a-f]{32}$/);
  });

  it('sets the category, cluster and severity attributes subscribers filter on', () => {
    // Prepare
    const alert = alertFor(notMappedLine('developer', T0, 1));

    // Act
    const input = snsPublishInput(TOPIC, alert);

    // Assess
    expect(input.MessageAttributes).toEqual({
      category: { DataType: 'String', StringValue: 'IDENTITY_NOT_MAPPED' },
      cluster: { DataType: 'String', StringValue: 'prod' },
      severity: { DataType: 'String', StringValue: 'high' },
      kind: { DataType: 'String', StringValue: 'alert' },
    });
  });

  it('files a digest under its largest category', () => {
    // Prepare
    const digest = digestNotification(
      { clusterName: 'prod' },
      {
        count: 9,
        principals: 4,
        categories: { TOKEN_EXPIRED: 2, IDENTITY_NOT_MAPPED: 7 },
        firstSeen: T0,
        lastSeen: T0,
      },
    );

    // Act
    const input = snsPublishInput(TOPIC, digest);

    // Assess
    expect(input.MessageAttributes?.category?.StringValue).toBe('IDENTITY_NOT_MAPPED');
    expect(input.MessageAttributes?.kind?.StringValue).toBe('digest');
  });

  it('keeps the subject printable ASCII, on one line and under 100 characters, even for a forged host', () => {
    // Prepare
    const alert = alertFor(
      rejectedHostLine(`sts.amazonaws.com\n<!channel>\u001b[31m${'é'.repeat(200)}`, T0, 1),
    );

    // Act
    const subject = snsSubject(alert);

    // Assess
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.startsWith('EKS auth: ')).toBe(true);
  });
});

describe('publishing', () => {
  it('publishes one message to its topic', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const sink = new SnsSink(snsPublisher(new SNSClient({ region: 'eu-west-1' })), TOPIC);
    const alert = alertFor(notMappedLine('developer', T0, 1));

    // Act
    await sink.send(alert);

    // Assess
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      MessageStructure: 'json',
      Subject: snsSubject(alert),
    });
  });

  it.each([
    ['throttled', 'ThrottlingException'],
    ['denied', 'AuthorizationErrorException'],
  ])('gives up with a DeliveryError when SNS is %s after the SDK retries', async (_state, name) => {
    // Prepare
    sns.on(PublishCommand).rejects(Object.assign(new Error('no'), { name }));
    const sink = new SnsSink(snsPublisher(new SNSClient({ region: 'eu-west-1' })), TOPIC);

    // Act
    const send = sink.send(alertFor(notMappedLine('developer', T0, 1)));

    // Assess
    await expect(send).rejects.toThrow(DeliveryError);
    await expect(send).rejects.toThrow(name);
    await expect(send).rejects.toMatchObject({ cause: { name } });
  });
});
