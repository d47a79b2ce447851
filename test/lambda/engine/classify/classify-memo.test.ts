import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORY_ENTRIES, DENIAL_CATEGORIES } from '../../../../lambda/engine/categories';
import { ClassifyMemo, categoryOf, classify, findingOf } from '../../../../lambda/engine/classify/classify';
import { MAX_KEPT_TEXT } from '../../../../lambda/engine/parse/detach';
import type { AuthenticatorRecord } from '../../../../lambda/engine/types';
import { DENIAL_FIXTURES } from '../fixtures/denial-errors';

const denial = (error: string | undefined, fields: Record<string, string> = {}): AuthenticatorRecord => ({
  time: '2026-11-24T10:00:00Z',
  level: 'warning',
  msg: 'access denied',
  fields: error === undefined ? fields : { ...fields, error },
});

const ERRORS = DENIAL_FIXTURES.map((fixture) => fixture.error);

describe("a stream's classify memo", () => {
  it('classifies every denial as a fresh classification does, in any order and repeated', () => {
    const errors = fc.oneof(fc.constantFrom(...ERRORS), fc.string({ maxLength: 60 }), fc.constant(undefined));
    fc.assert(
      fc.property(fc.array(errors, { minLength: 1, maxLength: 40 }), (sequence) => {
        const memo = new ClassifyMemo();
        for (const error of [...sequence, ...sequence]) {
          // As a line diagnoser asks: the category from the memo, then the finding through it.
          const record = denial(error);
          const category = memo.categoryOf(record);
          expect(category).toBe(categoryOf(record));
          expect(findingOf(record, category, undefined, memo)).toEqual(classify(record));
        }
      }),
    );
  });

  it('keeps the EC2 error a node lookup failure was joined to, though the same text was seen without one', () => {
    const memo = new ClassifyMemo();
    const error = DENIAL_FIXTURES.find((fixture) => fixture.variant === 'failed to find node')?.error;
    expect(classify(denial(error), undefined, memo).details.ec2Error).toBeUndefined();
    const joined = classify(denial(error, { ec2error: 'UnauthorizedOperation' }), undefined, memo);
    expect(joined.details.ec2Error).toBe('UnauthorizedOperation');
  });

  it('stays bounded under a flood of distinct errors, and still classifies each as a fresh classification does', () => {
    const memo = new ClassifyMemo();
    for (let i = 0; i < 10_000; i++) {
      const error = `${ERRORS[i % ERRORS.length]} ${i}`;
      expect(classify(denial(error), undefined, memo).category).toBe(classify(denial(error)).category);
      expect(memo.rememberedDenials).toBeLessThanOrEqual(1_024);
    }
  });

  it('remembers nothing when asked not to (a batch folds its own repeats), and classifies alike', () => {
    const memo = new ClassifyMemo(false);
    for (const error of ERRORS)
      expect(classify(denial(error), undefined, memo)).toEqual(classify(denial(error)));
    expect(memo.rememberedDenials).toBe(0);
  });

  it('keeps no error longer than a stream keeps (a forged megabyte is read afresh), and classifies it alike', () => {
    const memo = new ClassifyMemo();
    const error = `${ERRORS[0]} ${'x'.repeat(MAX_KEPT_TEXT)}`;
    for (let i = 0; i < 3; i++)
      expect(classify(denial(error), undefined, memo)).toEqual(classify(denial(error)));
    expect(memo.rememberedDenials).toBe(0);
  });

  it('reads the details of the category it is given, whatever the error was remembered as', () => {
    const memo = new ClassifyMemo();
    const record = denial(
      DENIAL_FIXTURES.find((fixture) => fixture.category === 'STS_EXPIRED_CREDENTIALS')?.error,
    );
    expect(classify(record, undefined, memo).details).not.toEqual({});
    expect(findingOf(record, 'UNKNOWN', undefined, memo).details).toEqual({});
  });
});

describe("a denial's details", () => {
  // The memo keys them by the error alone: a reader must not read other fields but the joined ec2error.
  const readers = DENIAL_CATEGORIES.flatMap((id) => {
    const read = CATEGORY_ENTRIES.get(id)?.details;
    return read === undefined ? [] : [{ id, read }];
  });

  it.each(readers)('of $id are read from the error alone', ({ read }) => {
    const other = {
      arn: 'arn:aws:iam::444455556666:role/other',
      client: '127.0.0.1:2',
      session: 'i-0abc',
      stsarn: 'x',
    };
    for (const error of ERRORS) expect(read(error, denial(error, other))).toEqual(read(error, denial(error)));
  });
});
