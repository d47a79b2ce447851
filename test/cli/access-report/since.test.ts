import { describe, expect, it } from 'vitest';
import { sinceMs } from '../../../cli/access-report/since';

const NOW = Date.parse('2026-12-01T00:00:00Z');

describe('sinceMs', () => {
  it.each([
    ['30d', '2026-11-01T00:00:00Z'],
    ['12h', '2026-11-30T12:00:00Z'],
    ['90m', '2026-11-30T22:30:00Z'],
    ['2w', '2026-11-17T00:00:00Z'],
    ['2026-11-01', '2026-11-01T00:00:00Z'],
    ['2026-11-01T08:00', '2026-11-01T08:00:00Z'],
    ['2026-11-01T08:00:00+02:00', '2026-11-01T06:00:00Z'],
  ])('reads %s', (text, start) => {
    expect(sinceMs(text, NOW)).toBe(Date.parse(start));
  });

  it.each(['0d', '30', 'last week', '2027-01-01', '30y'])('refuses %s', (text) => {
    expect(sinceMs(text, NOW)).toBeUndefined();
  });
});
