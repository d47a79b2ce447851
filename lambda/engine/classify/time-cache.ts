/**
 * `Date.parse` that remembers its last answer. A denial storm asks about the same second over and
 * over, so one entry is enough; whoever classifies a stream owns one (a line diagnoser does), and a
 * one-off classification gets a fresh one.
 */
export class TimeCache {
  // Not detached: one cached string keeps at most one chunk of the file alive.
  private text = '';
  private epoch = Number.NaN;

  /** The epoch milliseconds of an ISO time, `NaN` when it is not one. */
  epochOf(time: string): number {
    if (time !== this.text) {
      this.text = time;
      this.epoch = Date.parse(time);
    }
    return this.epoch;
  }
}
