import { detach } from './detach';

/** A line whose part before or after its varying value is this long or longer has no shape (EKS's are far shorter). */
export const MAX_PART_LENGTH = 1 << 14;
/**
 * Where both users cut a line's shape: at the first `client="…"` value, a request's loopback port,
 * new on nearly every line (the batch memo and the denial parse each say why that value is the field).
 */
export const CLIENT_OPEN = ' client="';
/** Shapes compared in place per pair of lengths while few; past that, a Map. */
const SHAPES_COMPARED = 8;

/**
 * What lines were, by their shape: a line's text with one varying value cut out (a request's
 * `client` port), given as two parts, `line[head, headEnd)` and `line[tail, …)`. Shared by the
 * Lambda's batch memo and the parse of a stream's denials, where most lines repeat one of a few
 * shapes with a new port.
 *
 * A shape is looked up first by the lengths of its two parts (a small integer), then by comparing
 * the parts as slices of the line: no copy of the line and, for the few shapes of one pair of
 * lengths a storm has, no hash of its text. (A Map keyed by the two slices measured as a third of
 * the time of a 1 MB batch: the hash reads every character.) Past a handful of shapes of one pair of
 * lengths, a Map, so a flood of distinct errors of one length (every anonymous probe's has its own
 * text) costs one hash per line, never a growing scan.
 *
 * Bounded: once `capacity` shapes are held, adding one forgets them all (a flood of distinct lines
 * only ever costs a table of this size). What is kept is detached from the line, so no chunk of a
 * file stays alive for it.
 */
export class LineShapes<T> {
  private byLengths = new Map<number, ShapesOfLength<T>>();
  private held = 0;

  constructor(private readonly capacity = Number.POSITIVE_INFINITY) {}

  /** The key of a line's two parts, or -1 when a part is too long to have a shape. */
  static lengthsOf(line: string, head: number, headEnd: number, tail: number): number {
    const headLength = headEnd - head;
    const tailLength = line.length - tail;
    if (headLength >= MAX_PART_LENGTH || tailLength >= MAX_PART_LENGTH) return -1;
    return headLength * MAX_PART_LENGTH + tailLength;
  }

  /** What was added for the shape `line[head, headEnd)` … `line[tail, …)`, whose `lengths` key is given. */
  get(lengths: number, line: string, head: number, headEnd: number, tail: number): T | undefined {
    return this.byLengths.get(lengths)?.get(line, head, headEnd, tail);
  }

  /** Adds a shape `get` did not find. */
  add(lengths: number, line: string, head: number, headEnd: number, tail: number, entry: T): void {
    if (this.held >= this.capacity) this.clear();
    let shapes = this.byLengths.get(lengths);
    if (shapes === undefined) {
      shapes = new ShapesOfLength<T>();
      this.byLengths.set(lengths, shapes);
    }
    shapes.add(line, head, headEnd, tail, entry);
    this.held++;
  }

  clear(): void {
    this.byLengths = new Map();
    this.held = 0;
  }

  /** How many shapes are held (at most `capacity`). */
  get size(): number {
    return this.held;
  }
}

/** The shapes of one pair of lengths, with what each was. */
class ShapesOfLength<T> {
  private readonly heads: string[] = [];
  private readonly tails: string[] = [];
  private readonly entries: T[] = [];
  private many: Map<string, T> | undefined;

  get(line: string, head: number, headEnd: number, tail: number): T | undefined {
    const heads = this.heads;
    if (heads.length === 0) return undefined;
    const headText = line.slice(head, headEnd);
    const tailText = line.slice(tail);
    for (let i = 0; i < heads.length; i++) {
      if (heads[i] === headText && this.tails[i] === tailText) return this.entries[i];
    }
    // Within one pair of lengths, head + tail spells each shape once.
    return this.many?.get(headText + tailText);
  }

  /** Adds a shape `get` did not find (never searches again for it). */
  add(line: string, head: number, headEnd: number, tail: number, entry: T): void {
    const heads = this.heads;
    if (heads.length < SHAPES_COMPARED) {
      heads.push(detach(line.slice(head, headEnd)));
      this.tails.push(detach(line.slice(tail)));
      this.entries.push(entry);
    } else {
      this.many ??= new Map();
      this.many.set(detach(line.slice(head, headEnd) + line.slice(tail)), entry);
    }
  }
}
