/**
 * `text.startsWith(expected, at)` for hot paths. Lines read from a file are views into a larger
 * chunk, and on those V8's `startsWith` measured 2–3 times slower than copying a short slice and
 * comparing it with the constant. V8 copies slices shorter than 13 characters (longer ones become
 * views again), so a longer constant is compared in 12-character pieces, split once.
 */
export function isAt(text: string, at: number, expected: string): boolean {
  if (expected.length <= PIECE) return text.slice(at, at + expected.length) === expected;
  const pieces = piecesOf(expected);
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as string;
    const from = at + i * PIECE;
    if (text.slice(from, from + piece.length) !== piece) return false;
  }
  return true;
}

/** `text.endsWith(expected)`, as fast as `isAt`. */
export function endsWith(text: string, expected: string): boolean {
  return text.length >= expected.length && isAt(text, text.length - expected.length, expected);
}

const PIECE = 12;

// A deliberate cache, bounded by the constants of the engine's code that are longer than a piece.
const splitConstants = new Map<string, readonly string[]>();

function piecesOf(expected: string): readonly string[] {
  let pieces = splitConstants.get(expected);
  if (pieces === undefined) {
    const split: string[] = [];
    for (let from = 0; from < expected.length; from += PIECE) split.push(expected.slice(from, from + PIECE));
    pieces = split;
    splitConstants.set(expected, pieces);
  }
  return pieces;
}
