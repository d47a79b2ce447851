/**
 * Escaping for every sink the renderers write to. Anonymous internet clients can put text into
 * authenticator log lines (a forged token's hostname is echoed in `error=`), and that text reaches
 * Slack, AWS Chatbot, e-mail and terminals. Each sink gets one function here so that no renderer
 * escapes on its own.
 *
 * Choices, and why:
 * - Backticks become `ˋ` (U+02CB MODIFIER LETTER GRAVE ACCENT) in Slack text, code blocks included.
 *   Breaking ``` with a zero-width space would stop a fence from closing, but a real backtick would
 *   survive into a copied command, where a shell runs it as command substitution. The look-alike
 *   can neither close our fence nor run anything when pasted, and it stays visible.
 * - `://` becomes `[:]//`, so no sink turns log text into a clickable link (Slack plain text, e-mail
 *   clients and terminals all auto-link). The change is visible, so a reader knows the text was
 *   defanged; an invisible zero-width space would hide that a pasted URL is broken.
 * - `@here`, `@channel` and `@everyone` get a zero-width joiner after the `@`. Nothing else changes,
 *   so real `user@example.com` session names in commands stay exact.
 * - A newline inside a log value is shown as the two characters `\n` in prose, so it cannot start a
 *   line that looks like one of ours ("Step 1: …"). Code blocks keep newlines: inside a fence a
 *   forged line stays inside the fence.
 */

/** The mark a truncated text ends with. */
export const ELLIPSIS = '…';

/** How line breaks inside untrusted text come out. */
export type NewlineMode = 'keep' | 'visible' | 'space';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// CR LF, CR, NEL (U+0085), LINE SEPARATOR and PARAGRAPH SEPARATOR all break lines somewhere.
const LINE_BREAK = /\r\n|[\r\u0085\u2028\u2029]/g;
// C0 except TAB and LF (handled separately), DEL, and C1: ESC and CSI start ANSI sequences, BEL rings.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Bidi overrides, embeddings and isolates (Trojan Source), plus the invisible direction marks.
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** Any character one of the passes of `stripControl` changes (surrogates, breaks, tab, controls, bidi). */
const NEEDS_CLEANING =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029\uD800-\uDFFF]/;
const BROADCAST_MENTION = /@(?=(?:here|channel|everyone))/gi;
/**
 * Anything some escaper of this module (or of the Chatbot renderer) would change: control, bidi and
 * surrogate characters, every line break, and the characters that start markup, a link or a mention.
 * Text without any is returned as it came: one scan instead of a dozen replacing passes, which is
 * what most of a fix's prose and most ARNs are.
 */
const MAY_NEED_ESCAPING =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029\uD800-\uDFFF&<>`@]|:\/\/|\]\(/;

/** Whether every escaper leaves `text` as it is (see MAY_NEED_ESCAPING); `false` means "maybe not". */
export function isInert(text: string): boolean {
  return !MAY_NEED_ESCAPING.test(text);
}

/** MAY_NEED_ESCAPING without the backtick: our prose's own inline-code marks are not in it. */
const MAY_NEED_ESCAPING_BESIDES_BACKTICKS = new RegExp(MAY_NEED_ESCAPING.source.replace('`', ''));

function backticksIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf('`'); at !== -1; at = text.indexOf('`', at + 1)) count++;
  return count;
}
const ZERO_WIDTH_JOINER = '\u200D';
const BACKTICK_LOOKALIKE = '\u02CB';
const SLACK_ENTITY = /^&(?:amp|lt|gt);/;

/**
 * Removes what must never reach a reader: control characters (ANSI escapes start with one), bidi
 * overrides, and unpaired surrogates (replaced by U+FFFD, so JSON and UTF-8 stay valid). Line breaks
 * of every kind are unified and then kept, shown as `\n`, or turned into spaces; tabs become spaces.
 *
 * @example stripControl('a\u001b[31mb\nc') === 'a[31mb\\nc'
 */
export function stripControl(text: string, newlines: NewlineMode = 'visible'): string {
  // Most text holds none of these: one scan instead of five replacing passes, same result.
  const clean = !NEEDS_CLEANING.test(text)
    ? text
    : text
        .replace(LONE_SURROGATE, '\uFFFD')
        .replace(LINE_BREAK, '\n')
        .replaceAll('\t', ' ')
        .replace(CONTROL, '')
        .replace(BIDI, '');
  if (newlines === 'keep') return clean;
  return clean.replaceAll('\n', newlines === 'visible' ? '\\n' : ' ');
}

/** `://` → `[:]//`: no URL from a log line becomes a link in any sink. */
function defangUrls(text: string): string {
  return text.replaceAll('://', '[:]//');
}

/** `@here`/`@channel`/`@everyone` → `@\u200Dhere`…: a log line can never page a whole channel. */
function breakBroadcastMentions(text: string): string {
  return text.replace(BROADCAST_MENTION, `@${ZERO_WIDTH_JOINER}`);
}

/**
 * Untrusted text for any Slack text object (mrkdwn, plain_text, context, fallback) and for AWS
 * Chatbot's client-markdown. After this there is no `<` left, so no `<!channel>`, `<@U…>`, `<#C…>`
 * or `<https://…|…>` can come from log text.
 *
 * @example escapeSlackText('<!here> x') === '&lt;!here&gt; x'
 */
export function escapeSlackText(text: string, newlines: NewlineMode = 'visible'): string {
  if (isInert(text)) return text;
  const stripped = stripControl(text, newlines)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('`', BACKTICK_LOOKALIKE);
  return breakBroadcastMentions(defangUrls(stripped));
}

/**
 * A fix's own prose (title, cause, step texts, warnings) for Slack mrkdwn: escaped like
 * {@link escapeSlackText}, but our inline-code backticks stay markdown. Values from log lines enter
 * that prose only through `mention()` (backticks replaced) or a validated ARN (no backticks), so
 * every backtick here is ours; should their count ever be odd, all of them are replaced, so that a
 * stray one cannot open a code span over the rest of the message.
 *
 * @example escapeSlackProse('Run `kubectl get svc` for <host>') === 'Run `kubectl get svc` for &lt;host&gt;'
 */
export function escapeSlackProse(text: string): string {
  return keepPairedBackticks(text, escapeSlackText);
}

/**
 * Applies `escaper` with our backticks kept, when they come in pairs of single ones (inline code);
 * two in a row could start a fence, so then none is kept.
 */
export function keepPairedBackticks(text: string, escaper: (text: string) => string): string {
  const ticks = backticksIn(text);
  if (ticks === 0 || ticks % 2 === 1 || text.includes('``')) return escaper(text);
  // Every piece between the backticks inert (the usual prose): the escapers of this module return
  // each as it came, so the text is its own result.
  if (!MAY_NEED_ESCAPING_BESIDES_BACKTICKS.test(text)) return text;
  return text.split('`').map(escaper).join('`');
}

/**
 * {@link escapeWithin} for a fix's own prose: backticks kept when they pair up, also after
 * shortening (a cut that leaves one open falls back to replacing them all).
 */
export function proseWithin(raw: string, max: number, escaper: (text: string) => string): string {
  const kept = escapeWithin(raw, max, (text) => keepPairedBackticks(text, escaper));
  return backticksIn(kept) % 2 === 0 ? kept : escapeWithin(raw, max, escaper);
}

/** Where a reader finds what a chat message had to leave out. */
export const REST_OF_FIX = 'in the alert e-mail, or run `eks-auth-doctor classify` on the log';

/** Untrusted text for the inside of a Slack code block: as {@link escapeSlackText}, newlines kept. */
export function escapeSlackCode(text: string): string {
  return escapeSlackText(text, 'keep');
}

/** Untrusted text for e-mail and terminals: no control characters, no bidi, no clickable URLs. */
export function escapePlainText(text: string, newlines: NewlineMode = 'visible'): string {
  if (isInert(text)) return text;
  return defangUrls(stripControl(text, newlines));
}

/**
 * Shortens text to at most `max` UTF-16 code units, ending with `…`. Never cuts a surrogate pair or
 * a Slack entity (`&amp;`, `&lt;`, `&gt;`) in half, so truncating already-escaped text is safe.
 * Slack counts characters; UTF-16 units are never fewer, so the limit holds either way.
 *
 * @example truncate('a &amp; b', 4) === 'a …'
 */
export function truncate(text: string, max: number, force = false): string {
  if (!force && text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, Math.max(0, max));
  let cut = Math.min(text.length, max - ELLIPSIS.length);
  const lastAmp = text.lastIndexOf('&', cut - 1);
  if (lastAmp !== -1 && lastAmp >= cut - 4) {
    const entity = SLACK_ENTITY.exec(text.slice(lastAmp, lastAmp + 5));
    if (entity && lastAmp + entity[0].length > cut) cut = lastAmp;
  }
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return text.slice(0, cut) + ELLIPSIS;
}

/**
 * Escapes and truncates one untrusted value to at most `max` units. The raw text is cut to a few
 * times `max` first, so a 20 000-character log value costs no more than a short one; the result is
 * marked `…` whenever anything was dropped.
 */
export function escapeWithin(raw: string, max: number, escaper: (text: string) => string): string {
  const budget = max * 4;
  let head = raw;
  if (raw.length > budget) {
    const cut = isHighSurrogate(raw.charCodeAt(budget - 1)) ? budget - 1 : budget;
    head = raw.slice(0, cut);
  }
  return truncate(escaper(head), max, head !== raw);
}

/**
 * A Slack code block of at most `max` units, fences included, whose content cannot close the fence.
 * Empty content becomes a space, since Slack rejects empty text.
 */
export function slackCodeBlock(
  raw: string,
  max: number,
  escaper: (text: string) => string = escapeSlackCode,
): string {
  const fence = '```';
  const inner = escapeWithin(raw, max - 2 * fence.length - 2, escaper);
  return `${fence}\n${inner === '' ? ' ' : inner}\n${fence}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
