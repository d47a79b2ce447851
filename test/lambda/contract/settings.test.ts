import { describe, expect, it } from 'vitest';
import { unsetValue, WHOLE_NUMBER_SETTINGS, type WholeNumberSetting } from '../../../lambda/contract';

describe('whole-number settings whose default follows another setting', () => {
  it('give the account ceiling five cluster caps when unset, at any cap', () => {
    // Act
    const atDefault = unsetValue('accountAlertCap');
    const atThirty = unsetValue('accountAlertCap', { alertCap: 30 });
    const atMax = unsetValue('accountAlertCap', { alertCap: WHOLE_NUMBER_SETTINGS.alertCap.max });

    // Assess
    expect(atDefault).toBe(100);
    expect(atDefault).toBe(WHOLE_NUMBER_SETTINGS.accountAlertCap.default);
    expect(atThirty).toBe(150);
    expect(atMax).toBe(WHOLE_NUMBER_SETTINGS.accountAlertCap.max);
  });

  it('stay inside their own range whatever the setting they follow is set to', () => {
    const settings: Readonly<Record<string, WholeNumberSetting>> = WHOLE_NUMBER_SETTINGS;
    const derived = Object.values(settings).flatMap((setting) =>
      setting.derivedDefault ? [{ setting, ...setting.derivedDefault }] : [],
    );
    expect(derived).toHaveLength(1);
    for (const { setting, times, of } of derived) {
      const base = settings[of];
      expect(base).toBeDefined();
      expect(times * (base?.min ?? 0)).toBeGreaterThanOrEqual(setting.min);
      expect(times * (base?.max ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(setting.max);
    }
  });

  it('give the other settings their own default', () => {
    expect(unsetValue('alertCap', { accountAlertCap: 7 })).toBe(20);
    expect(unsetValue('dedupWindowMinutes')).toBe(60);
  });
});
