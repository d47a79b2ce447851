import { detach, MAX_KEPT_TEXT } from '../lambda/engine/parse/detach';

/**
 * Values worked out from a text read from a log (an error, a principal's ARN), remembered by that
 * text: a log meets the same few texts on most of its lines. (The engine's ClassifyMemo keeps its
 * denial readings the same way, written out: through this class, its two lookups a denial cost
 * 2.5 % more instructions on `--format json` under callgrind.) The texts are hostile, so what is kept
 * is bounded. A text longer than MAX_KEPT_TEXT is worked out each time and never kept (a forged
 * 256 KB error), and once `capacity` texts are kept the next one forgets them all, so a flood of
 * distinct texts costs a table of this size. A kept text is detached: no chunk of a file stays alive
 * for it.
 */
export class KeptTexts<V> {
  private readonly kept = new Map<string, V>();

  /** `workOut`: what a text gives (never undefined); called once per text while it is kept. */
  constructor(
    private readonly capacity: number,
    private readonly workOut: (text: string) => V,
  ) {}

  /** What `text` gives: remembered, or worked out now (and kept, when it may be). */
  of(text: string): V {
    let value = this.kept.get(text);
    if (value === undefined) {
      value = this.workOut(text);
      if (text.length > MAX_KEPT_TEXT) return value;
      if (this.kept.size >= this.capacity) this.kept.clear();
      this.kept.set(detach(text), value);
    }
    return value;
  }

  /** How many texts are kept (at most `capacity`). */
  get size(): number {
    return this.kept.size;
  }
}
