import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteBatch } from '../../cli/byte-batch';
import { JsonRecords } from '../../cli/json-records';
import { findingOf } from '../../lambda/engine/classify/classify';
import type { AuthenticatorRecord } from '../../lambda/engine/types';

/** What `append` writes for one record's finding, in a fresh batch. */
function appended(
  records: JsonRecords,
  record: AuthenticatorRecord,
  category: 'ACCESS_GRANTED' | 'STS_RESPONSE',
  line: number,
) {
  const batch = new ByteBatch();
  records.append(batch, findingOf(record, category), line, undefined, undefined);
  return batch.take().toString();
}

function appendedKnown(
  records: JsonRecords,
  record: AuthenticatorRecord,
  category: 'ACCESS_GRANTED' | 'STS_RESPONSE',
  line: number,
) {
  const batch = new ByteBatch();
  records.appendKnown(batch, category, record, line, undefined);
  return batch.take().toString();
}

const ROLE = 'arn:aws:iam::111122223333:role/developer';
const arns = fc.oneof(
  fc.constantFrom(
    ROLE,
    'arn:aws:sts::111122223333:assumed-role/developer/alice',
    'arn:aws:iam::111122223333:role/team/path/developer',
    'arn:aws-cn:iam::111122223333:user/ops',
    'not an arn',
    'arn:aws:iam::111122223333:role/\u202Eevil\u009B',
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

describe('JSON records of grants and STS responses, written without classifying them', () => {
  it('are byte for byte what the finding of the same record gives, for any ARN a line may name', () => {
    const grant = fc.record({
      arn: arns,
      time: fc.constantFrom(undefined, '2026-11-24T00:00:00Z', '2026-11-24T00:00:01Z'),
    });
    fc.assert(
      fc.property(fc.array(grant, { minLength: 1, maxLength: 20 }), (grants) => {
        const known = new JsonRecords();
        const classified = new JsonRecords();
        grants.forEach(({ arn, time }, index) => {
          const record = { time, level: 'info', msg: 'access granted', fields: { arn } };

          expect(appendedKnown(known, record, 'ACCESS_GRANTED', index + 1)).toBe(
            appended(classified, record, 'ACCESS_GRANTED', index + 1),
          );
        });
      }),
    );
  });

  it('write an STS response as its category alone, with its time', () => {
    const record = { time: '2026-11-24T00:00:00Z', level: 'info', msg: 'STS response', fields: {} };

    expect(JSON.parse(appendedKnown(new JsonRecords(), record, 'STS_RESPONSE', 3))).toEqual({
      line: 3,
      category: 'STS_RESPONSE',
      severity: 'info',
      time: '2026-11-24T00:00:00Z',
    });
    expect(appendedKnown(new JsonRecords(), record, 'STS_RESPONSE', 3)).toBe(
      appended(new JsonRecords(), record, 'STS_RESPONSE', 3),
    );
  });

  it('escape the controls and bidi characters of a grant ARN, as every value from the log', () => {
    const arn = 'arn:aws:iam::111122223333:role/\u202Eevil\u009B';
    const text = appendedKnown(
      new JsonRecords(),
      { msg: 'access granted', fields: { arn } },
      'ACCESS_GRANTED',
      1,
    );

    expect(text).toContain('\\u202e');
    expect(text).not.toMatch(/[\u202e\u009b]/);
    expect(JSON.parse(text).principal).toBe(arn);
  });
});
