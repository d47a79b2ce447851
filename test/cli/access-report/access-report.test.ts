import { describe, expect, it } from 'vitest';
import { buildAccessReport, type ReportInputs } from '../../../cli/access-report/access-report';
import { awsAuthOf } from '../../../cli/access-report/aws-auth-mappings';
import { loginsOf } from './principal-logins';

const ACCOUNT = '111122223333';
const CI = loginsOf(`arn:aws:iam::${ACCOUNT}:role/ci`, 'ci', ['deployers']);
const NODES = loginsOf(`arn:aws:iam::${ACCOUNT}:role/nodes`, 'system:node:ip-10-0-0-1', ['system:nodes']);

function inputs(overrides: Partial<ReportInputs>): ReportInputs {
  return {
    cluster: {
      clusterName: 'prod',
      region: 'eu-west-1',
      accountId: ACCOUNT,
      authenticationMode: 'API_AND_CONFIG_MAP',
    },
    logins: [CI, NODES],
    entries: [],
    window: {},
    notes: [],
    ...overrides,
  };
}

describe('buildAccessReport', () => {
  it('lists the principals that would be locked out first, each with its commands', () => {
    // Prepare
    const entries = [{ principalArn: `arn:aws:iam::${ACCOUNT}:role/ci`, type: 'STANDARD' }];

    // Act
    const report = buildAccessReport(inputs({ entries }));

    // Assess
    expect(report.rows.map((row) => [row.coverage, row.lockedOut])).toEqual([
      ['node role', true],
      ['covered', false],
    ]);
    expect(report.migrations.map((migration) => migration.commands.length)).toEqual([1]);
    expect(report.readiness.ready).toBe('no');
    expect(report.switchToApi).toBeUndefined();
  });

  it('on a CONFIG_MAP cluster turns access entries on before creating any', () => {
    const report = buildAccessReport(
      inputs({ cluster: { clusterName: 'prod', region: 'eu-west-1', authenticationMode: 'CONFIG_MAP' } }),
    );

    expect(report.before).toEqual([
      'aws eks update-cluster-config --name prod --region eu-west-1 --access-config authenticationMode=API_AND_CONFIG_MAP',
    ]);
  });

  it('offers the switch to API mode once nothing would be locked out', () => {
    const entries = [
      { principalArn: `arn:aws:iam::${ACCOUNT}:role/ci` },
      { principalArn: `arn:aws:iam::${ACCOUNT}:role/nodes` },
    ];

    const report = buildAccessReport(inputs({ entries }));

    expect(report.readiness.ready).toBe('yes');
    expect(report.switchToApi).toBe(
      'aws eks update-cluster-config --name prod --region eu-west-1 --access-config authenticationMode=API',
    );
  });

  it('lists the aws-auth mappings nobody used only when aws-auth was given', () => {
    const awsAuth = awsAuthOf(
      'data:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/ci\n    - rolearn: arn:aws:iam::111122223333:role/old\n',
    );

    expect(buildAccessReport(inputs({})).unusedMappings).toBeUndefined();
    expect(
      buildAccessReport(inputs({ awsAuth })).unusedMappings?.map((unused) => unused.mapping.arn),
    ).toEqual([`arn:aws:iam::${ACCOUNT}:role/old`]);
  });

  it('says so when the cluster is already in API mode and someone has no entry', () => {
    const report = buildAccessReport(
      inputs({
        cluster: { clusterName: 'prod', region: 'eu-west-1', accountId: ACCOUNT, authenticationMode: 'API' },
      }),
    );

    expect(report.notes).toContain(
      'The cluster is already in API mode, where aws-auth is ignored: a principal without an access entry logged in before the switch, or lost its entry since. It is locked out now; the commands let it back in.',
    );
  });
});
