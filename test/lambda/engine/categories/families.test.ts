import { describe, expect, it } from 'vitest';
import {
  AUTHENTICATION_MODES,
  CATEGORIES,
  CATEGORY_ENTRIES,
  type Category,
  DENIAL_CATEGORIES,
  DENIAL_FAMILIES,
  isAlertable,
  isDenialCategory,
  NON_DENIAL_CATEGORIES,
  RECORD_FAMILIES,
  SEVERITIES,
} from '../../../../lambda/engine/categories';

/**
 * The public lists in the order they had when this test was written. Outputs iterate them (digest
 * tallies, CLI listings), so a category is added, never moved: these must stay in this relative order,
 * wherever new ones land.
 */
const CATEGORIES_AS_PUBLISHED = [
  'TOKEN_TOO_LARGE',
  'TOKEN_NOT_AWS',
  'TOKEN_DECODE_ERROR',
  'TOKEN_BAD_SCHEME',
  'TOKEN_STS_HOST_REJECTED',
  'TOKEN_BAD_PATH',
  'TOKEN_BAD_QUERY',
  'TOKEN_WRONG_ACTION',
  'TOKEN_CLUSTER_ID_NOT_SIGNED',
  'TOKEN_BAD_EXPIRES',
  'TOKEN_MISSING_DATE',
  'TOKEN_BAD_DATE',
  'TOKEN_EXPIRED',
  'TOKEN_REQUEST_BUILD_ERROR',
  'STS_UNREACHABLE',
  'STS_REJECTED_NO_BODY',
  'STS_INVALID_CLIENT_TOKEN',
  'STS_SIGNATURE_MISMATCH',
  'STS_EXPIRED_CREDENTIALS',
  'STS_THROTTLED',
  'STS_SERVER_ERROR',
  'STS_OTHER',
  'STS_BAD_RESPONSE',
  'IDENTITY_NOT_MAPPED',
  'IDENTITY_ARN_MISMATCH',
  'MAPPER_LOOKUP_ERROR',
  'TEMPLATE_SESSION_NOT_INSTANCE_ID',
  'TEMPLATE_EC2_LOOKUP_FAILED',
  'TEMPLATE_DNS1123',
  'USERNAME_RESERVED_PREFIX',
  'UNKNOWN',
  'ACCESS_GRANTED',
  'STS_RESPONSE',
  'AWS_AUTH_PARSE_ERROR',
  'INFO',
];

const FAMILIES = [...Object.values(DENIAL_FAMILIES), ...RECORD_FAMILIES];

describe('the public category list', () => {
  it('keeps every published category, in its published order', () => {
    // Act
    const published = CATEGORIES.filter((category) => CATEGORIES_AS_PUBLISHED.includes(category));

    // Assess
    expect(published).toEqual(CATEGORIES_AS_PUBLISHED);
  });

  it('lists the denials first, UNKNOWN last among them, and INFO last of all', () => {
    // Assess
    expect(CATEGORIES).toEqual([...DENIAL_CATEGORIES, ...NON_DENIAL_CATEGORIES]);
    expect(DENIAL_CATEGORIES.at(-1)).toBe('UNKNOWN');
    expect(CATEGORIES.at(-1)).toBe('INFO');
  });

  it('lists every category once', () => {
    // Assess
    expect(new Set(CATEGORIES).size).toBe(CATEGORIES.length);
  });

  it('keeps the severities and authentication modes as published', () => {
    // Assess
    expect(SEVERITIES).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    expect(AUTHENTICATION_MODES).toEqual(['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'API']);
  });
});

describe('one entry per category', () => {
  it.each(FAMILIES.map((family) => [family.name, family] as const))(
    'gives each category of the %s family exactly one entry',
    (_name, family) => {
      // Act
      const ids = family.entries.map((entry) => entry.id);

      // Assess
      expect([...ids].sort()).toEqual([...family.ids].sort());
    },
  );

  it('has an entry for every category, and no other', () => {
    // Assess
    expect([...CATEGORY_ENTRIES.keys()].sort()).toEqual([...CATEGORIES].sort());
  });

  it.each(Object.values(DENIAL_FAMILIES).map((family) => [family.name, family] as const))(
    'gives the %s family exactly one entry to fall back to',
    (_name, family) => {
      // Assess
      expect(family.entries.filter((entry) => entry.match.otherwise)).toHaveLength(1);
    },
  );

  it('gives the records that are not denials exactly one entry to fall back to, INFO', () => {
    // Act
    const otherwise = RECORD_FAMILIES.flatMap((family) => family.entries).filter(
      (entry) => entry.match.otherwise,
    );

    // Assess
    expect(otherwise.map((entry) => entry.id)).toEqual(['INFO']);
  });
});

describe('the shape of the match data', () => {
  const denialEntries = Object.values(DENIAL_FAMILIES).flatMap((family) =>
    family.entries.map((entry) => [family.name, entry.id, entry.match] as const),
  );

  it.each(denialEntries)(
    'writes the %s phrases of %s in lower case, as they are compared',
    (_family, _id, match) => {
      // Act
      const phrases = [...(match.startsWith ?? []), ...(match.contains ?? [])];

      // Assess
      expect(phrases.filter((phrase) => phrase !== phrase.toLowerCase())).toEqual([]);
      if (match.pattern) expect(match.pattern.source).toBe(match.pattern.source.toLowerCase());
    },
  );

  it('uses exact spellings only in the mapping family, the only one checked as written at the start', () => {
    // Act
    const spelled = denialEntries.filter(([, , match]) => match.writtenAs !== undefined);

    // Assess
    expect(spelled.map(([family]) => family)).toEqual(['mapping']);
  });

  it('compares token entries only at the start of the error, where the authenticator’s own words stand (token errors echo client text)', () => {
    // Act
    const anywhere = denialEntries.filter(
      ([family, , match]) =>
        family === 'token' && (match.contains !== undefined || match.pattern !== undefined),
    );

    // Assess
    expect(anywhere).toEqual([]);
  });

  it('reads error codes only in the STS family, the only one whose body comes from AWS', () => {
    // Act
    const coded = denialEntries.filter(([, , match]) => match.stsCodes !== undefined);

    // Assess
    expect(new Set(coded.map(([family]) => family))).toEqual(new Set(['sts']));
  });
});

describe('which categories are denials and which are worth an alert', () => {
  const NOT_DENIALS: Record<string, { denial: boolean; alertable: boolean }> = {
    ACCESS_GRANTED: { denial: false, alertable: false },
    STS_RESPONSE: { denial: false, alertable: false },
    INFO: { denial: false, alertable: false },
    AWS_AUTH_PARSE_ERROR: { denial: false, alertable: true },
  };

  it.each(DENIAL_CATEGORIES)('treats %s as an alertable denial', (category) => {
    // Assess
    expect(isDenialCategory(category)).toBe(true);
    expect(isAlertable(category)).toBe(true);
  });

  it.each(Object.entries(NOT_DENIALS))('treats %s as %o', (category, expected) => {
    // Act
    const actual = {
      denial: isDenialCategory(category as Category),
      alertable: isAlertable(category as Category),
    };

    // Assess
    expect(actual).toEqual(expected);
  });

  it('treats a category from outside the contract as neither', () => {
    // Assess
    expect(isDenialCategory('SOMETHING_NEW' as Category)).toBe(false);
    expect(isAlertable('SOMETHING_NEW' as Category)).toBe(false);
  });
});
