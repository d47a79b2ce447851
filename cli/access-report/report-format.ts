import type { PrincipalLogins } from './logins';

/**
 * An epoch-ms time as the authenticator writes times (RFC 3339, UTC, whole seconds unless the
 * source had more).
 *
 * @example isoTime(Date.parse('2026-11-24T10:00:00Z')) // '2026-11-24T10:00:00Z'
 */
export function isoTime(ms: number | undefined): string | undefined {
  if (ms === undefined || Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Groups as the authenticator logs them: `[system:bootstrappers system:nodes]`. */
export function groupsText(groups: readonly string[]): string {
  return `[${groups.join(' ')}]`;
}

/** How many other usernames beyond the latest one, in words; empty when there was one. */
export function otherUsernames(logins: PrincipalLogins): string {
  const others = logins.distinctUsernames - 1;
  if (others <= 0) return '';
  return others === 1 ? ' (+1 other username)' : ` (+${others} other usernames)`;
}
