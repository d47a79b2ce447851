/**
 * The default and the accepted range of every whole-number setting, written once: the stack checks its
 * configuration against them at synth (`lib/config/settings.ts`) and the function checks its environment
 * against them at cold start (`lambda/pipeline/config.ts`), so a value one side accepts the other does too.
 */

/** A whole-number setting: the value when unset, and the inclusive range accepted. */
export interface WholeNumberSetting {
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

export const WHOLE_NUMBER_SETTINGS = {
  /**
   * How long repeats of one problem are counted, not re-sent; also the cap window. At most a day: the
   * digest of what went past the cap is sent when its window closes, so a longer window would hold a
   * flood's digest back for days.
   */
  dedupWindowMinutes: { default: 60, min: 1, max: 24 * 60 },
  /**
   * Alerts per cluster per window before the rest are folded into one digest. At most 1000: the cap is
   * the flood guard, and a thousand separate alerts per cluster and window is already more than a channel
   * takes (Slack posts about one message per second: https://api.slack.com/docs/rate-limits) or anyone reads.
   */
  alertCap: { default: 20, min: 1, max: 1000 },
  /** How long the function reuses EKS and log-history answers; 0 = never. The stack sets the default. */
  contextCacheTtlSeconds: { default: 300, min: 0, max: 24 * 60 * 60 },
  /**
   * Reserved concurrency of the function (the stack only). At most 1000, the default regional
   * concurrency quota of Lambda.
   */
  reservedConcurrency: { default: 5, min: 1, max: 1000 },
} as const satisfies Record<string, WholeNumberSetting>;

/** Flood control's defaults, which replay runs with: the deployed window and cap. */
export const DEFAULT_DEDUP_WINDOW_MINUTES = WHOLE_NUMBER_SETTINGS.dedupWindowMinutes.default;
export const DEFAULT_ALERT_CAP = WHOLE_NUMBER_SETTINGS.alertCap.default;
