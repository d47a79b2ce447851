import { describe, expect, it } from 'vitest';
import { formatCount, formatTime } from '../../../../lambda/engine/render/format';

describe('formatTime prints ISO minutes in UTC', () => {
  it('prints a UTC time as date, hours and minutes', () => {
    // Prepare
    const time = '2026-11-24T14:02:37Z';

    // Act
    const printed = formatTime(time);

    // Assess
    expect(printed).toBe('2026-11-24 14:02 UTC');
  });

  it('converts an offset time to UTC, across midnight', () => {
    // Prepare
    const time = '2026-11-25T01:30:00+09:00';

    // Act
    const printed = formatTime(time);

    // Assess
    expect(printed).toBe('2026-11-24 16:30 UTC');
  });

  it('returns text that is not an ISO time as it came, cut to 64 characters', () => {
    // Prepare
    const time = `yesterday ${'x'.repeat(100)}`;

    // Act
    const printed = formatTime(time);

    // Assess
    expect(printed).toBe(time.slice(0, 64));
  });

  it('returns undefined for a missing or empty time', () => {
    // Prepare
    const missing = undefined;

    // Act
    const printed = [formatTime(missing), formatTime('')];

    // Assess
    expect(printed).toEqual([undefined, undefined]);
  });
});

describe('formatCount prints counts the same everywhere', () => {
  it('groups thousands with commas, whatever the locale', () => {
    // Prepare
    const counts = [0, 412, 1000, 1234567, 1e21];

    // Act
    const printed = counts.map(formatCount);

    // Assess
    expect(printed).toEqual(['0', '412', '1,000', '1,234,567', '1,000,000,000,000,000,000,000']);
  });

  it('prints ? for a count that is not a count', () => {
    // Prepare
    const counts = [Number.NaN, Number.POSITIVE_INFINITY, -1, undefined];

    // Act
    const printed = counts.map(formatCount);

    // Assess
    expect(printed).toEqual(['?', '?', '?', '?']);
  });
});
