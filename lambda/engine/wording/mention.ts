/**
 * Untrusted text (an `error=` value, a host, a query key, a YAML error) may be quoted in a step's
 * prose so the operator recognises the problem, but never in a command. The renderers escape it for
 * each sink; here it is only flattened to one line and shortened so it cannot crowd out the fix.
 */
export function mention(text: string, maxLength = 300): string {
  // A backtick becomes its look-alike: in a fix's prose every real backtick is ours (inline code),
  // so the renderers can keep them as markdown and log text can neither open nor close a code span.
  const flat = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replaceAll('`', '\u02CB')
    .trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 3)}...` : flat;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A time for prose (" at 2024-05-01T10:00:00Z"), or nothing when the value is not an ISO time. */
export function atTime(time: string | undefined): string {
  return time !== undefined && ISO_TIME.test(time) ? ` at ${time}` : '';
}
