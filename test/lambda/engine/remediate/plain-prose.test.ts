import { describe, expect, it } from 'vitest';
import { CATEGORIES, SUB_CAUSES } from '../../../../lambda/engine/categories';
import { remediate } from '../../../../lambda/engine/remediate';
import type { Finding } from '../../../../lambda/engine/types';
import { aFindingOf, allText, inMode, MODES, notMapped } from './fixtures';

/** Every fix the engine can write: each category and sub-cause, in each authentication mode. */
function everyFinding(): Finding[] {
  return [
    ...CATEGORIES.map((category) =>
      aFindingOf(category, { details: { signedAt: '2024-05-01 09:40:00 +0000 UTC', yamlLine: '7' } }),
    ),
    ...SUB_CAUSES.map((subCause) => notMapped(subCause)),
  ];
}

describe('our own fix prose', () => {
  it('is plain ASCII in every category, sub-cause and mode (one-byte strings encode fast, read anywhere)', () => {
    // Prepare
    const offenders: string[] = [];

    // Act
    for (const finding of everyFinding()) {
      for (const mode of MODES) {
        const text = allText(remediate(finding, inMode(mode)));
        const odd = text.match(/[^\x20-\x7e\n]/g);
        if (odd)
          offenders.push(
            `${finding.category}/${finding.subCause ?? '-'}/${mode}: ${[...new Set(odd)].join('')}`,
          );
      }
    }

    // Assess
    expect(offenders).toEqual([]);
  });

  it('holds no per-record data: two denials of one problem at different times get the same fix', () => {
    for (const finding of everyFinding()) {
      for (const mode of MODES) {
        // Prepare
        const later = {
          ...finding,
          time: '2031-12-31T23:59:59Z',
          record: { ...finding.record, time: '2031-12-31T23:59:59Z' },
        };

        // Act
        const first = remediate(finding, inMode(mode));
        const second = remediate(later, inMode(mode));

        // Assess
        expect(second).toEqual(first);
        expect(allText(first)).not.toContain('2024-05-01T10:00:00Z');
      }
    }
  });
});
