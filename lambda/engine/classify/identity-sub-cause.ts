import {
  type AuthenticationMode,
  NOT_MAPPED_CAUSES,
  type NotMappedFacts,
  PLAINLY_NOT_MAPPED,
  type SubCause,
} from '../categories';
import type { DiagnosisContext, Principal } from '../types';
import { TimeCache } from './time-cache';

/** A grant or aws-auth parse error this long before a denial still explains it. */
export const RECENT_MS = 24 * 60 * 60 * 1000;

/**
 * Why a principal that passed STS was not mapped: the first row of the sub-cause table whose `when`
 * holds for what is known (the line, the joined `STS response`, and the context).
 */
export function identitySubCause(
  principal: Principal | undefined,
  deniedAt: string | undefined,
  context: DiagnosisContext | undefined,
  times: TimeCache = new TimeCache(),
): SubCause {
  const facts = new KnownFacts(principal, deniedAt, context, times);
  for (const cause of NOT_MAPPED_CAUSES) if (cause.when(facts)) return cause.subCause;
  return PLAINLY_NOT_MAPPED.subCause;
}

/** What the sub-cause table's conditions read, with times compared through the caller's cache. */
class KnownFacts implements NotMappedFacts {
  readonly mode: AuthenticationMode | undefined;

  constructor(
    readonly principal: Principal | undefined,
    private readonly deniedAt: string | undefined,
    readonly context: DiagnosisContext | undefined,
    private readonly times: TimeCache,
  ) {
    this.mode = context?.cluster?.authenticationMode;
  }

  recent(earlier: string | undefined): boolean {
    if (!earlier) return false;
    const since = this.times.epochOf(earlier);
    const at = this.deniedAt ? this.times.epochOf(this.deniedAt) : Number.NaN;
    if (Number.isNaN(since)) return false;
    // Without a denial time (hand-edited lines) the fact is taken at face value.
    if (Number.isNaN(at)) return true;
    return at >= since && at - since <= RECENT_MS;
  }
}
