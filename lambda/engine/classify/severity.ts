import {
  CATEGORY_ENTRIES,
  type Category,
  NOT_MAPPED_CAUSES,
  type Severity,
  type SubCause,
} from '../categories';

// Maps rather than records: looking a string up in an object of 35 keys measured as one of the
// costliest steps of classifying a successful authentication.
const BY_CATEGORY: ReadonlyMap<Category, Severity> = new Map(
  [...CATEGORY_ENTRIES.values()].map((entry) => [entry.id, entry.severity]),
);
const BY_SUB_CAUSE: ReadonlyMap<SubCause, Severity> = new Map(
  NOT_MAPPED_CAUSES.map((cause) => [cause.subCause, cause.severity]),
);

/** The severity of a finding: its sub-cause's when it has one, else its category's. */
export function severityOf(category: Category, subCause: SubCause | undefined): Severity {
  return (subCause === undefined ? BY_CATEGORY.get(category) : BY_SUB_CAUSE.get(subCause)) ?? 'info';
}
