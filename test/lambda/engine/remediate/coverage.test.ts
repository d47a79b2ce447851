import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  DENIAL_CATEGORIES,
  NON_DENIAL_CATEGORIES,
  SUB_CAUSES,
} from '../../../../lambda/engine/categories';
import { FIXES, remediate } from '../../../../lambda/engine/remediate';
import type { Fix } from '../../../../lambda/engine/types';
import { aFindingOf, inMode, MODES, notMapped } from './fixtures';

function expectReadableFix(fix: Fix): void {
  expect(fix.title.trim()).not.toBe('');
  expect(fix.summary.trim()).not.toBe('');
  expect(fix.steps.length).toBeGreaterThan(0);
  for (const step of fix.steps) {
    expect(step.text.trim()).not.toBe('');
    if (step.command !== undefined) expect(step.command.trim()).not.toBe('');
  }
}

describe('every category has a fix', () => {
  it('has a fix builder for every category in the public contract', () => {
    // Prepare
    const covered = Object.keys(FIXES).sort();

    // Act / Assess
    expect(covered).toEqual([...CATEGORIES].sort());
  });

  it.each(DENIAL_CATEGORIES)(
    'gives %s a title, a summary and steps in every authentication mode',
    (category) => {
      for (const mode of MODES) {
        // Act
        const fix = remediate(aFindingOf(category), inMode(mode));

        // Assess
        expectReadableFix(fix);
      }
    },
  );

  it.each(NON_DENIAL_CATEGORIES)('gives %s a title, a summary and steps', (category) => {
    // Act
    const fix = remediate(aFindingOf(category), inMode('CONFIG_MAP'));

    // Assess
    expectReadableFix(fix);
  });

  it.each(DENIAL_CATEGORIES)('gives %s a fix without any context or principal', (category) => {
    // Act
    const fix = remediate(aFindingOf(category, { principal: undefined }));

    // Assess
    expectReadableFix(fix);
  });

  it('falls back to the unrecognised-message fix for a category outside the contract', () => {
    // Prepare
    const finding = aFindingOf('UNKNOWN', { category: 'SOMETHING_NEW' as never, error: 'a new message' });

    // Act
    const fix = remediate(finding);

    // Assess
    expect(fix.title).toBe(remediate(aFindingOf('UNKNOWN')).title);
  });
});

describe('every sub-cause has its own fix', () => {
  it.each(SUB_CAUSES)(
    'gives IDENTITY_NOT_MAPPED/%s a title, a summary and steps in every mode',
    (subCause) => {
      for (const mode of MODES) {
        // Act
        const fix = remediate(notMapped(subCause), inMode(mode));

        // Assess
        expectReadableFix(fix);
      }
    },
  );

  it('gives each sub-cause a different fix', () => {
    // Act
    const titles = SUB_CAUSES.map((subCause) => remediate(notMapped(subCause), inMode('CONFIG_MAP')).title);

    // Assess
    expect(new Set(titles).size).toBe(SUB_CAUSES.length);
  });

  it('treats a finding without a sub-cause as a principal missing from aws-auth', () => {
    // Prepare
    const withoutSubCause = { ...notMapped('NOT_IN_AWS_AUTH'), subCause: undefined };

    // Act
    const fix = remediate(withoutSubCause, inMode('CONFIG_MAP'));

    // Assess
    expect(fix).toEqual(remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('CONFIG_MAP')));
  });

  it('treats a sub-cause from outside the contract as a principal missing from aws-auth', () => {
    // Prepare
    const newer = { ...notMapped('NOT_IN_AWS_AUTH'), subCause: 'SOMETHING_NEW' as never };

    // Act
    const fix = remediate(newer, inMode('CONFIG_MAP'));

    // Assess
    expect(fix).toEqual(remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('CONFIG_MAP')));
  });
});

describe('the summary is one sentence of cause', () => {
  const findings = [
    ...CATEGORIES.map((category) => aFindingOf(category, { error: 'some error text' })),
    ...SUB_CAUSES.map((subCause) => notMapped(subCause)),
  ];

  it.each(findings.map((finding) => [finding.subCause ?? finding.category, finding] as const))(
    'writes %s as a single line ending in a full stop with no second sentence',
    (_name, finding) => {
      for (const mode of MODES) {
        // Act
        const { summary } = remediate(finding, inMode(mode));

        // Assess
        expect(summary).not.toMatch(/\n/);
        expect(summary).toMatch(/\.$/);
        expect(summary.slice(0, -1)).not.toMatch(/[.!?]\s+[A-Z]/);
      }
    },
  );
});
