import { describe, expect, it } from 'vitest';
import { type CoverageFacts, coverageOf, nodeEntryTypeOf } from '../../../cli/access-report/coverage';
import { loginsOf } from './principal-logins';

const ACCOUNT = '111122223333';
const NODE_GROUPS = ['system:bootstrappers', 'system:nodes'];

function facts(overrides: Partial<CoverageFacts> & Pick<CoverageFacts, 'logins'>): CoverageFacts {
  return {
    entries: [],
    accountMapped: false,
    awsAuthGiven: true,
    cluster: { accountId: ACCOUNT, authenticationMode: 'API_AND_CONFIG_MAP' },
    ...overrides,
  };
}

describe('coverage rules, first match wins', () => {
  it('calls a principal with an access entry covered, whatever else it is', () => {
    // Prepare
    const logins = loginsOf(`arn:aws:iam::${ACCOUNT}:role/nodes`, 'system:node:ip-10-0-0-1', NODE_GROUPS);
    const entry = { principalArn: `arn:aws:iam::${ACCOUNT}:role/nodes`, type: 'EC2_LINUX' };

    // Act
    const coverage = coverageOf(facts({ logins, entries: [entry] }));

    // Assess
    expect(coverage).toEqual({
      coverage: 'covered',
      because: `access entry arn:aws:iam::${ACCOUNT}:role/nodes (EC2_LINUX)`,
    });
  });

  it('says when two access entries could be the principal', () => {
    const logins = loginsOf(`arn:aws:iam::${ACCOUNT}:role/ci`, 'ci', []);
    const entries = [
      { principalArn: `arn:aws:iam::${ACCOUNT}:role/a/ci` },
      { principalArn: `arn:aws:iam::${ACCOUNT}:role/b/ci` },
    ];

    const { coverage, because } = coverageOf(facts({ logins, entries }));

    expect(coverage).toBe('covered');
    expect(because).toMatch(
      /^2 access entries could match: .*role\/a\/ci, .*role\/b\/ci\. A role name is unique/,
    );
  });

  it("calls an eks: username EKS-managed, even in the cluster's own account", () => {
    const logins = loginsOf(`arn:aws:iam::${ACCOUNT}:role/x`, 'eks:addon-manager', []);

    expect(coverageOf(facts({ logins })).coverage).toBe('EKS-managed');
  });

  it('calls a principal that joins as a node without an entry a node role', () => {
    const logins = loginsOf(`arn:aws:iam::${ACCOUNT}:role/karpenter`, 'system:node:ip-10-0-0-1', NODE_GROUPS);

    expect(coverageOf(facts({ logins }))).toEqual({
      coverage: 'node role',
      because: 'joins as a node through aws-auth and has no access entry: API mode needs an EC2_LINUX entry',
    });
  });

  it('calls kubernetes-admin in system:masters, mapped nowhere, the implicit creator', () => {
    const logins = loginsOf(`arn:aws:iam::${ACCOUNT}:role/creator`, 'kubernetes-admin', ['system:masters']);

    expect(coverageOf(facts({ logins })).coverage).toBe('creator (implicit)');
  });

  it('does not call kubernetes-admin the creator when an aws-auth mapping gives that name', () => {
    const logins = loginsOf(`arn:aws:iam::${ACCOUNT}:role/admins`, 'kubernetes-admin', ['system:masters']);
    const mapping = {
      block: 'mapRoles' as const,
      arn: `arn:aws:iam::${ACCOUNT}:role/admins`,
      username: 'kubernetes-admin',
      groups: ['system:masters'],
    };

    expect(coverageOf(facts({ logins, mapping })).coverage).toBe('aws-auth only');
  });

  it('calls a principal of another account that no mapping names EKS-managed', () => {
    const logins = loginsOf('arn:aws:iam::999900001111:role/AWSWesleyClusterManager', 'node-manager', []);

    expect(coverageOf(facts({ logins }))).toEqual({
      coverage: 'EKS-managed',
      because:
        "account 999900001111 is not the cluster's and no aws-auth mapping names it: an AWS-owned principal",
    });
  });

  it('calls a cross-account principal that aws-auth maps aws-auth only', () => {
    const arn = 'arn:aws:iam::444455556666:role/partner-ci';
    const logins = loginsOf(arn, 'partner', ['deployers']);
    const mapping = { block: 'mapRoles' as const, arn, username: 'partner', groups: ['deployers'] };

    expect(coverageOf(facts({ logins, mapping })).coverage).toBe('aws-auth only');
  });

  it('calls a principal let in by mapAccounts aws-auth only', () => {
    const logins = loginsOf('arn:aws:iam::444455556666:role/any', 'arn:aws:iam::444455556666:role/any', []);

    expect(coverageOf(facts({ logins, accountMapped: true }))).toEqual({
      coverage: 'aws-auth only',
      because: 'its account is in aws-auth mapAccounts, no access entry',
    });
  });

  it('calls anyone else aws-auth only, saying the file given does not map it', () => {
    const logins = loginsOf(`arn:aws:iam::${ACCOUNT}:role/gone`, 'gone', []);

    const { coverage, because } = coverageOf(facts({ logins }));

    expect(coverage).toBe('aws-auth only');
    expect(because).toMatch(/^no access entry, and no mapping in the aws-auth file given/);
  });
});

describe('nodeEntryTypeOf', () => {
  it.each([
    [['system:bootstrappers', 'system:nodes'], 'EC2_LINUX'],
    [['system:bootstrappers', 'system:nodes', 'eks:kube-proxy-windows'], 'EC2_WINDOWS'],
    [['system:bootstrappers', 'system:nodes', 'system:node-proxier'], 'FARGATE_LINUX'],
    [['deployers'], undefined],
  ])('reads groups %j as %s', (groups, type) => {
    const username = type ? 'system:node:ip-10-0-0-1' : 'ci';

    expect(nodeEntryTypeOf(loginsOf(`arn:aws:iam::${ACCOUNT}:role/r`, username, groups))).toBe(type);
  });
});
