import type { PrincipalCount } from '../engine/types';

/**
 * Principals a digest keeps with its state, most denied first: twice what a digest names (5), so
 * that a principal ranked just below the named ones keeps its count while the ranks shift.
 */
export const TOP_PRINCIPALS_KEPT = 10;

/**
 * Characters of an ARN kept per principal. IAM ARNs are far shorter (a canonical role ARN is at most
 * about 100); a forged one is cut (marked `…`), so the kept list stays under 3 KB of the item.
 */
export const PRINCIPAL_ARN_KEPT = 256;

/**
 * The digest's top principals after adding `added` to `kept`: counts of the same ARN summed, most
 * first (ties by ARN, so every writer ranks alike), at most {@link TOP_PRINCIPALS_KEPT}. Bounded, so
 * approximate: a principal that falls out of the kept list and comes back starts again from its new
 * count. The counts are therefore lower bounds, exact for principals that stayed in the list.
 *
 * @example mergeTopPrincipals([{ arn: 'a', count: 2 }], [{ arn: 'a', count: 1 }]) // [{ arn: 'a', count: 3 }]
 */
export function mergeTopPrincipals(
  kept: readonly PrincipalCount[],
  added: readonly PrincipalCount[],
): PrincipalCount[] {
  const counts = new Map<string, number>();
  for (const { arn, count } of [...kept, ...added]) {
    if (!Number.isSafeInteger(count) || count <= 0) continue;
    const key = storedArn(arn);
    counts.set(key, (counts.get(key) ?? 0) + count);
  }
  return [...counts]
    .map(([arn, count]) => ({ arn, count }))
    .sort((a, b) => b.count - a.count || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0))
    .slice(0, TOP_PRINCIPALS_KEPT);
}

/** An ARN as a digest keeps it: as logged, cut to {@link PRINCIPAL_ARN_KEPT} characters. */
function storedArn(arn: string): string {
  return arn.length > PRINCIPAL_ARN_KEPT ? `${arn.slice(0, PRINCIPAL_ARN_KEPT - 1)}…` : arn;
}
