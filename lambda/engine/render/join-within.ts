/** Room kept free for the closing "… N more" line. */
const MORE_LINE_ROOM = 60;

/**
 * Joins already-escaped lines with newlines, staying within `max` characters; the lines that do not
 * fit are counted on a last line ("… 3 more warnings not shown."), so a reader knows something was
 * left out. Lines must each be shorter than `max - 60`.
 *
 * @example joinWithin(['a', 'b'], 3000, 'step') === 'a\nb'
 */
export function joinWithin(lines: readonly string[], max: number, noun: string): string {
  let text = '';
  for (const [i, line] of lines.entries()) {
    const next = text === '' ? line : `${text}\n${line}`;
    const last = i === lines.length - 1;
    if (next.length > (last ? max : max - MORE_LINE_ROOM)) {
      const hidden = lines.length - i;
      const more = `… ${hidden} more ${hidden === 1 ? noun : `${noun}s`} not shown.`;
      return text === '' ? more : `${text}\n${more}`;
    }
    text = next;
  }
  return text;
}
