import type { ContextBlock, HeaderBlock, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import type { Notification } from '../types';
import { describeNotification, type Fact, type MessageContent, whomText } from './content';
import { escapeSlackText, escapeWithin, proseWithin, REST_OF_FIX, slackCodeBlock } from './escape';
import { joinWithin } from './join-within';

/**
 * A Slack incoming-webhook body. `parse: 'none'` and `link_names: false` are Slack's defaults for
 * webhooks; they are sent anyway so that nothing in the payload asks Slack to turn names into
 * mentions or links.
 */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
  readonly unfurl_links: false;
  readonly unfurl_media: false;
  readonly parse: 'none';
  readonly link_names: false;
}

/** Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks), and ours for readability. */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  contextElementText: 3000,
  contextElements: 10,
  blocks: 50,
  /** Slack allows 3000; a preview line is read in a glance. */
  fallbackText: 300,
  /** More steps than this is a runbook, not a message: the rest are counted, not shown. */
  stepsShown: 20,
} as const;

// Budgets per piece, chosen so that every assembled text stays under its limit by construction.
const STEP_TEXT_MAX = 1200;
const STEP_COMMAND_MAX = 1700;
const CAUSE_MAX = 2900;
const ERROR_BLOCK_MAX = 2000;
const DETAILS_MAX = 900;
const LINE_MAX = 1000;
const FACT_VALUE_MAX = 1000;
/** Per named principal of a digest: five of them and the verdict stay far under a section's 3000. */
const PRINCIPAL_MAX = 300;

/**
 * Renders a notification as a Slack message: header, cause, the authenticator's own words, numbered
 * steps with their commands in code blocks, warnings, and a context line of cluster and principal.
 * Everything from the log or the fix is escaped (see `escape.ts`); every mrkdwn object is
 * `verbatim`, so Slack does not auto-link or auto-mention anything we did not write.
 *
 * @example
 * const body = JSON.stringify(renderSlack(notification));
 * await fetch(webhookUrl, { method: 'POST', body });
 */
export function renderSlack(n: Notification): SlackMessage {
  const content = describeNotification(n);
  const head: KnownBlock[] = [header(content)];
  if (content.lead) head.push(section(escapeWithin(content.lead, SLACK_LIMITS.sectionText, escapeSlackText)));
  if (content.whom)
    head.push(section(`*Top principals:* ${whomText(content.whom, slackCode, escapeSlackText)}`));
  if (content.cause) head.push(section(`*Cause:* ${proseWithin(content.cause, CAUSE_MAX, escapeSlackText)}`));
  const said = authenticatorSaid(content);
  if (said) head.push(section(said));

  const tail: KnownBlock[] = [];
  if (content.warnings.length > 0) tail.push(section(warningsText(content.warnings)));
  if (content.notes.length > 0) tail.push(context([notesText(content.notes)]));
  const facts = content.facts.slice(0, SLACK_LIMITS.contextElements).map(factText);
  if (facts.length > 0) tail.push(context(facts));

  const room = SLACK_LIMITS.blocks - head.length - tail.length;
  const steps = stepBlocks(content, room);
  return {
    text: escapeWithin(`${content.emoji} ${content.fallback}`, SLACK_LIMITS.fallbackText, escapeSlackText),
    blocks: [...head, ...steps, ...tail],
    unfurl_links: false,
    unfurl_media: false,
    parse: 'none',
    link_names: false,
  };
}

function header(content: MessageContent): HeaderBlock {
  const text = escapeWithin(`${content.emoji} ${content.headline}`, SLACK_LIMITS.headerText, escapeSlackText);
  return { type: 'header', text: { type: 'plain_text', text } };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function context(texts: string[]): ContextBlock {
  return { type: 'context', elements: texts.map(mrkdwn) };
}

function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text: text.trim() === '' ? ' ' : text, verbatim: true };
}

function authenticatorSaid(content: MessageContent): string | undefined {
  const parts: string[] = [];
  if (content.error) parts.push(`*Authenticator said:*\n${slackCodeBlock(content.error, ERROR_BLOCK_MAX)}`);
  if (content.details.length > 0) {
    const details = content.details.map(([key, value]) => `${key}: ${value}`).join(', ');
    parts.push(`*Details:* ${escapeWithin(details, DETAILS_MAX, escapeSlackText)}`);
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/**
 * One section per step; past the block budget or the readability cap, the rest are counted and the
 * reader told where they are. A command is never cut: one too long for a section is left out of its
 * step, which says so.
 */
function stepBlocks(content: MessageContent, room: number): SectionBlock[] {
  const steps = content.steps;
  const cap = Math.max(0, Math.min(SLACK_LIMITS.stepsShown, room));
  const shown = steps.length <= cap ? steps.length : Math.max(0, cap - 1);
  const blocks = steps.slice(0, shown).map((step, i) => {
    const label = `*Step ${i + 1}.*`;
    const text = step.text.trim() === '' ? '' : ` ${proseWithin(step.text, STEP_TEXT_MAX, escapeSlackText)}`;
    return section(`${label}${text}${commandBlock(step.command)}`);
  });
  const hidden = steps.length - shown;
  if (hidden > 0 && cap > 0)
    blocks.push(section(`${hidden} more ${hidden === 1 ? 'step' : 'steps'}: ${REST_OF_FIX}.`));
  return blocks;
}

/** The command in a code block, whole, or a pointer to it when it is too long for a section. */
function commandBlock(command: string | undefined): string {
  if (command === undefined) return '';
  const block = slackCodeBlock(command, Number.MAX_SAFE_INTEGER);
  return block.length <= STEP_COMMAND_MAX
    ? `\n${block}`
    : ` (The command is too long for Slack: ${REST_OF_FIX}.)`;
}

function warningsText(warnings: readonly string[]): string {
  const lines = warnings.map((w) => `:warning: ${proseWithin(w, LINE_MAX, escapeSlackText)}`);
  return joinWithin(lines, SLACK_LIMITS.sectionText, 'warning');
}

function notesText(notes: readonly string[]): string {
  const lines = notes.map((note) => escapeWithin(note, LINE_MAX, escapeSlackText));
  return joinWithin(lines, SLACK_LIMITS.contextElementText, 'note');
}

/** An untrusted principal ARN as inline code: no mrkdwn, mention or link inside it takes effect. */
function slackCode(raw: string): string {
  const escaped = escapeWithin(raw, PRINCIPAL_MAX, escapeSlackText);
  return `\`${escaped.trim() === '' ? '(empty)' : escaped}\``;
}

function factText(fact: Fact): string {
  const escaped = escapeWithin(fact.value, FACT_VALUE_MAX, escapeSlackText);
  const value = escaped.trim() === '' ? '(empty)' : escaped;
  return fact.code ? `*${fact.label}:* \`${value}\`` : `*${fact.label}:* ${value}`;
}
