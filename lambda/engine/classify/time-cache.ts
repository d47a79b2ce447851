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
 * `new Date(epoch).toISOString()` that remembers its last answer: a storm of denials of one principal
 * asks for the same earlier grant's time on every line. For valid epochs only, as `toISOString`.
 */
export class IsoTimeCache {
  private lastEpoch = Number.NaN;
  private lastText = '';

  isoOf(epoch: number): string {
    if (epoch !== this.lastEpoch) {
      this.lastEpoch = epoch;
      this.lastText = new Date(epoch).toISOString();
    }
    return this.lastText;
  }
}
