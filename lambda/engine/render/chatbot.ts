import { SERVICE_NAME } from '../../contract';
import { partitionOfRegion } from '../../contract/names';
import type { Notification } from '../types';
import { describeNotification, type Fact, type MessageContent, whomText } from './content';
import {
  escapePlainText,
  escapeWithin,
  isInert,
  type NewlineMode,
  proseWithin,
  REST_OF_FIX,
  slackCodeBlock,
} from './escape';
import { joinWithin } from './join-within';
import { hashedId, threadId } from './thread-id';

/**
 * An AWS Chatbot (Amazon Q Developer in chat applications) custom notification, published to the SNS
 * topic a Chatbot channel configuration subscribes to.
 * See https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html.
 */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: string[];
    readonly keywords: string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: string[];
    readonly additionalContext: Record<string, string>;
  };
}

/**
 * Sizes we keep to. The schema fixes `version`, `source` and `textType`; the per-field sizes are not
 * ones we could confirm in the documentation, so these are deliberately small: Chatbot lays the
 * message out as Slack blocks, so nothing is longer than a Slack header (150) or section (3000).
 */
export const CHATBOT_LIMITS = {
  title: 150,
  description: 3000,
  nextSteps: 10,
  nextStepsTotal: 3000,
  nextStep: 280,
  keywords: 10,
  keyword: 64,
  summary: 300,
  relatedResources: 5,
  relatedResource: 1011,
  additionalContextValue: 256,
} as const;

const CAUSE_MAX = 1000;
const ERROR_BLOCK_MAX = 800;
const DETAILS_MAX = 500;
const LINE_MAX = 500;
const FACT_VALUE_MAX = 300;
const STEP_TEXT_WITH_COMMAND_MAX = 140;

/**
 * Renders a notification for AWS Chatbot. With `textType: client-markdown` "AWS Chatbot renders
 * notifications in the target chat platform's markdown" (custom-notifs guide): Chatbot's own Markdown,
 * not Slack's HTML-escaped wire text, so values are escaped with {@link escapeChatText}, never with
 * `&lt;` entities that Chatbot may show literally. Repeats of one problem share a `threadId`.
 *
 * @example
 * await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify(renderChatbot(notification)) }));
 */
export function renderChatbot(n: Notification): ChatbotNotification {
  const content = describeNotification(n);
  const finding = n.finding;
  return {
    version: '1.0',
    source: 'custom',
    id: eventId(n),
    content: {
      textType: 'client-markdown',
      title: escapeWithin(`${content.emoji} ${content.headline}`, CHATBOT_LIMITS.title, escapeChatText),
      description: description(content),
      nextSteps: nextSteps(content),
      keywords: [n.kind, finding?.category, finding?.subCause, finding?.severity]
        .filter((k): k is NonNullable<typeof k> => k !== undefined)
        .slice(0, CHATBOT_LIMITS.keywords)
        .map((k) => escapeWithin(k, CHATBOT_LIMITS.keyword, escapeChatText)),
    },
    metadata: {
      threadId: threadId(n.problemKey),
      summary: escapeWithin(content.fallback, CHATBOT_LIMITS.summary, escapeChatText),
      eventType: `${SERVICE_NAME}-${n.kind}`,
      relatedResources: relatedResources(n),
      additionalContext: additionalContext(n),
    },
  };
}

const BROADCAST_MENTION = /@(?=(?:here|channel|everyone))/gi;
const HTML_ENTITY = /&(?=#?[A-Za-z0-9]+;)/g;

/**
 * Untrusted text for Chatbot's client-markdown. The guide documents neither an escape syntax nor
 * whether Chatbot decodes HTML entities, so nothing relies on either: every character that could start
 * markup is replaced by a visible look-alike that is inert on Slack, Teams and Chime alike.
 * - `<` `>` become `‹` `›` (no `<!here>`, `<@U…>`, `<url|text>`, no HTML on Teams; `<profile>` reads as
 *   `‹profile›`, still plainly a placeholder);
 * - `` ` `` becomes `ˋ` (no fence can be closed, nothing runs when pasted), as for Slack;
 * - `&` before an entity name becomes `＆` (an entity cannot be decoded into `<`);
 * - `](` becomes `] (` (no Markdown link), `://` `[:]//`, `@here`/`@channel`/`@everyone` get a
 *   zero-width joiner; control and bidi characters are removed, newlines shown as `\n` in prose.
 *
 * @example escapeChatText('<!here> `x` [a](https://e)') === '‹!here› ˋxˋ [a] (https[:]//e)' // with a ZWJ after @ where present
 */
export function escapeChatText(raw: string, newlines: NewlineMode = 'visible'): string {
  if (isInert(raw)) return raw;
  const text = escapePlainText(raw, newlines)
    .replace(HTML_ENTITY, '\uFF06')
    .replaceAll('<', '\u2039')
    .replaceAll('>', '\u203A')
    .replaceAll('`', '\u02CB')
    .replace(BROADCAST_MENTION, '@\u200D');
  return breakLinks(text);
}

/**
 * One of our own commands inside an inline code span. Commands are built only from constants and
 * names that passed a shape check, so they hold no mention or link of anyone's making; what matters
 * is that they still paste and run: a redirect (`> aws-auth-backup.yaml`) and `&&` stay as written.
 * Only `<placeholder>` brackets (which chat markdown would take for a link) become `‹placeholder›`,
 * a backtick, which would end the span, its look-alike, and, as everywhere, no URL or broadcast
 * mention survives (none is ever in a command: defence in depth).
 */
export function escapeChatCommand(command: string): string {
  if (isInert(command)) return command;
  const text = escapePlainText(command, 'keep')
    .replace(PLACEHOLDER_BRACKETS, '\u2039$1\u203A')
    .replaceAll('<', '\u2039')
    .replace(HTML_ENTITY, '\uFF06')
    .replaceAll('`', '\u02CB')
    .replaceAll('://', '[:]//')
    .replace(BROADCAST_MENTION, '@\u200D');
  return breakLinks(text);
}

const PLACEHOLDER_BRACKETS = /<([^<>\s]*)>/g;

function breakLinks(text: string): string {
  return text.replaceAll('](', '] (');
}

function description(content: MessageContent): string {
  const parts: string[] = [];
  if (content.lead) parts.push(escapeWithin(content.lead, LINE_MAX, escapeChatText));
  if (content.whom) {
    const code = (raw: string) => `\`${escapeWithin(raw, FACT_VALUE_MAX, escapeChatText)}\``;
    parts.push(`*Top principals:* ${whomText(content.whom, code, escapeChatText)}`);
  }
  if (content.cause) parts.push(`*Cause:* ${proseWithin(content.cause, CAUSE_MAX, escapeChatText)}`);
  if (content.error) {
    const block = slackCodeBlock(content.error, ERROR_BLOCK_MAX, (raw) => escapeChatText(raw, 'keep'));
    parts.push(`*Authenticator said:*\n${block}`);
  }
  if (content.details.length > 0) {
    const details = content.details.map(([key, value]) => `${key}: ${value}`).join(', ');
    parts.push(`*Details:* ${escapeWithin(details, DETAILS_MAX, escapeChatText)}`);
  }
  for (const warning of content.warnings)
    parts.push(`:warning: ${proseWithin(warning, LINE_MAX, escapeChatText)}`);
  for (const note of content.notes) parts.push(`Note: ${escapeWithin(note, LINE_MAX, escapeChatText)}`);
  parts.push(...content.facts.map(factText));
  return joinWithin(parts, CHATBOT_LIMITS.description, 'line');
}

/**
 * Steps as a list of one line each: the text, then the command inline. A command is never cut: one
 * that does not fit a line whole, or spans lines (an inline code span cannot hold a line break
 * that pastes as one), is left out of its step, which says where it is.
 */
function nextSteps(content: MessageContent): string[] {
  const steps = content.steps.map((step) => {
    if (step.command === undefined) return proseWithin(step.text, CHATBOT_LIMITS.nextStep, escapeChatText);
    const text = proseWithin(step.text, STEP_TEXT_WITH_COMMAND_MAX, escapeChatText);
    const command = escapeChatCommand(step.command);
    const line = `${text}: \`${command}\``;
    if (!command.includes('\n') && line.length <= CHATBOT_LIMITS.nextStep) return line;
    const pointer = ` (command: ${REST_OF_FIX})`;
    return `${proseWithin(step.text, CHATBOT_LIMITS.nextStep - pointer.length, escapeChatText)}${pointer}`;
  });
  const shown: string[] = [];
  let total = 0;
  for (const [i, step] of steps.entries()) {
    const hidden = steps.length - i;
    const mustCount = i >= CHATBOT_LIMITS.nextSteps - 1 && hidden > 1;
    if (mustCount || total + step.length > CHATBOT_LIMITS.nextStepsTotal - 60) {
      shown.push(`${hidden} more ${hidden === 1 ? 'step' : 'steps'}: ${REST_OF_FIX}.`);
      break;
    }
    shown.push(step);
    total += step.length;
  }
  return shown;
}

function factText(fact: Fact): string {
  const escaped = escapeWithin(fact.value, FACT_VALUE_MAX, escapeChatText);
  const value = escaped.trim() === '' ? '(empty)' : escaped;
  return fact.code ? `*${fact.label}:* \`${value}\`` : `*${fact.label}:* ${value}`;
}

function relatedResources(n: Notification): string[] {
  const { clusterName, region, accountId } = n.cluster;
  const resources: string[] = [];
  if (clusterName && region && accountId) {
    resources.push(`arn:${partitionOfRegion(region)}:eks:${region}:${accountId}:cluster/${clusterName}`);
  }
  const principal = n.finding?.principal?.arn;
  if (principal) resources.push(principal);
  return resources
    .slice(0, CHATBOT_LIMITS.relatedResources)
    .map((r) => escapeWithin(r, CHATBOT_LIMITS.relatedResource, escapeChatText));
}

/** Plain key/value facts for custom actions and filters; values escaped like everything else. */
function additionalContext(n: Notification): Record<string, string> {
  const raw: Record<string, string | undefined> = {
    kind: n.kind,
    clusterName: n.cluster.clusterName,
    region: n.cluster.region,
    accountId: n.cluster.accountId,
    category: n.finding?.category,
    subCause: n.finding?.subCause,
    severity: n.finding?.severity,
    count: Number.isFinite(n.count) ? String(n.count) : undefined,
  };
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined && value !== '') {
      context[key] = escapeWithin(value, CHATBOT_LIMITS.additionalContextValue, escapeChatText);
    }
  }
  return context;
}

/** The same message gets the same ID, so a redelivered SNS message can be recognised downstream. */
function eventId(n: Notification): string {
  const identity = JSON.stringify([n.kind, n.problemKey, n.count, n.firstSeen ?? '', n.lastSeen ?? '']);
  return hashedId(identity);
}
