import { describe, expect, it } from 'vitest';
import { clusterOfEntries, entriesFor } from '../../../cli/access-report/access-entries';
import { parseArn } from '../../../lambda/engine/parse/arn';
import type { Principal } from '../../../lambda/engine/types';

const principal = (arn: string): Principal => parseArn(arn)?.principal as Principal;

describe('entriesFor', () => {
  it("matches a role's entry stored with its IAM path to the path-less ARN of the log", () => {
    const entry = {
      principalArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_01',
    };

    expect(
      entriesFor(principal('arn:aws:iam::111122223333:role/AWSReservedSSO_Dev_01'), [entry]).candidates,
    ).toEqual([entry]);
  });

  it('matches role names case-insensitively, as IAM names are', () => {
    const entry = { principalArn: 'arn:aws:iam::111122223333:role/CI' };

    expect(entriesFor(principal('arn:aws:iam::111122223333:role/ci'), [entry]).candidates).toHaveLength(1);
  });

  it.each([
    ['another account', 'arn:aws:iam::444455556666:role/ci'],
    ['a user of the same name', 'arn:aws:iam::111122223333:user/ci'],
    ['another role', 'arn:aws:iam::111122223333:role/ci-old'],
  ])('does not match %s', (_, arn) => {
    expect(
      entriesFor(principal('arn:aws:iam::111122223333:role/ci'), [{ principalArn: arn }]).candidates,
    ).toEqual([]);
  });

  it('returns every entry that could match, so the report can say two do', () => {
    const entries = [
      { principalArn: 'arn:aws:iam::111122223333:role/a/ci' },
      { principalArn: 'arn:aws:iam::111122223333:role/b/ci' },
    ];

    expect(entriesFor(principal('arn:aws:iam::111122223333:role/ci'), entries).candidates).toEqual(entries);
  });
});

describe('clusterOfEntries', () => {
  it("reads the cluster, region and account from the entries' accessEntryArn", () => {
    const entries = [
      {
        principalArn: 'x',
        accessEntryArn: 'arn:aws:eks:eu-west-1:111122223333:access-entry/demo/role/111122223333/ci/0a',
      },
    ];

    expect(clusterOfEntries(entries)).toEqual({
      clusterName: 'demo',
      region: 'eu-west-1',
      accountId: '111122223333',
      clusterNames: ['demo'],
    });
  });
});
