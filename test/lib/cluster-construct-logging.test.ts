import { type App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { AuthDoctor, AuthDoctorPropsError } from '../../lib/auth-doctor';
import { ONCALL } from './fixtures';
import { appWith } from './synth';

/** A sink: the construct refuses props that alert nobody. */

function platformStack(): { app: App; stack: Stack } {
  const app = appWith();
  return { app, stack: new Stack(app, 'Platform') };
}

const kubectlLayer = (stack: Stack) =>
  lambda.LayerVersion.fromLayerVersionArn(
    stack,
    'Kubectl',
    'arn:aws:lambda:eu-west-1:111122223333:layer:kubectl:1',
  );

describe('a cluster defined with aws-eks-v2 in the same app', () => {
  it('gets authenticator added to its own clusterLogging, keeping the types its owner chose', () => {
    // Prepare
    const { stack } = platformStack();
    const cluster = new eksv2.Cluster(stack, 'Cluster', {
      version: eksv2.KubernetesVersion.V1_32,
      clusterLogging: [eksv2.ClusterLoggingTypes.API, eksv2.ClusterLoggingTypes.AUDIT],
    });

    // Act
    new AuthDoctor(stack, 'AuthDoctor', { clusters: [cluster], alertEmails: ONCALL });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Cluster', {
      Logging: {
        ClusterLogging: { EnabledTypes: [{ Type: 'api' }, { Type: 'audit' }, { Type: 'authenticator' }] },
      },
    });
  });

  it('is prepared by the custom resource without the custom resource touching its logging', () => {
    // Prepare
    const { stack } = platformStack();
    const cluster = new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 });

    // Act
    new AuthDoctor(stack, 'AuthDoctor', { clusters: [cluster], alertEmails: ONCALL });

    // Assess
    const template = Template.fromStack(stack);
    const clusterId = Object.keys(template.findResources('AWS::EKS::Cluster'))[0] as string;
    template.hasResourceProperties('Custom::AuthenticatorLogging', {
      ClusterName: { Ref: clusterId },
      ManageLogging: 'false',
    });
    template.hasResource('Custom::AuthenticatorLogging', { DependsOn: Match.arrayWith([clusterId]) });
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Logging: { ClusterLogging: { EnabledTypes: [{ Type: 'authenticator' }] } },
    });
  });

  it('grants the logging handler no UpdateClusterConfig when no cluster needs it', () => {
    // Prepare
    const { stack } = platformStack();
    const cluster = new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 });

    // Act
    new AuthDoctor(stack, 'AuthDoctor', { clusters: [cluster], alertEmails: ONCALL });

    // Assess
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('eks:UpdateClusterConfig');
  });
});

describe('a cluster defined with aws-eks (v1) in the same app', () => {
  it('gets authenticator added to the logging its cluster resource applies', () => {
    // Prepare
    const { stack } = platformStack();
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_32,
      kubectlLayer: kubectlLayer(stack),
      clusterLogging: [eks.ClusterLoggingTypes.AUDIT],
    });

    // Act
    new AuthDoctor(stack, 'AuthDoctor', { clusters: [cluster], alertEmails: ONCALL });

    // Assess
    Template.fromStack(stack).hasResourceProperties('Custom::AWSCDK-EKS-Cluster', {
      Config: { logging: { clusterLogging: [{ enabled: true, types: ['audit', 'authenticator'] }] } },
    });
  });
});

describe('an imported cluster', () => {
  it('is handled like a cluster name: the custom resource owns its authenticator logging', () => {
    // Prepare
    const { stack } = platformStack();
    const cluster = eksv2.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'shared-eks' });

    // Act
    new AuthDoctor(stack, 'AuthDoctor', { clusters: [cluster], alertEmails: ONCALL });

    // Assess
    Template.fromStack(stack).hasResourceProperties('Custom::AuthenticatorLogging', {
      ClusterName: 'shared-eks',
      ManageLogging: 'true',
    });
  });
});

describe('invalid construct input', () => {
  it('refuses an empty cluster list', () => {
    const { stack } = platformStack();
    expect(() => new AuthDoctor(stack, 'AuthDoctor', { clusters: [] })).toThrow(AuthDoctorPropsError);
  });

  it('refuses the same cluster twice', () => {
    const { stack } = platformStack();
    expect(
      () => new AuthDoctor(stack, 'AuthDoctor', { clusters: ['prod-eks', 'prod-eks'], alertEmails: ONCALL }),
    ).toThrow(/got cluster "prod-eks" twice/);
  });
});

describe('several AuthDoctor stacks', () => {
  it('use different subscription filter names, so two stacks never overwrite each other on one log group', () => {
    // Prepare
    const app = appWith();
    const first = new Stack(app, 'TeamA');
    const second = new Stack(app, 'TeamB');

    // Act
    new AuthDoctor(first, 'AuthDoctor', { clusters: ['shared-eks'], alertEmails: ONCALL });
    new AuthDoctor(second, 'AuthDoctor', { clusters: ['shared-eks'], alertEmails: ONCALL });

    // Assess
    Template.fromStack(first).hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      FilterName: 'eks-auth-doctor-TeamA',
    });
    Template.fromStack(second).hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      FilterName: 'eks-auth-doctor-TeamB',
    });
  });
});

describe('props checked like the -c configuration', () => {
  it('refuses a misspelt prop with the one it most likely means', () => {
    const stack = new Stack(appWith(), 'Stack');
    const props = { clusters: ['prod-eks'], alertEmail: ['oncall@example.com'] };

    expect(() => new AuthDoctor(stack, 'AuthDoctor', props as never)).toThrow(
      'AuthDoctor has no prop "alertEmail"; did you mean "alertEmails"? The props are: clusters, alertEmails,',
    );
  });

  it('refuses a creatorArn that is not an IAM role or user ARN, and passes a valid one to the function', () => {
    const props = { clusters: ['prod-eks'], alertEmails: ONCALL };

    expect(
      () =>
        new AuthDoctor(new Stack(appWith(), 'A'), 'AuthDoctor', {
          ...props,
          creatorArn: 'arn:aws:sts::111122223333:assumed-role/admin/alice',
        }),
    ).toThrow(
      'AuthDoctor: creatorArn "arn:aws:sts::111122223333:assumed-role/admin/alice" is not an IAM role or user ARN',
    );
    const stack = new Stack(appWith(), 'B');
    new AuthDoctor(stack, 'AuthDoctor', { ...props, creatorArn: 'arn:aws:iam::111122223333:user/alice' });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CREATOR_ARN: 'arn:aws:iam::111122223333:user/alice' }) },
    });
  });

  it('refuses props without any sink unless allowNoSinks is set', () => {
    const app = appWith();

    expect(() => new AuthDoctor(new Stack(app, 'A'), 'AuthDoctor', { clusters: ['prod-eks'] })).toThrow(
      /^AuthDoctor: no sink is configured: .* or allowNoSinks: true if alerting nobody is what you want/,
    );
    expect(
      () => new AuthDoctor(new Stack(app, 'B'), 'AuthDoctor', { clusters: ['prod-eks'], allowNoSinks: true }),
    ).not.toThrow();
  });
});
