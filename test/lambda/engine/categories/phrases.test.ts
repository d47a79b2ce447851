import { describe, expect, it } from 'vitest';
import {
  type CategoryEntry,
  DENIAL_FAMILIES,
  type DenialFamily,
  type DenialMatch,
  RECORD_FAMILIES,
  type RecordMatch,
} from '../../../../lambda/engine/categories';
import { DENIAL_FIXTURES } from '../fixtures/denial-errors';
import { parsedLine } from '../fixtures/parsed-line';
import { RECORD_FIXTURES } from '../fixtures/record-lines';

/**
 * A phrase no fixture exercises is dead or untested: every phrase, code, pattern and message of every
 * entry must be what decides at least one fixture line of its category. "Decides" means it is the first
 * of the entry's criteria, in the order the classifier compares them, that the line has where the
 * classifier looks; a line that only has it after an earlier criterion (STS_THROTTLED's `rate exceeded`
 * in a body whose code is already `Throttling`) does not count.
 */

/** One thing an entry recognises a line by, and whether a fixture has it where the classifier looks. */
interface Criterion {
  readonly name: string;
  readonly foundIn: (fixture: string) => boolean;
}

/** A denial entry's criteria in the order the classifier compares them. */
function denialCriteria(family: DenialFamily, match: DenialMatch): Criterion[] {
  const where = (error: string) => {
    const lower = error.toLowerCase();
    const prefix = family.prefixes.find((candidate) => lower.startsWith(candidate.toLowerCase()));
    // A prefixed family's error that lost its prefix is compared anywhere.
    const lost = family.prefixes.length > 0 && prefix === undefined;
    return { lower, rest: prefix === undefined ? lower : lower.slice(prefix.length), lost };
  };
  return [
    ...(match.prefix === undefined ? [] : [match.prefix]).map((prefix) => ({
      name: `prefix "${prefix}"`,
      foundIn: (error: string) => error.toLowerCase().startsWith(prefix.toLowerCase()),
    })),
    ...(match.stsCodes ?? []).map((code) => ({
      name: `STS code ${code}`,
      foundIn: (error: string) => where(error).lower.includes(`"code":"${code.toLowerCase()}"`),
    })),
    ...(match.writtenAs ?? []).map((phrase) => ({
      name: `spelling "${phrase}"`,
      foundIn: (error: string) => error.startsWith(phrase),
    })),
    ...(match.startsWith ?? []).map((phrase) => ({
      name: `start "${phrase}"`,
      foundIn: (error: string) => {
        const { rest, lost } = where(error);
        return lost ? rest.includes(phrase) : rest.startsWith(phrase);
      },
    })),
    ...(match.contains ?? []).map((phrase) => ({
      name: `phrase "${phrase}"`,
      foundIn: (error: string) => where(error).rest.includes(phrase),
    })),
    ...(match.pattern === undefined ? [] : [match.pattern]).map((pattern) => ({
      name: `pattern ${pattern}`,
      foundIn: (error: string) => pattern.test(where(error).rest),
    })),
  ];
}

/** A record entry's criteria; `fixture` is the whole line. */
function recordCriteria(match: RecordMatch): Criterion[] {
  const msgOf = (line: string) => parsedLine(line).msg;
  return [
    ...(match.msg === undefined ? [] : [match.msg]).map((msg) => ({
      name: `msg "${msg}"`,
      foundIn: (line: string) => msgOf(line) === msg,
    })),
    ...(match.messages ?? []).map((message) => ({
      name: `message "${message.startsWith}"`,
      foundIn: (line: string) => {
        const msg = msgOf(line).toLowerCase();
        const start = message.startsWith.toLowerCase();
        return message.anywhere ? msg.includes(start) : msg.startsWith(start);
      },
    })),
  ];
}

interface Checked {
  readonly entry: CategoryEntry;
  readonly criteria: readonly Criterion[];
  /** The fixture texts of the entry's category. */
  readonly fixtures: readonly string[];
}

const CHECKED: readonly Checked[] = [
  ...Object.values(DENIAL_FAMILIES).flatMap((family) =>
    family.entries.map((entry) => ({
      entry,
      criteria: denialCriteria(family, entry.match),
      fixtures: DENIAL_FIXTURES.filter((fixture) => fixture.category === entry.id).map(
        (fixture) => fixture.error,
      ),
    })),
  ),
  ...RECORD_FAMILIES.flatMap((family) =>
    family.entries.map((entry) => ({
      entry,
      criteria: recordCriteria(entry.match),
      fixtures: RECORD_FIXTURES.filter((fixture) => fixture.category === entry.id).map(
        (fixture) => fixture.line,
      ),
    })),
  ),
];

/** The criterion that decides a fixture: the entry's first that the fixture has; `undefined` for none. */
function decidingCriterion(checked: Checked, fixture: string): Criterion | undefined {
  return checked.criteria.find((criterion) => criterion.foundIn(fixture));
}

describe('every wording of every category is exercised by a fixture', () => {
  const criteria = CHECKED.flatMap((checked) =>
    checked.criteria.map((criterion) => [checked.entry.id, criterion.name, checked, criterion] as const),
  );

  it.each(criteria)('%s: its %s decides some fixture line', (_id, _name, checked, criterion) => {
    // Act
    const decided = checked.fixtures.filter((fixture) => decidingCriterion(checked, fixture) === criterion);

    // Assess
    expect(decided.length).toBeGreaterThan(0);
  });

  it.each(
    CHECKED.filter((checked) => checked.entry.match.otherwise).map(
      (checked) => [checked.entry.id, checked] as const,
    ),
  )('%s: a fixture line reaches it as its family’s otherwise', (_id, checked) => {
    // Act
    const unmatched = checked.fixtures.filter((fixture) => decidingCriterion(checked, fixture) === undefined);

    // Assess
    expect(unmatched.length).toBeGreaterThan(0);
  });

  it.each(
    CHECKED.filter((checked) => !checked.entry.match.otherwise).map(
      (checked) => [checked.entry.id, checked] as const,
    ),
  )('%s: each of its fixture lines is decided by one of its own criteria', (_id, checked) => {
    // Act
    const unexplained = checked.fixtures.filter(
      (fixture) => decidingCriterion(checked, fixture) === undefined,
    );

    // Assess
    expect(unexplained).toEqual([]);
  });
});
