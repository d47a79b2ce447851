import { describe, expect, it } from 'vitest';
import { remediate } from '../../../../lambda/engine/remediate';
import { PLACEHOLDER } from '../../../../lambda/engine/wording/names';
import { aCluster, aFindingOf, aRole, commandsOf, commandText, inMode, notMapped } from './fixtures';

describe('names are filled in from the context', () => {
  it('puts the cluster name and region into every command that needs them', () => {
    // Act
    const fix = remediate(
      aFindingOf('STS_SIGNATURE_MISMATCH', { principal: undefined }),
      inMode('CONFIG_MAP'),
    );

    // Assess
    expect(commandsOf(fix)).toContain('aws eks update-kubeconfig --name prod-eu --region eu-west-1');
    expect(commandsOf(fix)).toContain(
      'aws eks update-kubeconfig --name prod-eu --region eu-west-1 --profile <profile>',
    );
    expect(commandText(fix)).not.toContain(PLACEHOLDER.cluster);
    expect(commandText(fix)).not.toContain(PLACEHOLDER.region);
  });

  it('puts the principal ARN and role name from the finding into the commands', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH', aRole('data-science')), inMode('API'));

    // Assess
    expect(commandText(fix)).toContain('--principal-arn arn:aws:iam::111122223333:role/data-science');
    expect(commandText(fix)).toContain('--role-name data-science');
  });

  it('uses the log group of the named cluster in Logs Insights steps', () => {
    // Act
    const fix = remediate(aFindingOf('TOKEN_NOT_AWS', { principal: undefined }), inMode('CONFIG_MAP'));

    // Assess
    expect(fix.steps[0]?.text).toContain('/aws/eks/prod-eu/cluster');
  });

  it('uses the partition of the region in policy ARNs', () => {
    // Prepare
    const china = { cluster: aCluster({ region: 'cn-north-1', authenticationMode: 'API' as const }) };

    // Act
    const fix = remediate(
      aFindingOf('IDENTITY_NOT_MAPPED', { subCause: 'NOT_IN_AWS_AUTH', principal: undefined }),
      china,
    );

    // Assess
    expect(commandText(fix)).toContain(
      '--policy-arn arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
    );
  });

  it('uses the partition of the principal ARN in policy ARNs', () => {
    // Prepare
    const govRole = {
      ...aRole('ops'),
      arn: 'arn:aws-us-gov:iam::111122223333:role/ops',
      partition: 'aws-us-gov',
    };

    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH', govRole), inMode('API', { region: 'us-gov-west-1' }));

    // Assess
    expect(commandText(fix)).toContain('arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSViewPolicy');
    expect(commandText(fix)).toContain('--principal-arn arn:aws-us-gov:iam::111122223333:role/ops');
  });
});

describe('placeholders stand in for unknown names', () => {
  it('uses <cluster-name> and <region> without a cluster context', () => {
    // Act
    const fix = remediate(aFindingOf('STS_SIGNATURE_MISMATCH', { principal: undefined }));

    // Assess
    expect(commandsOf(fix)).toContain('aws eks update-kubeconfig --name <cluster-name> --region <region>');
    expect(fix.steps[0]?.text).toContain('exactly <cluster-name>');
  });

  it('uses <profile> for the named-profile variants, since the profile is never known', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('CONFIG_MAP'));

    // Assess
    expect(commandsOf(fix)).toContain('aws sts get-caller-identity --profile <profile>');
  });

  it('uses a role placeholder when the finding has no principal', () => {
    // Act
    const fix = remediate(
      aFindingOf('IDENTITY_NOT_MAPPED', { subCause: 'NOT_IN_AWS_AUTH', principal: undefined }),
      inMode('API'),
    );

    // Assess
    expect(commandText(fix)).toContain('--principal-arn <principal-arn>');
  });

  it('uses <account-id> and <role-name> when the principal ARN is unreadable', () => {
    // Act
    const fix = remediate(
      notMapped('ASSUMED_ROLE_ARN_IN_AWS_AUTH', { ...aRole('dev-team'), arn: 'not an arn' }),
      inMode('CONFIG_MAP', { accountId: undefined }),
    );

    // Assess
    expect(fix.summary).toContain('arn:aws:sts::<account-id>:assumed-role/<role-name>/<session>');
  });

  it.each([
    ['a cluster name with a space', { clusterName: 'prod eu' }, PLACEHOLDER.cluster],
    ['a cluster name with a shell operator', { clusterName: 'prod;id' }, PLACEHOLDER.cluster],
    ['a region that is not a region', { region: 'eu-west-1 && id' }, PLACEHOLDER.region],
  ])('replaces %s from the context with a placeholder', (_name, cluster, placeholder) => {
    // Act
    const fix = remediate(aFindingOf('TOKEN_EXPIRED', { principal: undefined }), {
      cluster: aCluster(cluster),
    });

    // Assess
    expect(commandText(fix)).toContain(placeholder);
    expect(commandText(fix)).not.toMatch(/;id|&& id|prod eu/);
  });
});
