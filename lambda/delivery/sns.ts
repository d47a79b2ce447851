import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { errorName } from '../common/error-names';
import { describeNotification, renderChatbot, renderText } from '../engine/render';
import type { Notification } from '../engine/types';
import { DeliveryError, type Sink } from './sink';

/** SNS: "must be ASCII text … less than 100 characters". */
const SUBJECT_MAX = 99;
/** SNS caps a message at 256 KB; the renderers stay far below, this is the last line of defence. */
const MESSAGE_MAX_BYTES = 256 * 1024;

/**
 * The SNS publish request for a notification: one message per alert with per-protocol bodies
 * (`MessageStructure: 'json'`), so e-mail subscribers read plain text and AWS Chatbot, subscribed
 * over HTTPS, reads its custom-notification JSON — from the same topic, the same publish.
 * Attributes `category`, `cluster`, `severity` (and `kind`) let subscribers filter.
 */
export function snsPublishInput(topicArn: string, n: Notification): PublishCommandInput {
  const text = renderText(n);
  const chatbot = JSON.stringify(renderChatbot(n));
  const message = JSON.stringify({ default: text, email: text, https: chatbot });
  if (Buffer.byteLength(message) > MESSAGE_MAX_BYTES) {
    throw new DeliveryError(`the SNS message for ${n.kind} ${n.problemKey.slice(0, 80)} is over 256 KB`);
  }
  return {
    TopicArn: topicArn,
    Subject: snsSubject(n),
    Message: message,
    MessageStructure: 'json',
    MessageAttributes: snsAttributes(n),
  };
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

/**
 * An e-mail subject: the notification's one-line summary, printable ASCII only (log text can carry
 * anything), no line breaks, under SNS's limit.
 */
export function snsSubject(n: Notification): string {
  const line = describeNotification(n)
    .fallback.normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const subject = `EKS auth: ${line}`;
  return subject.length <= SUBJECT_MAX ? subject : `${subject.slice(0, SUBJECT_MAX - 3).trimEnd()}...`;
}

/** The part of the SNS client the sink uses, so replay can record instead of publish. */
export interface Publisher {
  publish(input: PublishCommandInput): Promise<void>;
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
  ) {
    this.id = `sns:${topicArn}`;
  }

  async send(n: Notification): Promise<void> {
    const input = snsPublishInput(this.topicArn, n);
    try {
      await this.publisher.publish(input);
    } catch (error) {
      throw new DeliveryError(`SNS Publish to ${this.topicArn} failed (${errorName(error)})`, {
        cause: error,
      });
    }
  }
}
