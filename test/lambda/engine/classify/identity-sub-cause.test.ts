import { describe, expect, it } from 'vitest';
import { identitySubCause } from '../../../../lambda/engine/classify/identity-sub-cause';
import type { DiagnosisContext, Principal } from '../../../../lambda/engine/types';

const ACCOUNT = '111122223333';
const DENIED_AT = '2026-11-24T10:00:00Z';

function role(name: string, extra: Partial<Principal> = {}): Principal {
  return { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, accountId: ACCOUNT, type: 'role', name, ...extra };
}

const developer = role('developer', { session: 'bob' });

describe('explaining why a principal is not mapped', () => {
  it('says NOT_IN_AWS_AUTH when nothing more specific is known', () => {
    expect(identitySubCause(developer, DENIED_AT, undefined)).toBe('NOT_IN_AWS_AUTH');
  });

  it('says NODE_ROLE_NOT_MAPPED when the STS session is an instance ID', () => {
    expect(identitySubCause(role('workers', { session: 'i-0123456789abcdef0' }), DENIED_AT, undefined)).toBe(
      'NODE_ROLE_NOT_MAPPED',
    );
  });

  it('guesses a node role by its name only when the session is unknown', () => {
    expect(identitySubCause(role('eksctl-prod-NodeInstanceRole-ABC'), DENIED_AT, undefined)).toBe(
      'NODE_ROLE_NOT_MAPPED',
    );
    expect(
      identitySubCause(role('eksctl-prod-NodeInstanceRole-ABC', { session: 'alice' }), DENIED_AT, undefined),
    ).toBe('NOT_IN_AWS_AUTH');
  });

  it('says SSO_ROLE for an IAM Identity Center role', () => {
    expect(
      identitySubCause(role('AWSReservedSSO_AdministratorAccess_0123456789abcdef'), DENIED_AT, undefined),
    ).toBe('SSO_ROLE');
  });

  it('says FOREIGN_ACCOUNT when the principal is not of the cluster account', () => {
    const outsider = {
      ...developer,
      arn: 'arn:aws:iam::999988887777:role/developer',
      accountId: '999988887777',
    };

    expect(identitySubCause(outsider, DENIED_AT, { cluster: { accountId: ACCOUNT } })).toBe(
      'FOREIGN_ACCOUNT',
    );
  });

  it('says MODE_API_IGNORES_AWS_AUTH in API mode without an access entry', () => {
    expect(identitySubCause(developer, DENIED_AT, { cluster: { authenticationMode: 'API' } })).toBe(
      'MODE_API_IGNORES_AWS_AUTH',
    );
  });

  it.each(['API', 'API_AND_CONFIG_MAP'] as const)(
    'says ACCESS_ENTRY_STALE_PRINCIPAL in %s mode when an access entry exists yet the principal is denied',
    (mode) => {
      const context: DiagnosisContext = {
        cluster: { authenticationMode: mode },
        principal: { hasAccessEntry: true },
      };

      expect(identitySubCause(developer, DENIED_AT, context)).toBe('ACCESS_ENTRY_STALE_PRINCIPAL');
    },
  );

  it('ignores an access entry in CONFIG_MAP mode, where entries are not consulted', () => {
    const context: DiagnosisContext = {
      cluster: { authenticationMode: 'CONFIG_MAP' },
      principal: { hasAccessEntry: true },
    };

    expect(identitySubCause(developer, DENIED_AT, context)).toBe('NOT_IN_AWS_AUTH');
  });

  it('says AWS_AUTH_BROKEN after a recent aws-auth parse error, even for nodes', () => {
    const context: DiagnosisContext = { cluster: { awsAuthBrokenSince: '2026-11-24T09:55:00Z' } };

    expect(identitySubCause(role('workers', { session: 'i-0123456789abcdef0' }), DENIED_AT, context)).toBe(
      'AWS_AUTH_BROKEN',
    );
  });

  it('does not blame a parse error older than a day, nor one in API mode', () => {
    expect(
      identitySubCause(developer, DENIED_AT, { cluster: { awsAuthBrokenSince: '2026-11-22T09:00:00Z' } }),
    ).toBe('NOT_IN_AWS_AUTH');
    expect(
      identitySubCause(developer, DENIED_AT, {
        cluster: { awsAuthBrokenSince: '2026-11-24T09:55:00Z', authenticationMode: 'API' },
      }),
    ).toBe('MODE_API_IGNORES_AWS_AUTH');
  });

  it('says ACCESS_REMOVED_RECENTLY when the same principal was granted access shortly before', () => {
    expect(
      identitySubCause(developer, DENIED_AT, { principal: { lastGrantedAt: '2026-11-24T09:40:00Z' } }),
    ).toBe('ACCESS_REMOVED_RECENTLY');
  });

  it('says CREATOR_LOST when the denied principal is the cluster creator', () => {
    const context: DiagnosisContext = { cluster: { creatorArn: developer.arn.toUpperCase() } };

    expect(identitySubCause(developer, DENIED_AT, context)).toBe('CREATOR_LOST');
  });

  it('says ROLE_PATH_IN_AWS_AUTH when aws-auth names the role with its path', () => {
    const context: DiagnosisContext = {
      cluster: { awsAuthArns: [`arn:aws:iam::${ACCOUNT}:role/teams/platform/developer`] },
    };

    expect(identitySubCause(developer, DENIED_AT, context)).toBe('ROLE_PATH_IN_AWS_AUTH');
  });

  it('says ASSUMED_ROLE_ARN_IN_AWS_AUTH when aws-auth names the assumed-role ARN', () => {
    const context: DiagnosisContext = {
      cluster: { awsAuthArns: [`arn:aws:sts::${ACCOUNT}:assumed-role/developer/bob`] },
    };

    expect(identitySubCause(developer, DENIED_AT, context)).toBe('ASSUMED_ROLE_ARN_IN_AWS_AUTH');
  });

  it('says ROLE_PATH_IN_AWS_AUTH for an SSO role mapped with the aws-reserved path', () => {
    const sso = role('AWSReservedSSO_Admin_0123456789abcdef');
    const context: DiagnosisContext = {
      cluster: {
        awsAuthArns: [
          `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef`,
        ],
      },
    };

    expect(identitySubCause(sso, DENIED_AT, context)).toBe('ROLE_PATH_IN_AWS_AUTH');
  });

  it('prefers the broken aws-auth over every other explanation', () => {
    const context: DiagnosisContext = {
      cluster: { awsAuthBrokenSince: '2026-11-24T09:59:00Z', accountId: '999988887777' },
      principal: { lastGrantedAt: '2026-11-24T09:00:00Z' },
    };

    expect(identitySubCause(developer, DENIED_AT, context)).toBe('AWS_AUTH_BROKEN');
  });
});
