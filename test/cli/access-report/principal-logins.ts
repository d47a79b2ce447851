import type { PrincipalLogins } from '../../../cli/access-report/logins';
import { parseArn } from '../../../lambda/engine/parse/arn';

/** The logins of one principal, as the tally would gather them, for rule-by-rule tests. */
export function loginsOf(
  arn: string,
  username: string,
  groups: readonly string[],
  extra: Partial<PrincipalLogins> = {},
): PrincipalLogins {
  const principal = parseArn(arn)?.principal ?? { arn, type: 'unknown' as const };
  return {
    principal,
    username,
    groups,
    distinctUsernames: 1,
    logins: 1,
    lastSeenMs: Date.parse('2026-11-20T10:00:00Z'),
    ...extra,
  };
}
