import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../lambda/delivery/sink';
import {
  SnsSink,
  snsClientsByRegion,
  snsPublisher,
  snsPublishInput,
  snsSubject,
} from '../../../lambda/delivery/sns';
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
    // E-mail subscribers get `default`: SNS uses it for every protocol without its own key.
    expect(Object.keys(message).sort()).toEqual(['default', 'https']);
    expect(message.default).toBe(renderText(alert));
    expect(JSON.parse(message.https)).toEqual(renderChatbot(alert));
    expect(JSON.parse(message.https).metadata.threadId).toMatch(/^eks-auth-doctor-[0-9a-f]{32}$/);
  });

  it('sends no message attributes to the alert topic, since SNS delivers none for MessageStructure json', () => {
    // Prepare
    const alert = alertFor(notMappedLine('developer', T0, 1));

    // Act
    const input = snsPublishInput(TOPIC, alert, 'per-protocol');

    // Assess
    expect(input.MessageAttributes).toBeUndefined();
  });

  it('sends extra topics one String message with the category, cluster, severity and kind attributes subscribers filter on', () => {
    // Prepare
    const alert = alertFor(notMappedLine('developer', T0, 1));

    // Act
    const input = snsPublishInput(TOPIC, alert, 'attributes');

    // Assess
    expect(input.MessageStructure).toBeUndefined();
    expect(JSON.parse(input.Message ?? '{}')).toEqual(renderChatbot(alert));
    expect(input.MessageAttributes).toEqual({
      category: { DataType: 'String', StringValue: 'IDENTITY_NOT_MAPPED' },
      cluster: { DataType: 'String', StringValue: 'prod' },
      severity: { DataType: 'String', StringValue: 'high' },
      kind: { DataType: 'String', StringValue: 'alert' },
    });
  });

  it("puts the category in the body of an extra topic's message, where a MessageBody filter policy finds it", () => {
    // Prepare
    const alert = alertFor(notMappedLine('developer', T0, 1));

    // Act
    const body = JSON.parse(snsPublishInput(TOPIC, alert, 'attributes').Message ?? '{}');

    // Assess
    expect(body.metadata.additionalContext.category).toBe('IDENTITY_NOT_MAPPED');
    expect(body.metadata.additionalContext.clusterName).toBe('prod');
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
    const input = snsPublishInput(TOPIC, digest, 'attributes');

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
    expect(subject).toMatch(/^EKS auth \[MEDIUM\] /);
  });
});

describe('publishing', () => {
  it("publishes through a client of the topic's own region, one client per region", () => {
    // Prepare
    const made: (string | undefined)[] = [];
    const clientFor = snsClientsByRegion((region) => {
      made.push(region);
      return new SNSClient({ region: region ?? 'eu-west-1' });
    });

    // Act
    const home = clientFor(TOPIC);
    const again = clientFor('arn:aws:sns:eu-west-1:123456789012:other');
    const away = clientFor('arn:aws:sns:us-east-1:111122223333:security-findings');

    // Assess
    expect(made).toEqual(['eu-west-1', 'us-east-1']);
    expect(again).toBe(home);
    expect(away).not.toBe(home);
  });

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
