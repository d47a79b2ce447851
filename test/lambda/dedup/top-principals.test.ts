import { describe, expect, it } from 'vitest';
import {
  mergeTopPrincipals,
  PRINCIPAL_ARN_KEPT,
  TOP_PRINCIPALS_KEPT,
} from '../../../lambda/dedup/top-principals';

const role = (name: string) => `arn:aws:iam::111122223333:role/${name}`;

describe('the top principals a digest keeps', () => {
  it('adds the counts of the same ARN and puts the most denied first', () => {
    // Act
    const top = mergeTopPrincipals(
      [
        { arn: role('a'), count: 5 },
        { arn: role('b'), count: 9 },
      ],
      [
        { arn: role('a'), count: 7 },
        { arn: role('c'), count: 1 },
      ],
    );

    // Assess
    expect(top).toEqual([
      { arn: role('a'), count: 12 },
      { arn: role('b'), count: 9 },
      { arn: role('c'), count: 1 },
    ]);
  });

  it(`keeps at most ${TOP_PRINCIPALS_KEPT}, ties in ARN order, so every writer ranks alike`, () => {
    // Prepare
    const many = Array.from({ length: 50 }, (_, i) => ({
      arn: role(`p${String(i).padStart(2, '0')}`),
      count: 1,
    }));

    // Act
    const top = mergeTopPrincipals([], [...many].reverse());

    // Assess
    expect(top).toEqual(many.slice(0, TOP_PRINCIPALS_KEPT));
  });

  it(`cuts an ARN longer than ${PRINCIPAL_ARN_KEPT} characters and marks it, so a forged one cannot bloat the item`, () => {
    // Act
    const [kept] = mergeTopPrincipals([], [{ arn: role('x'.repeat(5000)), count: 1 }]);

    // Assess
    expect(kept?.arn).toHaveLength(PRINCIPAL_ARN_KEPT);
    expect(kept?.arn.endsWith('…')).toBe(true);
  });

  it('ignores counts that are not positive whole numbers', () => {
    // Act
    const top = mergeTopPrincipals(
      [{ arn: role('a'), count: Number.NaN }],
      [
        { arn: role('b'), count: -3 },
        { arn: role('c'), count: 0.5 },
        { arn: role('d'), count: 2 },
      ],
    );

    // Assess
    expect(top).toEqual([{ arn: role('d'), count: 2 }]);
  });
});
