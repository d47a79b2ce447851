import type { CategoryEntry, RecordFamily } from './entry';
import { LIFECYCLE, type LifecycleCategory } from './lifecycle';
import { MAPPING, type MappingCategory } from './mapping';
import { OTHER, type OtherCategory } from './other';
import { SERVER, type ServerCategory } from './server';
import { STS, type StsCategory } from './sts';
import { TOKEN, type TokenCategory } from './token';

/**
 * Every category, one entry each, in one table per family; everything else about categories is derived
 * from these tables once, at load. The IDs are the project's public contract: they appear in CLI output,
 * metric dimensions, SNS message attributes and alerts. Add, never rename.
 *
 * To add a category: add its ID to its family's ID list and its entry to the family's table, where it
 * belongs in precedence; then a fixture line for each of its wordings. The compiler refuses an ID
 * without an entry; the tests refuse a wording without a fixture line and a category without a fixture.
 */

export type { AuthenticationMode } from './authentication-modes';
export { AUTHENTICATION_MODES } from './authentication-modes';
export type {
  CategoryEntry,
  ClusterEffect,
  DenialFamily,
  DenialMatch,
  DetailReader,
  RecordFamily,
  RecordMatch,
  TrustClass,
} from './entry';
export { type FixTemplate, writeFix } from './fix-template';
export type { NotMappedCause, SubCause } from './not-mapped';
export { NOT_MAPPED_CAUSES, notMappedCause, PLAINLY_NOT_MAPPED, SUB_CAUSES } from './not-mapped';
export type { NotMappedFacts } from './not-mapped-facts';
export type { Severity } from './severity';
export { SEVERITIES } from './severity';
export type { LifecycleCategory, MappingCategory, OtherCategory, ServerCategory, StsCategory, TokenCategory };

/** Why an `access denied` line was logged. */
export type DenialCategory = TokenCategory | StsCategory | MappingCategory;
/** The category of a record that is not a denial. */
export type NonDenialCategory = OtherCategory | LifecycleCategory | ServerCategory;
/** Any authenticator record's category. */
export type Category = DenialCategory | NonDenialCategory;

/** The denial families; the classifier decides the family by the error's prefix first. */
export const DENIAL_FAMILIES = { token: TOKEN, sts: STS, mapping: MAPPING } as const;
/** The families of records that are not denials, recognised by their `msg`. */
export const RECORD_FAMILIES: readonly RecordFamily<NonDenialCategory>[] = [OTHER, LIFECYCLE, SERVER];

/** Every denial category, family by family; UNKNOWN, the answer for any error nothing recognises, last. */
export const DENIAL_CATEGORIES: readonly DenialCategory[] = Object.values(DENIAL_FAMILIES).flatMap(
  (family): readonly DenialCategory[] => family.ids,
);

const RECORD_IDS = RECORD_FAMILIES.flatMap((family) => family.ids);
const RECORD_CATCH_ALL = new Set<string>(
  RECORD_FAMILIES.flatMap((family) =>
    family.entries.filter((entry) => entry.match.otherwise).map((entry) => entry.id),
  ),
);

/** Every other record's category; INFO, which every line nothing recognises gets, last (like UNKNOWN). */
export const NON_DENIAL_CATEGORIES: readonly NonDenialCategory[] = [
  ...RECORD_IDS.filter((id) => !RECORD_CATCH_ALL.has(id)),
  ...RECORD_IDS.filter((id) => RECORD_CATCH_ALL.has(id)),
];

/** Every category, in the order listings and tallies use. */
export const CATEGORIES: readonly Category[] = [...DENIAL_CATEGORIES, ...NON_DENIAL_CATEGORIES];

/** Every category's entry. A Map: a string key looked up in an object of this size is a slow, megamorphic load. */
export const CATEGORY_ENTRIES: ReadonlyMap<Category, CategoryEntry<Category>> = new Map(
  [...Object.values(DENIAL_FAMILIES), ...RECORD_FAMILIES]
    .flatMap((family): readonly CategoryEntry<Category>[] => family.entries)
    .map((entry) => [entry.id, entry]),
);

const DENIALS: ReadonlySet<string> = new Set(DENIAL_CATEGORIES);
const ALERTABLE: ReadonlySet<string> = new Set([
  ...DENIAL_CATEGORIES,
  ...RECORD_FAMILIES.filter((family) => family.alerts).flatMap((family): readonly string[] => family.ids),
]);

/** Whether the record was an `access denied` line. */
export function isDenialCategory(category: Category): category is DenialCategory {
  return DENIALS.has(category);
}

/** Worth telling people about: every denial, and the lifecycle records (an aws-auth parse error drops every mapping). */
export function isAlertable(category: Category): boolean {
  return ALERTABLE.has(category);
}

/**
 * The category a table of entries falls back to: its entry that matches `otherwise`. Each denial family
 * has one, and the record families one between them; a table without is broken, refused at load.
 */
export function otherwiseOf<Id extends string>(
  entries: readonly { readonly id: Id; readonly match: { readonly otherwise?: true } }[],
): Id {
  const entry = entries.find((candidate) => candidate.match.otherwise);
  if (entry === undefined) throw new Error('a category family needs an entry that matches otherwise');
  return entry.id;
}
