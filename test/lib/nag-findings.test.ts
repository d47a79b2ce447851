import { Stack, Validations } from 'aws-cdk-lib';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { AuthDoctor } from '../../lib/auth-doctor';
import { FULL_CONFIG, ONCALL } from './fixtures';
import { appWith, configured, synthesise } from './synth';

/** A sink: the construct refuses props that alert nobody. */

/** Every acknowledgement recorded in the tree, with its reason. */
function acknowledgements(root: IConstruct): { id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id,
          reason: String(reason),
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('find nothing unacknowledged in the shipped configuration', () => {
    // Prepare
    const { app } = synthesise();

    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('find nothing unacknowledged with every option switched on', () => {
    // Prepare
    const { app } = synthesise(configured(FULL_CONFIG));

    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(report.violations).toEqual([]);
  });

  it('find nothing unacknowledged when a watched cluster is defined in the same app', () => {
    // Prepare
    const app = appWith();
    const stack = new Stack(app, 'Platform');
    const cluster = new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 });
    const authDoctor = new AuthDoctor(stack, 'AuthDoctor', {
      clusters: ['legacy-eks', cluster],
      alertEmails: ONCALL,
    });

    // Act (the cluster's own findings are its owner's business)
    const report = new AwsSolutionsChecks().validateScope(authDoctor);

    // Assess
    expect(report.violations).toEqual([]);
  });

  it('do report findings that nobody acknowledged, so the checks above can fail', () => {
    // Prepare
    const app = appWith();
    const stack = new Stack(app, 'Bare');
    new sqs.Queue(stack, 'Queue');

    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
  });
});

describe('the acknowledgements', () => {
  it('each carry a reason of their own, not a placeholder', () => {
    // Prepare
    const { app } = synthesise(configured(FULL_CONFIG));

    // Act
    const acks = acknowledgements(app);

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, ack.id).toBeGreaterThan(40);
      expect(ack.reason, ack.id).not.toMatch(/^(todo|n\/a|suppress|ignore)/i);
    }
  });
});
