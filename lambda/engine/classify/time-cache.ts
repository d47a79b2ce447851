/**
 * `Date.parse` that remembers its last two answers. A storm of denials asks about the same denial
 * second and the same earlier fact (a grant, an aws-auth parse error) over and over, alternately, so
 * two entries are enough. Whoever classifies a stream owns one (a line diagnoser does); a one-off
 * classification gets a fresh one.
 */
export class TimeCache {
  // Not detached: the cached strings keep at most two chunks of the file alive.
  private lastText = '';
  private lastEpoch = Number.NaN;
  private previousText = '';
  private previousEpoch = Number.NaN;

  /** The epoch milliseconds of an ISO time, `NaN` when it is not one (or there is none). */
  epochOf(time: string | undefined): number {
    if (time === undefined) return Number.NaN;
    if (time === this.lastText) return this.lastEpoch;
    const epoch = time === this.previousText ? this.previousEpoch : Date.parse(time);
    this.previousText = this.lastText;
    this.previousEpoch = this.lastEpoch;
    this.lastText = time;
    this.lastEpoch = epoch;
    return epoch;
  }
}

/**
 * `new Date(epoch).toISOString()` that remembers its recent answers, one per second of the last
 * {@link ISO_SLOTS}: a storm of denials of several principals asks, in turns, for each one's last
 * grant, a few seconds back. For valid epochs only, as `toISOString`.
 */
export class IsoTimeCache {
  private readonly epochs = new Float64Array(ISO_SLOTS).fill(Number.NaN);
  private readonly texts: string[] = new Array(ISO_SLOTS).fill('');

  isoOf(epoch: number): string {
    const slot = Math.floor(epoch / 1000) & (ISO_SLOTS - 1);
    if (this.epochs[slot] === epoch) return this.texts[slot] as string;
    const text = new Date(epoch).toISOString();
    this.epochs[slot] = epoch;
    this.texts[slot] = text;
    return text;
  }
}

/** A power of two: a slot is the second's low bits. */
const ISO_SLOTS = 64;
