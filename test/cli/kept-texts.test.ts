import { describe, expect, it } from 'vitest';
import { KeptTexts } from '../../cli/kept-texts';
import { MAX_KEPT_TEXT } from '../../lambda/engine/parse/detach';

/** A memo that counts how often it works a text out. */
function counted(capacity: number) {
  const workedOut: string[] = [];
  const kept = new KeptTexts(capacity, (text) => {
    workedOut.push(text);
    return text.length;
  });
  return { kept, workedOut };
}

describe('texts of a log kept with what they give', () => {
  it('works a text out once, and gives the same answer for it from another line', () => {
    const { kept, workedOut } = counted(8);
    const line = 'error="identity is not mapped" x';
    const first = kept.of(line.slice(7, 29));
    const again = kept.of(`${'identity is not'} mapped`);

    expect([first, again, workedOut.length]).toEqual([22, 22, 1]);
  });

  it('never keeps a text longer than MAX_KEPT_TEXT: it is worked out each time', () => {
    const { kept, workedOut } = counted(8);
    const forged = 'x'.repeat(MAX_KEPT_TEXT + 1);
    kept.of(forged);
    kept.of(forged);

    expect([workedOut.length, kept.size]).toEqual([2, 0]);
  });

  it('forgets everything once it holds `capacity` texts, so a flood of distinct texts stays bounded', () => {
    const { kept, workedOut } = counted(3);
    for (const text of ['a', 'b', 'c']) kept.of(text);
    kept.of('d'); // forgets a, b, c
    kept.of('a');

    expect([kept.size, workedOut]).toEqual([2, ['a', 'b', 'c', 'd', 'a']]);
  });
});
