import { CATEGORY_ENTRIES, type Category, type DetailReader } from '../categories';
import type { AuthenticatorRecord } from '../types';

// A Map: a string key looked up in an object of this size is a slow, megamorphic load.
const READER_BY_CATEGORY: ReadonlyMap<string, DetailReader> = new Map(
  [...CATEGORY_ENTRIES.values()].flatMap((entry) =>
    entry.details === undefined ? [] : [[entry.id, entry.details] as const],
  ),
);

/** The category-specific facts quoted from the record, for the fix and the message. Untrusted. */
export function detailsOf(category: Category, record: AuthenticatorRecord): Readonly<Record<string, string>> {
  const read = READER_BY_CATEGORY.get(category);
  return read ? read(record.fields.error ?? '', record) : NO_DETAILS;
}

const NO_DETAILS: Readonly<Record<string, string>> = Object.freeze({});
