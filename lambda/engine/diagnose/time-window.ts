/**
 * Puts lines of a stream that cannot be read twice (stdin) back in time order within a bounded window:
 * lines are held until more than `capacity` are waiting, then released oldest first. A line whose time
 * is more than `capacity` lines out of place is released late (its diagnosis then knows only what the
 * lines released before it taught). Lines without a readable time take the time of the line before.
 * Within one second, an `STS response` goes before the other lines, so the forward join finds it.
 *
 * @example
 * const window = new TimeWindow(10_000);
 * for (const line of lines) for (const ready of window.push(line)) diagnose(ready);
 * for (const ready of window.drain()) diagnose(ready);
 */
export class TimeWindow {
  private readonly heap: Held[] = [];
  private sequence = 0;
  private lastEpoch = Number.NEGATIVE_INFINITY;

  constructor(private readonly capacity = DEFAULT_WINDOW) {}

  /** Holds `line`; returns the lines released by it (oldest first). */
  push(line: string): string[] {
    const epoch = lineEpoch(line);
    if (!Number.isNaN(epoch)) this.lastEpoch = epoch;
    this.insert({
      epoch: this.lastEpoch,
      stsFirst: line.includes('msg="STS response"') ? 0 : 1,
      sequence: this.sequence++,
      line,
    });
    const released: string[] = [];
    while (this.heap.length > this.capacity) released.push(this.pop());
    return released;
  }

  /** Every line still held, oldest first (at the end of the stream). */
  drain(): string[] {
    const released: string[] = [];
    while (this.heap.length > 0) released.push(this.pop());
    return released;
  }

  private insert(held: Held): void {
    const heap = this.heap;
    heap.push(held);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Held, heap[parent] as Held)) break;
      [heap[i], heap[parent]] = [heap[parent] as Held, heap[i] as Held];
      i = parent;
    }
  }

  private pop(): string {
    const heap = this.heap;
    const top = heap[0] as Held;
    const last = heap.pop() as Held;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left] as Held, heap[smallest] as Held)) smallest = left;
        if (right < heap.length && before(heap[right] as Held, heap[smallest] as Held)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest] as Held, heap[i] as Held];
        i = smallest;
      }
    }
    return top.line;
  }
}

/** How many stdin lines are held to put them in time order (stated in the README). */
export const DEFAULT_WINDOW = 10_000;

interface Held {
  readonly epoch: number;
  readonly stsFirst: number;
  readonly sequence: number;
  readonly line: string;
}

function before(a: Held, b: Held): boolean {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch;
  if (a.stsFirst !== b.stsFirst) return a.stsFirst < b.stsFirst;
  return a.sequence < b.sequence;
}

const TIME = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;

/** The line's own `time=` (or the first ISO time on it), cheaply: the window only orders. */
function lineEpoch(line: string): number {
  const at = line.indexOf('time=');
  const match = TIME.exec(at === -1 ? line.slice(0, 200) : line.slice(at, at + 48));
  return match?.[1] === undefined ? Number.NaN : Date.parse(match[1]);
}
