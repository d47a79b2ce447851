/**
 * Characters JSON.stringify passes through that a terminal or an editor acts on: DEL and the C1
 * controls (U+009B is a one-character CSI, U+009D an OSC), bidi overrides and isolates (Trojan
 * Source), the direction marks, and U+2028/U+2029 (line breaks to JavaScript and many viewers).
 */
const UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

function escapeUnsafe(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `JSON.stringify`, with every control and bidi character of log text escaped as `\uXXXX`, so the
 * line is plain printable text however it is shown, and parses back to the same value. The C0
 * controls are escaped by JSON.stringify itself; these can only occur inside strings, so replacing
 * them over the whole text is safe.
 *
 * @example safeJson({ error: 'a\u202Eb' }) === '{"error":"a\\u202eb"}'
 */
export function safeJson(value: unknown): string {
  const text = JSON.stringify(value);
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, escapeUnsafe) : text;
}
