import { describe, expect, it } from 'vitest';
import { AwsAuthFileError, awsAuthOf, mappingFor } from '../../../cli/access-report/aws-auth-mappings';
import { parseArn } from '../../../lambda/engine/parse/arn';
import type { Principal } from '../../../lambda/engine/types';

const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\ndata:\n${data}`;

describe('awsAuthOf', () => {
  it('reads mapRoles, mapUsers and mapAccounts with usernames and groups', () => {
    const text = configMap(
      [
        '  mapRoles: |',
        '    - rolearn: arn:aws:iam::111122223333:role/ci',
        '      username: ci:{{SessionName}}',
        '      groups: [deployers]',
        '  mapUsers: |',
        '    - userarn: arn:aws:iam::111122223333:user/ops',
        '      username: ops',
        '  mapAccounts: |',
        '    - 444455556666',
      ].join('\n'),
    );

    expect(awsAuthOf(text)).toEqual({
      mappings: [
        {
          block: 'mapRoles',
          arn: 'arn:aws:iam::111122223333:role/ci',
          username: 'ci:{{SessionName}}',
          groups: ['deployers'],
        },
        { block: 'mapUsers', arn: 'arn:aws:iam::111122223333:user/ops', username: 'ops', groups: [] },
      ],
      accounts: ['444455556666'],
      problems: [],
    });
  });

  it('reads the -o json form too', () => {
    const text = JSON.stringify({
      data: { mapRoles: '- rolearn: arn:aws:iam::111122223333:role/ci\n  groups: [a]\n' },
    });

    expect(awsAuthOf(text).mappings).toEqual([
      { block: 'mapRoles', arn: 'arn:aws:iam::111122223333:role/ci', username: undefined, groups: ['a'] },
    ]);
  });

  it('reports a block that does not parse and leaves all of it out, as the authenticator does', () => {
    const text = configMap(
      [
        '  mapRoles: |',
        '    - rolearn: arn:aws:iam::111122223333:role/ci',
        '      groups: [a',
        '  mapUsers: ""',
      ].join('\n'),
    );

    const awsAuth = awsAuthOf(text);

    expect(awsAuth.mappings).toEqual([]);
    expect(awsAuth.problems[0]).toMatch(
      /^mapRoles does not parse \(.*\): the authenticator drops every mapping in it$/,
    );
  });

  it('reports an entry without its ARN', () => {
    expect(awsAuthOf(configMap('  mapRoles: |\n    - username: x\n')).problems).toEqual([
      'mapRoles entry 1 has no rolearn: the authenticator skips it',
    ]);
  });

  it('refuses a file that is not a ConfigMap', () => {
    expect(() => awsAuthOf('just: text')).toThrow(AwsAuthFileError);
  });
});

describe('mappingFor', () => {
  it('finds the mapping of the canonical ARN, in any case, and never a role ARN written with its path', () => {
    const awsAuth = awsAuthOf(
      configMap(
        [
          '  mapRoles: |',
          '    - rolearn: arn:aws:iam::111122223333:role/teams/CI',
          '    - rolearn: arn:aws:iam::111122223333:role/CI',
        ].join('\n'),
      ),
    );
    const ci = parseArn('arn:aws:iam::111122223333:role/ci')?.principal as Principal;

    expect(mappingFor(ci, awsAuth)?.arn).toBe('arn:aws:iam::111122223333:role/CI');
  });
});
