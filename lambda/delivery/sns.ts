import {
  type BatchResultErrorEntry,
  type MessageAttributeValue,
  PublishBatchCommand,
  type PublishBatchCommandInput,
  type PublishBatchRequestEntry,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { errorName } from '../common/error-names';
import { alertSubject, renderChatbot, renderText } from '../engine/render';
import type { Notification } from '../engine/types';
import { DeliveryError, type Sink, type TimeBudget } from './sink';

/** SNS caps a message at 256 KB; the renderers stay far below, this is the last line of defence. */
const MESSAGE_MAX_BYTES = 256 * 1024;
/**
 * PublishBatch (SNS API Reference): "Publishes up to 10 messages to the specified topic in a single
 * batch"; "the maximum total payload size (the sum of the individual lengths of all of the batched
 * messages) [is] 256 KB (262,144 bytes)".
 */
const BATCH_MAX_ENTRIES = 10;
const BATCH_MAX_BYTES = 262_144;
/** Tries of one entry SNS failed on its own (`SenderFault: false`), within one invocation. */
const ENTRY_ATTEMPTS = 3;
/** Time kept back from the invocation's remaining time: an entry retry starts only with more left. */
const ENTRY_RETRY_MARGIN_MS = 5_000;

/**
 * How a topic gets its messages. SNS delivers message attributes only for `String` messages, not for
 * `MessageStructure: 'json'` (SNS Developer Guide, "Amazon SNS message attributes": "Message attributes
 * are sent only when the message structure is String, not JSON"), so each form is chosen per topic:
 *
 * - `per-protocol`: the stack's alert topic, whose subscribers are people — e-mail reads plain text (the
 *   `default` key, which SNS delivers to every protocol without a key of its own) and AWS Chatbot
 *   (HTTPS) its custom-notification JSON (the `https` key), from one publish. No attributes: none would be
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
  return publishEntry(topicArn, n, form).input;
}

/** The publish request and the size of its message in bytes (what the 256 KB limits count). */
function publishEntry(
  topicArn: string,
  n: Notification,
  form: SnsMessageForm,
): { input: PublishCommandInput; bytes: number } {
  const chatbot = JSON.stringify(renderChatbot(n));
  let message = chatbot;
  if (form === 'per-protocol') {
    // E-mail reads `default`: SNS uses it for every protocol without a key of its own, so an `email`
    // key would only send the same text twice (and sign and encode it twice).
    message = JSON.stringify({ default: renderText(n), https: chatbot });
  }
  const bytes = Buffer.byteLength(message);
  if (bytes > MESSAGE_MAX_BYTES) {
    throw new DeliveryError(`the SNS message for ${n.kind} ${n.problemKey.slice(0, 80)} is over 256 KB`);
  }
  const input: PublishCommandInput = { TopicArn: topicArn, Subject: snsSubject(n), Message: message };
  return form === 'per-protocol'
    ? { input: { ...input, MessageStructure: 'json' }, bytes }
    : { input: { ...input, MessageAttributes: snsAttributes(n) }, bytes };
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

/** What PublishBatch answered: the entry IDs that went out, and those that failed alone. */
export interface BatchAnswer {
  readonly successful: readonly string[];
  readonly failed: readonly BatchResultErrorEntry[];
}

/** The part of the SNS client the sink uses, so replay can record instead of publish. */
export interface Publisher {
  publish(input: PublishCommandInput): Promise<void>;
  publishBatch(input: PublishBatchCommandInput): Promise<BatchAnswer>;
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
    async publishBatch(input) {
      const output = await sns.send(new PublishBatchCommand(input));
      return {
        successful: (output.Successful ?? []).flatMap((entry) => (entry.Id ? [entry.Id] : [])),
        failed: output.Failed ?? [],
      };
    },
  };
}

/** A PublishBatch entry: the Publish request of the same notification, without the topic. */
function batchEntry(id: string, input: PublishCommandInput): PublishBatchRequestEntry {
  const { TopicArn: _topic, Message, ...entry } = input;
  return { Id: id, Message: Message ?? '', ...entry };
}

/** Consecutive runs of at most 10 entries whose messages add up to at most 256 KB. */
function batchesOf<T extends { readonly bytes: number }>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (
      current.length === BATCH_MAX_ENTRIES ||
      (current.length > 0 && bytes + item.bytes > BATCH_MAX_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
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

  /**
   * Several notifications with `PublishBatch`, at most 10 (and 256 KB) per call. SNS reports each
   * entry alone and "you should check for batch errors even when the call returns an HTTP status code
   * of 200": an entry SNS failed on its side (`SenderFault: false`) is tried again, alone with the
   * other failed ones, while time remains; the ones that went out are never sent again. One outcome
   * per notification, in order: `undefined` when it went out, else why not.
   *
   * @example
   * const outcomes = await sink.sendMany([alert, followup], budget); // one PublishBatch call
   */
  async sendMany(
    notifications: readonly Notification[],
    budget: TimeBudget,
  ): Promise<(DeliveryError | undefined)[]> {
    const outcomes: (DeliveryError | undefined)[] = notifications.map(() => undefined);
    const entries: { index: number; input: PublishCommandInput; bytes: number }[] = [];
    for (const [index, n] of notifications.entries()) {
      try {
        entries.push({ index, ...publishEntry(this.topicArn, n, this.form) });
      } catch (error) {
        outcomes[index] = error instanceof DeliveryError ? error : new DeliveryError(String(error));
      }
    }
    for (const batch of batchesOf(entries)) {
      let left = batch;
      for (let attempt = 1; left.length > 0; attempt++) {
        let answer: BatchAnswer;
        try {
          answer = await this.publisher.publishBatch({
            TopicArn: this.topicArn,
            PublishBatchRequestEntries: left.map((entry) => batchEntry(`m${entry.index}`, entry.input)),
          });
        } catch (error) {
          const failure = new DeliveryError(
            `SNS PublishBatch to ${this.topicArn} failed (${errorName(error)})`,
            { cause: error },
          );
          for (const entry of left) outcomes[entry.index] = failure;
          break;
        }
        const sent = new Set(answer.successful);
        const failed = new Map(answer.failed.map((entry) => [entry.Id, entry]));
        const again: typeof left = [];
        const mayRetry = attempt < ENTRY_ATTEMPTS && budget.remainingMs() > ENTRY_RETRY_MARGIN_MS;
        for (const entry of left) {
          const id = `m${entry.index}`;
          if (sent.has(id)) continue;
          const error = failed.get(id);
          if (error && !error.SenderFault && mayRetry) {
            again.push(entry);
            continue;
          }
          outcomes[entry.index] = new DeliveryError(
            `SNS PublishBatch to ${this.topicArn} failed for one message (${error?.Code ?? 'no result for the entry'})`,
          );
        }
        left = again;
      }
    }
    return outcomes;
  }
}
