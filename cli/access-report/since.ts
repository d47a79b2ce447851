const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const DURATION = /^(\d{1,5})([mhdw])$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * The start of the window `--since` names, in epoch ms: a duration back from `now` (`90m`, `12h`,
 * `30d`, `6w`) or a date (`2026-11-01`, `2026-11-01T08:00:00Z`, UTC when no offset). `undefined`
 * for anything else, so the caller can say what it expected.
 *
 * @example sinceMs('30d', Date.parse('2026-12-01T00:00:00Z')) === Date.parse('2026-11-01T00:00:00Z')
 */
export function sinceMs(text: string, now: number): number | undefined {
  const duration = DURATION.exec(text);
  if (duration) {
    const amount = Number(duration[1]);
    const unit = duration[2] as keyof typeof UNIT_MS;
    return amount > 0 ? now - amount * UNIT_MS[unit] : undefined;
  }
  if (!DATE.test(text)) return undefined;
  // Date.parse reads a time without an offset as local time; the authenticator's times are UTC.
  const utc = text.length === 10 ? `${text}T00:00:00Z` : /Z|[+-]\d{2}:\d{2}$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(utc);
  return Number.isNaN(ms) || ms > now ? undefined : ms;
}
