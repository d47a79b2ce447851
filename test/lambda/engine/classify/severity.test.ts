import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  type Category,
  type Severity,
  SUB_CAUSES,
  type SubCause,
} from '../../../../lambda/engine/categories';
import { severityOf } from '../../../../lambda/engine/classify/severity';
import { DENIAL_FIXTURES } from '../fixtures/denial-errors';
import { RECORD_FIXTURES } from '../fixtures/record-lines';

/**
 * The severity tables are public contract: alert routing and Slack colours depend on them. A
 * category's severity is written on each of its fixture lines (so a new category is pinned by its
 * fixtures); a sub-cause's here.
 */
const SUB_CAUSE_SEVERITY: Readonly<Record<SubCause, Severity>> = {
  NOT_IN_AWS_AUTH: 'high',
  NODE_ROLE_NOT_MAPPED: 'critical',
  ROLE_PATH_IN_AWS_AUTH: 'high',
  SSO_ROLE: 'high',
  ASSUMED_ROLE_ARN_IN_AWS_AUTH: 'high',
  AWS_AUTH_BROKEN: 'critical',
  AWS_AUTH_DELETED: 'critical',
  ACCESS_ENTRIES_BROKEN: 'critical',
  MODE_API_IGNORES_AWS_AUTH: 'high',
  ACCESS_ENTRY_STALE_PRINCIPAL: 'high',
  FOREIGN_ACCOUNT: 'medium',
  CREATOR_LOST: 'critical',
  ACCESS_REMOVED_RECENTLY: 'critical',
};

/** Category → severity as the fixture lines state it, one row per category. */
const CATEGORY_SEVERITY: ReadonlyMap<Category, Severity> = new Map(
  [...DENIAL_FIXTURES, ...RECORD_FIXTURES].map((fixture) => [fixture.category, fixture.severity]),
);

describe('how loud each category is', () => {
  it('pins a severity for every category, one per category', () => {
    // Act
    const conflicting = [...DENIAL_FIXTURES, ...RECORD_FIXTURES].filter(
      (fixture) => CATEGORY_SEVERITY.get(fixture.category) !== fixture.severity,
    );

    // Assess
    expect([...CATEGORY_SEVERITY.keys()].sort()).toEqual([...CATEGORIES].sort());
    expect(conflicting).toEqual([]);
  });

  it.each([...CATEGORY_SEVERITY])('rates %s as %s', (category, severity) => {
    // Act
    const actual = severityOf(category, undefined);

    // Assess
    expect(actual).toBe(severity);
  });

  it('rates a category from outside the contract as info', () => {
    // Act
    const actual = severityOf('SOMETHING_NEW' as Category, undefined);

    // Assess
    expect(actual).toBe('info');
  });
});

describe('how loud each reason for IDENTITY_NOT_MAPPED is', () => {
  it('pins a severity for every sub-cause', () => {
    // Assess
    expect(Object.keys(SUB_CAUSE_SEVERITY).sort()).toEqual([...SUB_CAUSES].sort());
  });

  it.each(Object.entries(SUB_CAUSE_SEVERITY) as [SubCause, Severity][])(
    'rates IDENTITY_NOT_MAPPED/%s as %s, whatever the category says',
    (subCause, severity) => {
      // Act
      const actual = severityOf('IDENTITY_NOT_MAPPED', subCause);

      // Assess
      expect(actual).toBe(severity);
    },
  );
});
