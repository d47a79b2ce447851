import { describe, expect, it } from 'vitest';
import { tokenCommandOf } from '../../../cli/doctor/token-command';

describe('tokenCommandOf', () => {
  it('reads aws eks get-token as aws eks update-kubeconfig writes it', () => {
    const command = tokenCommandOf({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'prod', '--output', 'json'],
      env: { AWS_PROFILE: 'dev' },
    });

    expect(command).toEqual({
      kind: 'aws-cli',
      command: 'aws',
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      clusterName: 'prod',
      region: 'eu-west-1',
      roleArn: undefined,
      sessionName: undefined,
      profile: 'dev',
      profileSource: 'exec env',
      envRegion: undefined,
    });
  });

  it('takes --option=value forms, --role-arn, --session-name, and --profile over AWS_PROFILE', () => {
    const command = tokenCommandOf({
      command: '/usr/local/bin/aws',
      args: [
        'eks',
        'get-token',
        '--cluster-name=prod',
        '--role-arn',
        'arn:aws:iam::111122223333:role/EksAdmin',
        '--session-name',
        'me',
        '--profile',
        'ops',
      ],
      env: { AWS_PROFILE: 'dev', AWS_REGION: 'eu-central-1' },
    });

    expect(command).toMatchObject({
      kind: 'aws-cli',
      clusterName: 'prod',
      roleArn: 'arn:aws:iam::111122223333:role/EksAdmin',
      sessionName: 'me',
      profile: 'ops',
      profileSource: 'args',
      envRegion: 'eu-central-1',
    });
  });

  it('reads aws-iam-authenticator token -i NAME -r ROLE', () => {
    const command = tokenCommandOf({
      command: 'aws-iam-authenticator',
      args: ['token', '-i', 'prod', '-r', 'arn:aws:iam::111122223333:role/EksAdmin'],
      env: {},
    });

    expect(command).toMatchObject({
      kind: 'aws-iam-authenticator',
      clusterName: 'prod',
      roleArn: 'arn:aws:iam::111122223333:role/EksAdmin',
    });
  });

  it('does not pretend to read other plugins (aws-vault, kubelogin, …)', () => {
    const command = tokenCommandOf({
      command: 'aws-vault',
      args: ['exec', 'dev', '--', 'aws', 'eks', 'get-token'],
      env: {},
    });

    expect(command.kind).toBe('other');
    expect(command.clusterName).toBeUndefined();
  });
});
