import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOT_MAPPED_CAUSES, PLAINLY_NOT_MAPPED, SUB_CAUSES } from '../../../../lambda/engine/categories';
import { identitySubCause } from '../../../../lambda/engine/classify/identity-sub-cause';
import { TimeCache } from '../../../../lambda/engine/classify/time-cache';
import type { DiagnosisContext, Principal } from '../../../../lambda/engine/types';

const ACCOUNT = '111122223333';
const DENIED_AT = '2026-11-24T10:00:00Z';

function role(name: string, extra: Partial<Principal> = {}): Principal {
  return { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, accountId: ACCOUNT, type: 'role', name, ...extra };
}

const developer = role('developer', { session: 'bob' });

describe('explaining why a principal is not mapped', () => {
  it('says NOT_IN_AWS_AUTH when nothing more specific is known', () => {
    // Act
    const subCause = identitySubCause(developer, DENIED_AT, undefined);

    // Assess
    expect(subCause).toBe('NOT_IN_AWS_AUTH');
  });

  it('says NODE_ROLE_NOT_MAPPED when the STS session is an instance ID', () => {
    // Prepare
    const node = role('workers', { session: 'i-0123456789abcdef0' });

    // Act
    const subCause = identitySubCause(node, DENIED_AT, undefined);

    // Assess
    expect(subCause).toBe('NODE_ROLE_NOT_MAPPED');
  });

  it('guesses a node role by its name only when the session is unknown', () => {
    // Act
    const withoutSession = identitySubCause(role('eksctl-prod-NodeInstanceRole-ABC'), DENIED_AT, undefined);
    const withSession = identitySubCause(
      role('eksctl-prod-NodeInstanceRole-ABC', { session: 'alice' }),
      DENIED_AT,
      undefined,
    );

    // Assess
    expect(withoutSession).toBe('NODE_ROLE_NOT_MAPPED');
    expect(withSession).toBe('NOT_IN_AWS_AUTH');
  });

  it('says SSO_ROLE for an IAM Identity Center role', () => {
    // Act
    const subCause = identitySubCause(
      role('AWSReservedSSO_AdministratorAccess_0123456789abcdef'),
      DENIED_AT,
      undefined,
    );

    // Assess
    expect(subCause).toBe('SSO_ROLE');
  });

  it('says FOREIGN_ACCOUNT when the principal is not of the cluster account', () => {
    // Prepare
    const outsider = {
      ...developer,
      arn: 'arn:aws:iam::999988887777:role/developer',
      accountId: '999988887777',
    };

    // Act
    const subCause = identitySubCause(outsider, DENIED_AT, { cluster: { accountId: ACCOUNT } });

    // Assess
    expect(subCause).toBe('FOREIGN_ACCOUNT');
  });

  it('does not call a principal foreign when either account is unknown', () => {
    // Prepare
    const withoutAccount = { ...developer, accountId: undefined };

    // Act
    const unknownPrincipalAccount = identitySubCause(withoutAccount, DENIED_AT, {
      cluster: { accountId: ACCOUNT },
    });
    const unknownClusterAccount = identitySubCause(developer, DENIED_AT, { cluster: {} });

    // Assess
    expect(unknownPrincipalAccount).toBe('NOT_IN_AWS_AUTH');
    expect(unknownClusterAccount).toBe('NOT_IN_AWS_AUTH');
  });

  it('says MODE_API_IGNORES_AWS_AUTH in API mode without an access entry', () => {
    // Act
    const subCause = identitySubCause(developer, DENIED_AT, { cluster: { authenticationMode: 'API' } });

    // Assess
    expect(subCause).toBe('MODE_API_IGNORES_AWS_AUTH');
  });

  it.each(['API', 'API_AND_CONFIG_MAP'] as const)(
    'says ACCESS_ENTRY_STALE_PRINCIPAL in %s mode when an access entry exists yet the principal is denied',
    (mode) => {
      // Prepare
      const context: DiagnosisContext = {
        cluster: { authenticationMode: mode },
        principal: { hasAccessEntry: true },
      };

      // Act
      const subCause = identitySubCause(developer, DENIED_AT, context);

      // Assess
      expect(subCause).toBe('ACCESS_ENTRY_STALE_PRINCIPAL');
    },
  );

  it('ignores an access entry in CONFIG_MAP mode, where entries are not consulted', () => {
    // Prepare
    const context: DiagnosisContext = {
      cluster: { authenticationMode: 'CONFIG_MAP' },
      principal: { hasAccessEntry: true },
    };

    // Act
    const subCause = identitySubCause(developer, DENIED_AT, context);

    // Assess
    expect(subCause).toBe('NOT_IN_AWS_AUTH');
  });

  it('says AWS_AUTH_BROKEN after a recent aws-auth parse error, even for nodes', () => {
    // Prepare
    const context: DiagnosisContext = { cluster: { awsAuthBrokenSince: '2026-11-24T09:55:00Z' } };

    // Act
    const subCause = identitySubCause(
      role('workers', { session: 'i-0123456789abcdef0' }),
      DENIED_AT,
      context,
    );

    // Assess
    expect(subCause).toBe('AWS_AUTH_BROKEN');
  });

  it('does not blame a parse error older than a day, nor one in API mode', () => {
    // Act
    const old = identitySubCause(developer, DENIED_AT, {
      cluster: { awsAuthBrokenSince: '2026-11-22T09:00:00Z' },
    });
    const inApiMode = identitySubCause(developer, DENIED_AT, {
      cluster: { awsAuthBrokenSince: '2026-11-24T09:55:00Z', authenticationMode: 'API' },
    });

    // Assess
    expect(old).toBe('NOT_IN_AWS_AUTH');
    expect(inApiMode).toBe('MODE_API_IGNORES_AWS_AUTH');
  });

  it('does not blame a parse error logged after the denial', () => {
    // Act
    const subCause = identitySubCause(developer, DENIED_AT, {
      cluster: { awsAuthBrokenSince: '2026-11-24T10:05:00Z' },
    });

    // Assess
    expect(subCause).toBe('NOT_IN_AWS_AUTH');
  });

  it('takes a recent fact at face value when the denial has no readable time', () => {
    // Act
    const withoutTime = identitySubCause(developer, undefined, {
      principal: { lastGrantedAt: '2026-11-24T09:40:00Z' },
    });
    const withGarbageTime = identitySubCause(developer, 'yesterday', {
      principal: { lastGrantedAt: '2026-11-24T09:40:00Z' },
    });

    // Assess
    expect(withoutTime).toBe('ACCESS_REMOVED_RECENTLY');
    expect(withGarbageTime).toBe('ACCESS_REMOVED_RECENTLY');
  });

  it('ignores a fact whose time is not a time', () => {
    // Act
    const subCause = identitySubCause(developer, DENIED_AT, { principal: { lastGrantedAt: 'recently' } });

    // Assess
    expect(subCause).toBe('NOT_IN_AWS_AUTH');
  });

  it('says ACCESS_REMOVED_RECENTLY when the same principal was granted access shortly before', () => {
    // Act
    const subCause = identitySubCause(developer, DENIED_AT, {
      principal: { lastGrantedAt: '2026-11-24T09:40:00Z' },
    });

    // Assess
    expect(subCause).toBe('ACCESS_REMOVED_RECENTLY');
  });

  it('says CREATOR_LOST when the denied principal is the cluster creator', () => {
    // Prepare
    const context: DiagnosisContext = { cluster: { creatorArn: developer.arn.toUpperCase() } };

    // Act
    const subCause = identitySubCause(developer, DENIED_AT, context);

    // Assess
    expect(subCause).toBe('CREATOR_LOST');
  });

  it('says ROLE_PATH_IN_AWS_AUTH when aws-auth names the role with its path', () => {
    // Prepare
    const context: DiagnosisContext = {
      cluster: { awsAuthArns: [`arn:aws:iam::${ACCOUNT}:role/teams/platform/developer`] },
    };

    // Act
    const subCause = identitySubCause(developer, DENIED_AT, context);

    // Assess
    expect(subCause).toBe('ROLE_PATH_IN_AWS_AUTH');
  });

  it('says ASSUMED_ROLE_ARN_IN_AWS_AUTH when aws-auth names the assumed-role ARN', () => {
    // Prepare
    const context: DiagnosisContext = {
      cluster: { awsAuthArns: [`arn:aws:sts::${ACCOUNT}:assumed-role/developer/bob`] },
    };

    // Act
    const subCause = identitySubCause(developer, DENIED_AT, context);

    // Assess
    expect(subCause).toBe('ASSUMED_ROLE_ARN_IN_AWS_AUTH');
  });

  it('goes by the first aws-auth entry that names the role in a wrong form', () => {
    // Prepare
    const context: DiagnosisContext = {
      cluster: {
        awsAuthArns: [
          `arn:aws:iam::${ACCOUNT}:role/developer`,
          `arn:aws:iam::${ACCOUNT}:role/teams/developer`,
          `arn:aws:sts::${ACCOUNT}:assumed-role/developer/bob`,
        ],
      },
    };

    // Act
    const subCause = identitySubCause(developer, DENIED_AT, context);

    // Assess
    expect(subCause).toBe('ROLE_PATH_IN_AWS_AUTH');
  });

  it('says ROLE_PATH_IN_AWS_AUTH for an SSO role mapped with the aws-reserved path', () => {
    // Prepare
    const sso = role('AWSReservedSSO_Admin_0123456789abcdef');
    const context: DiagnosisContext = {
      cluster: {
        awsAuthArns: [
          `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef`,
        ],
      },
    };

    // Act
    const subCause = identitySubCause(sso, DENIED_AT, context);

    // Assess
    expect(subCause).toBe('ROLE_PATH_IN_AWS_AUTH');
  });

  it('prefers the broken aws-auth over every other explanation', () => {
    // Prepare
    const context: DiagnosisContext = {
      cluster: { awsAuthBrokenSince: '2026-11-24T09:59:00Z', accountId: '999988887777' },
      principal: { lastGrantedAt: '2026-11-24T09:00:00Z' },
    };

    // Act
    const subCause = identitySubCause(developer, DENIED_AT, context);

    // Assess
    expect(subCause).toBe('AWS_AUTH_BROKEN');
  });

  it.each([
    ['MODE_API_IGNORES_AWS_AUTH', { cluster: { authenticationMode: 'API' } }],
    [
      'NOT_IN_AWS_AUTH',
      { cluster: { authenticationMode: 'API_AND_CONFIG_MAP' }, principal: { hasAccessEntry: true } },
    ],
    ['AWS_AUTH_BROKEN', { cluster: { awsAuthBrokenSince: '2026-11-24T09:55:00Z' } }],
  ] as const)('says %s without a principal: only cluster-wide explanations can hold', (expected, context) => {
    // Act
    const subCause = identitySubCause(undefined, DENIED_AT, context);

    // Assess
    expect(subCause).toBe(expected);
  });
});

describe('the order of the explanations', () => {
  it('tries them from the most specific to the most generic, each once', () => {
    // Act
    const order = NOT_MAPPED_CAUSES.map((cause) => cause.subCause);

    // Assess
    expect(order).toEqual([
      'AWS_AUTH_DELETED',
      'ACCESS_ENTRIES_BROKEN',
      'AWS_AUTH_BROKEN',
      'ACCESS_ENTRY_STALE_PRINCIPAL',
      'FOREIGN_ACCOUNT',
      'CREATOR_LOST',
      'ACCESS_REMOVED_RECENTLY',
      'NODE_ROLE_NOT_MAPPED',
      'MODE_API_IGNORES_AWS_AUTH',
      'ASSUMED_ROLE_ARN_IN_AWS_AUTH',
      'ROLE_PATH_IN_AWS_AUTH',
      'SSO_ROLE',
      'NOT_IN_AWS_AUTH',
    ]);
    expect([...order].sort()).toEqual([...SUB_CAUSES].sort());
  });

  it('ends with the plain not-mapped explanation, which holds whatever is known', () => {
    // Assess
    expect(NOT_MAPPED_CAUSES.at(-1)).toBe(PLAINLY_NOT_MAPPED);
    expect(identitySubCause(undefined, undefined, undefined)).toBe('NOT_IN_AWS_AUTH');
  });

  it('prefers a stale access entry over a foreign account, and a foreign account over the creator', () => {
    // Prepare
    const foreign = { ...developer, accountId: '999988887777' };
    const facts = {
      cluster: { accountId: ACCOUNT, authenticationMode: 'API' as const, creatorArn: developer.arn },
    };

    // Act
    const stale = identitySubCause(foreign, DENIED_AT, { ...facts, principal: { hasAccessEntry: true } });
    const notStale = identitySubCause(foreign, DENIED_AT, facts);

    // Assess
    expect(stale).toBe('ACCESS_ENTRY_STALE_PRINCIPAL');
    expect(notStale).toBe('FOREIGN_ACCOUNT');
  });

  it('prefers a recent removal over a node role, and a node role over the API mode', () => {
    // Prepare
    const node = role('workers', { session: 'i-0123456789abcdef0' });
    const apiMode: DiagnosisContext = { cluster: { authenticationMode: 'API' } };

    // Act
    const removed = identitySubCause(node, DENIED_AT, {
      ...apiMode,
      principal: { lastGrantedAt: '2026-11-24T09:40:00Z' },
    });
    const nodeInApiMode = identitySubCause(node, DENIED_AT, apiMode);

    // Assess
    expect(removed).toBe('ACCESS_REMOVED_RECENTLY');
    expect(nodeInApiMode).toBe('NODE_ROLE_NOT_MAPPED');
  });
});

describe('reading times through the caller’s cache', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('parses the denial time and the grant time once for a storm of denials sharing them', () => {
    // Prepare
    const parse = vi.spyOn(Date, 'parse');
    const times = new TimeCache();
    const context: DiagnosisContext = { principal: { lastGrantedAt: '2026-11-24T09:40:00Z' } };

    // Act
    for (let i = 0; i < 50; i++) identitySubCause(developer, DENIED_AT, context, times);

    // Assess
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('gives the same answers with or without a cache of its own', () => {
    // Prepare
    const times = new TimeCache();
    const contexts: DiagnosisContext[] = [
      { principal: { lastGrantedAt: '2026-11-24T09:40:00Z' } },
      { cluster: { awsAuthBrokenSince: '2026-11-22T09:00:00Z' } },
      { cluster: { awsAuthBrokenSince: '2026-11-24T09:59:00Z' } },
    ];

    // Act
    const shared = contexts.map((context) => identitySubCause(developer, DENIED_AT, context, times));
    const fresh = contexts.map((context) => identitySubCause(developer, DENIED_AT, context));

    // Assess
    expect(shared).toEqual(fresh);
    expect(shared).toEqual(['ACCESS_REMOVED_RECENTLY', 'NOT_IN_AWS_AUTH', 'AWS_AUTH_BROKEN']);
  });
});
