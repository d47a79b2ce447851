import { describe, expect, it } from 'vitest';
import { AccessEntryFileError, accessEntriesOf } from '../../../cli/access-report/access-entry-file';

const ROLE = 'arn:aws:iam::111122223333:role/ci';
const DESCRIBED = {
  accessEntry: {
    clusterName: 'prod',
    principalArn: ROLE,
    kubernetesGroups: ['deployers'],
    accessEntryArn: 'arn:aws:eks:eu-west-1:111122223333:access-entry/prod/role/111122223333/ci/0a1b',
    createdAt: '2026-11-10T08:37:55.871000+00:00',
    username: 'ci',
    type: 'STANDARD',
  },
};
const CI_ENTRY = {
  principalArn: ROLE,
  type: 'STANDARD',
  username: 'ci',
  kubernetesGroups: ['deployers'],
  accessEntryArn: DESCRIBED.accessEntry.accessEntryArn,
};

describe('accessEntriesOf, the shapes the AWS CLI prints', () => {
  it('reads aws eks list-access-entries output: ARNs only', () => {
    expect(accessEntriesOf(JSON.stringify({ accessEntries: [ROLE] }, null, 4))).toEqual([
      { principalArn: ROLE },
    ]);
  });

  it('reads one aws eks describe-access-entry output', () => {
    expect(accessEntriesOf(JSON.stringify(DESCRIBED, null, 4))).toEqual([CI_ENTRY]);
  });

  it('reads describe outputs one after another, as a shell loop writes them', () => {
    const other = {
      accessEntry: { principalArn: 'arn:aws:iam::111122223333:role/nodes', type: 'EC2_LINUX' },
    };

    const entries = accessEntriesOf(
      `${JSON.stringify(DESCRIBED, null, 4)}\n${JSON.stringify(other, null, 4)}\n`,
    );

    expect(entries.map((entry) => entry.principalArn)).toEqual([
      ROLE,
      'arn:aws:iam::111122223333:role/nodes',
    ]);
  });

  it('reads a JSON array of describe outputs, bare entries (--query accessEntry) and ARNs', () => {
    const text = JSON.stringify([
      DESCRIBED,
      { principalArn: 'arn:aws:iam::111122223333:role/a' },
      'arn:aws:iam::111122223333:role/b',
    ]);

    expect(accessEntriesOf(text).map((entry) => entry.principalArn)).toEqual([
      ROLE,
      'arn:aws:iam::111122223333:role/a',
      'arn:aws:iam::111122223333:role/b',
    ]);
  });

  it('merges a list and the describes of the same entries, keeping the details', () => {
    const text = `${JSON.stringify({ accessEntries: [ROLE] })}${JSON.stringify(DESCRIBED)}`;

    expect(accessEntriesOf(text)).toEqual([CI_ENTRY]);
  });

  it('is not fooled by brackets inside strings', () => {
    const tricky = { accessEntry: { principalArn: ROLE, username: 'a}{"]' } };

    expect(accessEntriesOf(JSON.stringify(tricky))[0]?.username).toBe('a}{"]');
  });

  it.each([
    ['', 'the file holds no JSON'],
    ['{"clusters": []}', 'document 1: expected the JSON output of `aws eks list-access-entries`'],
    ['{"accessEntries": [1]}', 'document 1: accessEntries[0] is not an ARN string'],
    [
      '{"accessEntries": []} {"accessEntry": {"type": "STANDARD"}}',
      'document 2: accessEntry has no principalArn',
    ],
    ['{"accessEntries": [', 'document 1 is not valid JSON'],
    ['accessEntries: []', 'document 1: expected'],
  ])('refuses %j, saying where and what it expected', (text, message) => {
    expect(() => accessEntriesOf(text)).toThrow(AccessEntryFileError);
    expect(() => accessEntriesOf(text)).toThrow(message);
  });
});
