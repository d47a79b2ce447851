import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IsoTimeCache, TimeCache } from '../../../../lambda/engine/classify/time-cache';

describe('the time cache', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads an ISO time as epoch milliseconds', () => {
    // Act
    const epoch = new TimeCache().epochOf('2026-11-24T10:00:00Z');

    // Assess
    expect(epoch).toBe(Date.UTC(2026, 10, 24, 10, 0, 0));
  });

  it('reads anything else as NaN', () => {
    // Act
    const epoch = new TimeCache().epochOf('yesterday');

    // Assess
    expect(epoch).toBeNaN();
  });

  it('parses two times asked for alternately once each', () => {
    // Prepare
    const parse = vi.spyOn(Date, 'parse');
    const times = new TimeCache();

    // Act
    for (let i = 0; i < 10; i++) {
      times.epochOf('2026-11-24T10:00:00Z');
      times.epochOf('2026-11-24T09:40:00Z');
    }

    // Assess
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('forgets the oldest of three times and still answers each correctly', () => {
    // Prepare
    const times = new TimeCache();
    const texts = ['2026-11-24T10:00:00Z', '2026-11-24T09:00:00Z', '2026-11-24T08:00:00Z'];

    // Act
    const epochs = [...texts, ...texts].map((text) => times.epochOf(text));

    // Assess
    expect(epochs).toEqual([...texts, ...texts].map((text) => Date.parse(text)));
  });

  it('keeps each owner’s answers to itself', () => {
    // Prepare
    const parse = vi.spyOn(Date, 'parse');
    const first = new TimeCache();
    const second = new TimeCache();

    // Act
    first.epochOf('2026-11-24T10:00:00Z');
    second.epochOf('2026-11-24T10:00:00Z');

    // Assess
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('has no epoch for a record without a time', () => {
    expect(new TimeCache().epochOf(undefined)).toBeNaN();
  });
});

describe('the ISO time cache', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes epoch milliseconds as ISO text, building each text once while it repeats', () => {
    // Prepare
    const cache = new IsoTimeCache();
    const write = vi.spyOn(Date.prototype, 'toISOString');
    const epoch = Date.UTC(2026, 10, 24, 10, 0, 0);

    // Act
    const texts = [cache.isoOf(epoch), cache.isoOf(epoch), cache.isoOf(epoch + 1000)];

    // Assess
    expect(texts).toEqual([
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:00:01.000Z',
    ]);
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('writes each of a few seconds asked in turns once, and any epoch as toISOString does', () => {
    // Prepare: three principals' last grants, asked for in turns, and a wide spread of epochs.
    const cache = new IsoTimeCache();
    const base = Date.UTC(2026, 10, 24, 10, 0, 0);
    const turns = Array.from({ length: 30 }, (_, i) => base + (i % 3) * 7_000 + 250);
    const expected = turns.map((epoch) => new Date(epoch).toISOString());
    const write = vi.spyOn(Date.prototype, 'toISOString');

    // Act
    const texts = turns.map((epoch) => cache.isoOf(epoch));

    // Assess
    expect(texts).toEqual(expected);
    expect(write).toHaveBeenCalledTimes(3);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -8.64e15, max: 8.64e15 }), { maxLength: 50 }), (epochs) => {
        for (const epoch of epochs) expect(cache.isoOf(epoch)).toBe(new Date(epoch).toISOString());
      }),
    );
  });
});
