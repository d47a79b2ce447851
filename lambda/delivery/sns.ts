import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { errorName } from '../common/error-names';
import { alertSubject, renderChatbot, renderText } from '../engine/render';
import type { Notification } from '../engine/types';
import { DeliveryError, type Sink } from './sink';

/** SNS caps a message at 256 KB; the renderers stay far below, this is the last line of defence. */
const MESSAGE_MAX_BYTES = 256 * 1024;

/**
 * How a topic gets its messages. SNS delivers message attributes only for `String` messages, not for
 * `MessageStructure: 'json'` (SNS Developer Guide, "Amazon SNS message attributes": "Message attributes
 * are sent only when the message structure is String, not JSON"), so each form is chosen per topic:
 *
 * - `per-protocol`: the stack's alert topic, whose subscribers are people — e-mail reads plain text and
 *   AWS Chatbot (HTTPS) its custom-notification JSON, from one publish. No attributes: none would be
 *   delivered, so none are promised.
 * - `attributes`: extra topics, whose subscribers are programs (SQS, Lambda, HTTPS, a security account,
 *   a further Chatbot channel). One `String` message, the Chatbot custom-notification JSON, with the
 *   attributes `category`, `cluster`, `severity` and `kind`: delivered, so a subscription filter policy
 *   on attributes works, and so does one on the body (`FilterPolicyScope: MessageBody`, e.g.
 *   `{"metadata":{"additionalContext":{"category":["TOKEN_EXPIRED"]}}}`).
 */
export type SnsMessageForm = 'per-protocol' | 'attributes';

/**
 * The SNS publish request for a notification in the topic's form (see {@link SnsMessageForm}).
 *
 * @example
 * await sns.send(new PublishCommand(snsPublishInput(topicArn, notification, 'attributes')));
 */
export function snsPublishInput(
  topicArn: string,
  n: Notification,
  form: SnsMessageForm = 'per-protocol',
): PublishCommandInput {
  const chatbot = JSON.stringify(renderChatbot(n));
  const message =
    form === 'per-protocol'
      ? JSON.stringify({ default: renderText(n), email: renderText(n), https: chatbot })
      : chatbot;
  if (Buffer.byteLength(message) > MESSAGE_MAX_BYTES) {
    throw new DeliveryError(`the SNS message for ${n.kind} ${n.problemKey.slice(0, 80)} is over 256 KB`);
  }
  const input: PublishCommandInput = { TopicArn: topicArn, Subject: snsSubject(n), Message: message };
  return form === 'per-protocol'
    ? { ...input, MessageStructure: 'json' }
    : { ...input, MessageAttributes: snsAttributes(n) };
}

/** The category a subscriber filters on; a digest is filed under its largest category. */
export function categoryOf(n: Notification): string {
  return n.finding?.category ?? n.topCategories?.[0]?.category ?? 'UNKNOWN';
}

function snsAttributes(n: Notification): Record<string, MessageAttributeValue> {
  const attribute = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  return {
    category: attribute(categoryOf(n)),
    cluster: attribute(n.cluster.clusterName ?? 'unknown'),
    severity: attribute(n.finding?.severity ?? (n.kind === 'digest' ? 'medium' : 'info')),
    kind: attribute(n.kind),
  };
}

/** The e-mail subject: severity, cluster and the problem in words (`alertSubject` in the engine). */
export const snsSubject = alertSubject;

/** The part of the SNS client the sink uses, so replay can record instead of publish. */
export interface Publisher {
  publish(input: PublishCommandInput): Promise<void>;
}

/** The region of a topic ARN (`arn:aws:sns:<region>:…`): SNS accepts a Publish only in the topic's region. */
export function regionOfTopic(topicArn: string): string | undefined {
  return topicArn.split(':')[3] || undefined;
}

/**
 * One SNS client per region, made on first use: a topic in another region than the function's is
 * published to through its own region's endpoint.
 *
 * @example
 * const clients = snsClientsByRegion((region) => new SNSClient({ region }));
 * new SnsSink(snsPublisher(clients(topicArn)), topicArn, 'attributes');
 */
export function snsClientsByRegion(
  create: (region: string | undefined) => SNSClient,
): (topicArn: string) => SNSClient {
  const clients = new Map<string, SNSClient>();
  return (topicArn) => {
    const region = regionOfTopic(topicArn);
    const key = region ?? '';
    let client = clients.get(key);
    if (!client) {
      client = create(region);
      clients.set(key, client);
    }
    return client;
  };
}

export function snsPublisher(sns: SNSClient): Publisher {
  return {
    async publish(input) {
      await sns.send(new PublishCommand(input));
    },
  };
}

/** Publishes to one topic; the SDK's standard retry (throttling, 5xx) applies before it gives up. */
export class SnsSink implements Sink {
  readonly kind = 'sns';
  readonly id: string;

  constructor(
    private readonly publisher: Publisher,
    private readonly topicArn: string,
    private readonly form: SnsMessageForm = 'per-protocol',
  ) {
    this.id = `sns:${topicArn}`;
  }

  async send(n: Notification): Promise<void> {
    const input = snsPublishInput(this.topicArn, n, this.form);
    try {
      await this.publisher.publish(input);
    } catch (error) {
      throw new DeliveryError(`SNS Publish to ${this.topicArn} failed (${errorName(error)})`, {
        cause: error,
      });
    }
  }
}
