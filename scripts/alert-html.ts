import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from '../lambda/engine/render';

/**
 * A faithful HTML picture of what our alerts look like where they land: a Slack Block Kit message as
 * Slack lays it out (header, section with mrkdwn text and fields, context, divider), and an e-mail as
 * a mail client shows a plain-text body. `npm run docs:alerts` screenshots the pages into `docs/`.
 *
 * The input is the payload exactly as we send it, so everything in it is still Slack-escaped
 * (`&amp;`, `&lt;`, `&gt;`); each text is decoded the way Slack decodes it and then escaped for HTML,
 * so nothing from a log line can become markup on the page. A block type this file does not know is
 * shown as such, never silently dropped: the picture must not look better than the message.
 *
 * @example
 * writeFileSync('slack.html', alertPage('Slack', slackMessageHtml(renderSlack(notification))));
 */

/** `&`, `<`, `>`, `"` and `'` as HTML entities: text, never markup. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** The three entities Slack asks senders to write (https://docs.slack.dev/messaging/formatting-message-text). */
function decodeSlackEntities(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** The emoji codes our messages use, as Slack draws them. */
const EMOJI: Readonly<Record<string, string>> = {
  warning: '⚠️',
  rotating_light: '🚨',
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_blue_circle: '🔵',
  white_check_mark: '✅',
  repeat: '🔁',
  clipboard: '📋',
};

function emoji(html: string): string {
  return html.replace(/:([a-z0-9_+-]+):/g, (code, name: string) => EMOJI[name] ?? code);
}

// Slack's inline styles: the marker must open after a start, a space or punctuation and close
// before an end, a space or punctuation, around text that neither starts nor ends with a space.
const OPEN = String.raw`(^|[\s(\[{"'.,;:!?/-])`;
const CLOSE = String.raw`(?=$|[\s)\]}"'.,;:!?/-])`;
const STYLES: readonly [RegExp, string][] = [
  [new RegExp(`${OPEN}\\*(?=\\S)([^*\\n]*?\\S)\\*${CLOSE}`, 'g'), 'strong'],
  [new RegExp(`${OPEN}_(?=\\S)([^_\\n]*?\\S)_${CLOSE}`, 'g'), 'em'],
  [new RegExp(`${OPEN}~(?=\\S)([^~\\n]*?\\S)~${CLOSE}`, 'g'), 'del'],
];

/** Prose of a mrkdwn text (no code in it): links and mentions, then bold, italic, strike, emoji. */
function proseHtml(raw: string): string {
  const parts: string[] = [];
  let last = 0;
  // A raw `<` only comes from us: Slack escaping turned every `<` of log text into `&lt;`.
  for (const match of raw.matchAll(/<([^<>\n]+)>/g)) {
    parts.push(styled(raw.slice(last, match.index)), linkHtml(match[1] ?? ''));
    last = match.index + match[0].length;
  }
  parts.push(styled(raw.slice(last)));
  return parts.join('');
}

function styled(raw: string): string {
  let html = escapeHtml(decodeSlackEntities(raw));
  for (const [pattern, tag] of STYLES) html = html.replace(pattern, `$1<${tag}>$2</${tag}>`);
  return emoji(html).replaceAll('\n', '<br>');
}

/** `<https://…|label>` as a link, `<!here>` and `<@U…>` as the mention Slack would show. */
function linkHtml(inside: string): string {
  const [target = '', label] = inside.split('|', 2);
  if (/^(https?|mailto):/.test(target)) {
    const text = label ?? target.replace(/^mailto:/, '');
    return `<a href="${escapeHtml(decodeSlackEntities(target))}">${escapeHtml(decodeSlackEntities(text))}</a>`;
  }
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  if (target.startsWith('@') || target.startsWith('#'))
    return `<span class="mention">${escapeHtml(label ?? target)}</span>`;
  return escapeHtml(`<${inside}>`);
}

/**
 * A Slack mrkdwn text as Slack shows it: ```code blocks```, `inline code`, *bold*, _italic_,
 * ~strike~, links, line breaks. Inside code nothing is styled.
 *
 * @example mrkdwnHtml('*Step 1.* run `ls`') === '<strong>Step 1.</strong> run <code>ls</code>'
 */
export function mrkdwnHtml(text: string): string {
  const out: string[] = [];
  let last = 0;
  for (const fence of text.matchAll(/```([\s\S]*?)```/g)) {
    out.push(inlineHtml(text.slice(last, fence.index)));
    const code = (fence[1] ?? '').replace(/^\n/, '').replace(/\n$/, '');
    out.push(`<pre>${escapeHtml(decodeSlackEntities(code))}</pre>`);
    last = fence.index + fence[0].length;
  }
  out.push(inlineHtml(text.slice(last)));
  return out.join('');
}

function inlineHtml(text: string): string {
  const out: string[] = [];
  let last = 0;
  // Around a code block Slack drops the line break next to the fence: the block is its own line.
  const trimmed = text.replace(/^\n/, '').replace(/\n$/, '');
  for (const code of trimmed.matchAll(/`([^`\n]+)`/g)) {
    out.push(proseHtml(trimmed.slice(last, code.index)));
    out.push(`<code>${escapeHtml(decodeSlackEntities(code[1] ?? ''))}</code>`);
    last = code.index + code[0].length;
  }
  out.push(proseHtml(trimmed.slice(last)));
  return out.join('');
}

type TextObject = { readonly type: 'plain_text' | 'mrkdwn'; readonly text: string };

function textHtml(text: TextObject): string {
  if (text.type === 'mrkdwn') return mrkdwnHtml(text.text);
  // plain_text: no styling, emoji codes drawn, entities shown as characters.
  return emoji(escapeHtml(decodeSlackEntities(text.text))).replaceAll('\n', '<br>');
}

/** One Block Kit block; an unknown type is named on the picture rather than left out. */
export function blockHtml(block: KnownBlock): string {
  switch (block.type) {
    case 'header':
      return `<div class="header">${textHtml(block.text)}</div>`;
    case 'section': {
      const text = block.text ? `<div class="text">${textHtml(block.text)}</div>` : '';
      const fields = block.fields?.length
        ? `<div class="fields">${block.fields.map((field) => `<div>${textHtml(field)}</div>`).join('')}</div>`
        : '';
      return `<div class="section">${text}${fields}</div>`;
    }
    case 'context': {
      const elements = block.elements.map((element) =>
        'text' in element && typeof element.text === 'string'
          ? `<span>${textHtml(element as TextObject)}</span>`
          : `<span class="image">${escapeHtml('alt_text' in element ? String(element.alt_text) : 'image')}</span>`,
      );
      return `<div class="context">${elements.join('')}</div>`;
    }
    case 'divider':
      return '<hr class="divider">';
    default:
      return `<div class="unsupported">(a ${escapeHtml(block.type)} block: not drawn here)</div>`;
  }
}

/** A whole message as a channel shows it: the app's name and the time, then its blocks. */
export function slackMessageHtml(
  message: Pick<SlackMessage, 'blocks'>,
  app = 'eks-auth-doctor',
  time = '09:20',
): string {
  return `<div class="message">
  <div class="avatar">🩺</div>
  <div class="body">
    <div class="sender"><b>${escapeHtml(app)}</b> <span class="badge">APP</span> <span class="time">${escapeHtml(time)}</span></div>
    ${message.blocks.map(blockHtml).join('\n    ')}
  </div>
</div>`;
}

/** An e-mail as a mail client shows a plain-text body: subject, sender, and the text as sent. */
export function emailHtml(mail: {
  readonly from: string;
  readonly subject: string;
  readonly body: string;
}): string {
  return `<div class="mail">
  <div class="subject">${escapeHtml(mail.subject)}</div>
  <div class="from">${escapeHtml(mail.from)}</div>
  <div class="plain">${escapeHtml(mail.body)}</div>
</div>`;
}

const STYLE = `
body { margin: 0; padding: 16px 20px; background: #fff; color: #1d1c1d;
  font: 15px/1.46668 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
h1 { font-size: 13px; font-weight: 600; color: #616061; margin: 0 0 12px; text-transform: uppercase; letter-spacing: .05em; }
.message { display: flex; gap: 8px; padding: 8px 0 16px; border-bottom: 1px solid #e8e8e8; margin-bottom: 12px; }
.avatar { flex: 0 0 36px; height: 36px; border-radius: 6px; background: #e8f5fa; font-size: 22px; text-align: center; line-height: 36px; }
.body { flex: 1; min-width: 0; }
.sender { margin-bottom: 2px; } .badge { font-size: 10px; background: #e8e8e8; color: #616061; padding: 1px 3px; border-radius: 2px; }
.time { color: #616061; font-size: 12px; }
.header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 4px 0 8px; }
.section { margin: 4px 0 8px; overflow-wrap: anywhere; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; margin-top: 4px; }
.context { color: #616061; font-size: 12px; display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 4px 0 8px; }
.divider { border: 0; border-top: 1px solid #dddddd; margin: 12px 0; }
code { font: 12px/1.5 Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; color: #c01343; background: #f8f8f8;
  border: 1px solid #dddddd; border-radius: 3px; padding: 1px 3px; overflow-wrap: anywhere; }
pre { font: 12px/1.5 Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; background: #f8f8f8; border: 1px solid #dddddd;
  border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
.unsupported { color: #b00020; font-style: italic; }
.mail { border: 1px solid #dadce0; border-radius: 8px; padding: 16px 20px; margin-bottom: 16px; font-family: Arial, "DejaVu Sans", sans-serif; }
.subject { font-size: 20px; margin-bottom: 8px; } .from { color: #5f6368; font-size: 13px; margin-bottom: 16px; }
.plain { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 14px; line-height: 1.45; }
`;

/** A standalone page (no scripts, no remote resources) holding `body` under a title. */
export function alertPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}
