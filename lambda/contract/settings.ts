/**
 * The default and the accepted range of every whole-number setting, written once: the stack checks its
 * configuration against them at synth (`lib/config/settings.ts`) and the function checks its environment
 * against them at cold start (`lambda/pipeline/config.ts`), so a value one side accepts the other does too.
 */

/** A whole-number setting: the value when unset, and the inclusive range accepted. */
export interface WholeNumberSetting {
  /** The value when unset; for a setting with a `derivedDefault`, its value at the other's default. */
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /**
   * A default that follows another setting of this table: unset, the value is `times` × that setting's
   * value (which the table's `default` cannot hold). Its maximum covers `times` × the other's maximum.
   */
  readonly derivedDefault?: { readonly times: number; readonly of: string };
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
  /**
   * Capped messages (identity alerts and follow-ups) per window across every cluster of the account;
   * past it, new problems of any cluster go into one combined account digest. Unset: five clusters'
   * worth of `alertCap` (100 at its default). At most 5000, five times alertCap's maximum: the ceiling's
   * item names the holder of each slot (about 50 bytes), 250 KB at most, under DynamoDB's 400 KB item limit.
   */
  accountAlertCap: { default: 5 * 20, min: 1, max: 5 * 1000, derivedDefault: { times: 5, of: 'alertCap' } },
  /** How long the function reuses EKS and log-history answers; 0 = never. The stack sets the default. */
  contextCacheTtlSeconds: { default: 300, min: 0, max: 24 * 60 * 60 },
  /**
   * Reserved concurrency of the function (the stack only). At most 1000, the default regional
   * concurrency quota of Lambda.
   */
  reservedConcurrency: { default: 5, min: 1, max: 1000 },
} as const satisfies Record<string, WholeNumberSetting>;

/** A whole-number setting's name. */
export type WholeNumberSettingName = keyof typeof WHOLE_NUMBER_SETTINGS;

/**
 * The value of setting `name` when it is not set, given the values of the others: its `default`, or for
 * a derived default, `times` × the value of the setting it follows (that one's default when not given).
 *
 * @example
 * unsetValue('accountAlertCap', { alertCap: 30 }); // 150
 */
export function unsetValue(
  name: WholeNumberSettingName,
  values: Readonly<Partial<Record<WholeNumberSettingName, number>>> = {},
): number {
  const setting: WholeNumberSetting = WHOLE_NUMBER_SETTINGS[name];
  const derived = setting.derivedDefault;
  if (derived === undefined) return setting.default;
  const base = derived.of as WholeNumberSettingName;
  return derived.times * (values[base] ?? unsetValue(base, values));
}

/** Flood control's defaults, which replay runs with: the deployed window and cap. */
export const DEFAULT_DEDUP_WINDOW_MINUTES = WHOLE_NUMBER_SETTINGS.dedupWindowMinutes.default;
export const DEFAULT_ALERT_CAP = WHOLE_NUMBER_SETTINGS.alertCap.default;
