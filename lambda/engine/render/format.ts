/**
 * Times and counts as every renderer prints them. Renderers are pure (same notification, same
 * message), so there is no "today" to compare with: times always carry their date, in UTC.
 */

const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
/** A time that does not parse is shown as it came, cut short: it may be anything from a log line. */
const RAW_TIME_MAX = 64;

/**
 * `2026-11-24T14:02:37Z` → `2026-11-24 14:02 UTC` (offsets converted to UTC). Text that is not an
 * ISO time comes back unchanged but shortened, still untrusted: escape it like any log value.
 *
 * @example formatTime('2026-11-24T23:30:00+09:00') === '2026-11-24 14:30 UTC'
 */
export function formatTime(time: string | undefined): string | undefined {
  if (time === undefined || time === '') return undefined;
  if (ISO_TIME.test(time)) {
    const millis = Date.parse(time);
    if (!Number.isNaN(millis)) {
      const iso = new Date(millis).toISOString();
      return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
    }
  }
  return time.slice(0, RAW_TIME_MAX);
}

/**
 * `12345` → `12,345`. Locale-free on purpose: the Lambda and a laptop must print the same digits.
 *
 * @example formatCount(1234567) === '1,234,567'
 */
export function formatCount(count: number | undefined): string {
  if (count === undefined || !Number.isFinite(count) || count < 0) return '?';
  // BigInt prints every digit: Number#toString switches to `1e+21` from 10^21 on.
  return BigInt(Math.trunc(count))
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
