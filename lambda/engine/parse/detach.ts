/**
 * The longest text a stream's memos keep beyond its line (an error, a denial's shape). Log lines are
 * hostile and may be up to a megabyte each: a longer one is read afresh each time rather than kept,
 * so a memo of a few thousand entries stays a few megabytes whatever the log holds.
 */
export const MAX_KEPT_TEXT = 2_048;

/**
 * A copy of `text` that shares no memory with it. A line read from a file is a slice of a large
 * chunk, and so is every value cut from it; anything kept beyond the line (a cache key, a remembered
 * finding) would keep the whole chunk alive. Cost: one copy, paid only when something is kept.
 */
export function detach<T>(value: T): T {
  if (typeof value === 'string') return detachText(value) as T;
  return structuredClone(value);
}

/**
 * A string's copy as one flat run of characters. Kept strings are compared and looked up on every
 * line (map keys, memo keys), and V8 compares a slice of 13 characters or more (a view into another
 * string) only through a call into its runtime, about 450 instructions (callgrind). A join of two
 * parts builds a new flat string; a slice of a fresh concatenation, as this was before, is a view
 * again. A shorter slice is itself a copy.
 */
function detachText(text: string): string {
  return text.length < SHORTEST_VIEW ? ` ${text}`.slice(1) : [text.slice(0, 1), text.slice(1)].join('');
}

/** V8's shortest sliced string: a shorter slice is copied. */
const SHORTEST_VIEW = 13;

/** `detach` of each value of a flat record of strings (a record's fields, a finding's details): no clone of the object. */
export function detachValues(values: Readonly<Record<string, string>>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) copy[key] = detach(value);
  return copy;
}
