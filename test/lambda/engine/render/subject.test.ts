import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertSubject, SUBJECT_MAX } from '../../../../lambda/engine/render/subject';
import type { Notification } from '../../../../lambda/engine/types';
import { ALERT, DIGEST, FOLLOWUP, SELFTEST } from './fixtures';
import { problemName, sampleAlerts } from './sample-alerts';

describe('alertSubject: severity, cluster and the problem in words', () => {
  it('names severity, cluster, problem and principal for every alert of the sample', () => {
    // Act
    const subjects = sampleAlerts().map((n) => [problemName(n), alertSubject(n)]);

    // Assess
    expect(subjects).toEqual([
      [
        'IDENTITY_NOT_MAPPED/NOT_IN_AWS_AUTH',
        'EKS auth [HIGH] prod: IAM role is not mapped to a Kubernetes identity (role/developer)',
      ],
      [
        'IDENTITY_NOT_MAPPED/SSO_ROLE',
        'EKS auth [HIGH] prod: IAM Identity Center role is not mapped (role/AWSReservedSSO...)',
      ],
      ['STS_EXPIRED_CREDENTIALS', 'EKS auth [MEDIUM] prod: AWS session credentials expired'],
      ['STS_INVALID_CLIENT_TOKEN', 'EKS auth [MEDIUM] prod: AWS credentials are invalid'],
      ['STS_SIGNATURE_MISMATCH', 'EKS auth [MEDIUM] prod: Token was signed for another cluster'],
      ['TOKEN_EXPIRED', 'EKS auth [MEDIUM] prod: Token expired before it was used'],
      ['TOKEN_NOT_AWS', 'EKS auth [LOW] prod: Token is not an EKS IAM token'],
      [
        'TOKEN_STS_HOST_REJECTED',
        'EKS auth [MEDIUM] prod: Token signed for an STS host the authenticator rejects',
      ],
      [
        'IDENTITY_NOT_MAPPED/FOREIGN_ACCOUNT',
        'EKS auth [MEDIUM] prod: Principal from an external AWS account... (999988887777 role/ci-deployer)',
      ],
      [
        'TEMPLATE_SESSION_NOT_INSTANCE_ID',
        'EKS auth [HIGH] prod: Someone is using a node role outside a node (role/eks-node-group-role)',
      ],
      ['STS_THROTTLED', 'EKS auth [HIGH] prod: STS throttled the authenticator'],
      [
        'AWS_AUTH_PARSE_ERROR',
        'EKS auth [CRITICAL] prod: aws-auth failed to parse: its mappings were dropped (YAML line 7)',
      ],
      [
        'IDENTITY_NOT_MAPPED/AWS_AUTH_BROKEN',
        'EKS auth [CRITICAL] prod: aws-auth failed to parse: its mappings were... (role/platform-oncall)',
      ],
      [
        'IDENTITY_NOT_MAPPED/AWS_AUTH_BROKEN',
        'EKS auth [CRITICAL] prod: aws-auth failed to parse: its mappings were... (role/eks-node-group-role)',
      ],
      ['MAPPER_LOOKUP_ERROR', 'EKS auth [HIGH] prod: Authenticator mapping backend failed'],
    ]);
  });

  it('gives the three aws-auth breakages of the sample three different subjects', () => {
    // Act
    const subjects = sampleAlerts()
      .filter(
        (n) => n.finding?.category === 'AWS_AUTH_PARSE_ERROR' || n.finding?.subCause === 'AWS_AUTH_BROKEN',
      )
      .map(alertSubject);

    // Assess
    expect(subjects).toHaveLength(3);
    expect(new Set(subjects).size).toBe(3);
  });

  it('words the other kinds: follow-up, digest, self-test', () => {
    // Act
    const subjects = [FOLLOWUP, DIGEST, SELFTEST].map(alertSubject);

    // Assess
    expect(subjects).toEqual([
      'EKS auth [REPEAT HIGH] prod-eu: x412 Role dev-team has no access to cluster prod-eu (role/dev-team)',
      'EKS auth [DIGEST] prod-eu: 412 more denials (397 principals)',
      'EKS auth [SELFTEST] prod-eu: the alert pipeline works',
    ]);
  });
});

describe('alertSubject: SNS limits, for any input', () => {
  const words = fc.array(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 30 });

  it('stays printable ASCII under 100 characters and cuts only between words', () => {
    fc.assert(
      fc.property(words, fc.string({ maxLength: 120 }), (title, cluster) => {
        // Prepare
        const n: Notification = {
          ...ALERT,
          cluster: { ...ALERT.cluster, clusterName: cluster },
          fix: { ...(ALERT.fix as NonNullable<Notification['fix']>), title: title.join(' ') },
        };

        // Act
        const subject = alertSubject(n);

        // Assess
        expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
        expect(subject).toMatch(/^[\x20-\x7e]+$/);
        expect(subject).toMatch(/^EKS auth \[HIGH\] /);
      }),
    );
  });

  it('shortens a long title at a word boundary and keeps the principal', () => {
    // Prepare
    const title =
      'IAM role is not mapped to a Kubernetes identity because of something rather long indeed today';
    const n: Notification = { ...ALERT, fix: { ...(ALERT.fix as NonNullable<Notification['fix']>), title } };

    // Act
    const subject = alertSubject(n);

    // Assess
    expect(subject).toBe(
      'EKS auth [HIGH] prod-eu: IAM role is not mapped to a Kubernetes identity because... (role/dev-team)',
    );
  });
});
