import { describe, expect, it } from 'vitest';
import { renderText } from '../../../../lambda/engine/render/text';
import type { Notification } from '../../../../lambda/engine/types';
import { ALERT, DIGEST, FOLLOWUP, SELFTEST } from './fixtures';

describe('renderText: an alert for e-mail and the terminal', () => {
  it('prints title, cause, numbered steps with indented commands, warnings, then context lines', () => {
    // Prepare
    const n = ALERT;

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toBe(
      [
        '[HIGH] Role dev-team has no access to cluster prod-eu',
        '',
        'Cause: The role passed STS but is in neither aws-auth nor an access entry.',
        'Authenticator said: ARN is not mapped',
        '',
        'Steps:',
        '  1. Create an access entry for the role.',
        '     $ aws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn arn:aws:iam::111122223333:role/dev-team',
        '  2. Give it a policy.',
        '     $ aws eks associate-access-policy --cluster-name prod-eu --principal-arn arn:aws:iam::111122223333:role/dev-team \\',
        '     >   --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster',
        '  3. Ask the user to run kubectl again.',
        '',
        'Warnings:',
        '  ! AmazonEKSClusterAdminPolicy is full admin: prefer a narrower policy.',
        '',
        'Cluster:     prod-eu',
        'Region:      eu-west-1',
        'Account:     111122223333',
        'Principal:   arn:aws:iam::111122223333:role/dev-team',
        'Session:     alice@example.com',
        'Access key:  ASIAEXAMPLE123',
        'Category:    IDENTITY_NOT_MAPPED / NOT_IN_AWS_AUTH',
        'Severity:    high',
        'Occurrences: 1',
        'Seen:        2026-11-24 14:02 UTC',
        '',
      ].join('\n'),
    );
  });

  it('prints notes under their own heading', () => {
    // Prepare
    const n: Notification = { ...ALERT, notes: ['context unavailable: DescribeCluster was denied'] };

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toContain('Notes:\n  - context unavailable: DescribeCluster was denied\n');
  });
});

describe('renderText: the other kinds', () => {
  it('prints a follow-up with count, first and last time, and the step texts only', () => {
    // Prepare
    const n = FOLLOWUP;

    // Act
    const text = renderText(n);

    // Assess
    expect(text.split('\n')[0]).toBe(
      '[REPEAT HIGH] ×412 since 2026-11-24 14:02 UTC: Role dev-team has no access to cluster prod-eu',
    );
    expect(text).toContain(
      'The same problem happened 412 more times since 2026-11-24 14:02 UTC, last at 2026-11-24 15:10 UTC.',
    );
    expect(text).toContain(
      'Fix (as before):\n  1. Create an access entry for the role.\n  2. Give it a policy.\n',
    );
    expect(text).not.toContain('$ aws');
  });

  it('prints a digest with totals and top categories', () => {
    // Prepare
    const n = DIGEST;

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toContain('[DIGEST] 412 more denials on cluster prod-eu\n');
    expect(text).toContain(
      '412 more denials from 397 principals; top categories: TOKEN_STS_HOST_REJECTED ×300, TOKEN_NOT_AWS ×100, IDENTITY_NOT_MAPPED ×12.',
    );
    expect(text).toContain('Principals: 397\n');
  });

  it('prints a self-test as "pipeline works for cluster X"', () => {
    // Prepare
    const n = SELFTEST;

    // Act
    const text = renderText(n);

    // Assess
    expect(text.startsWith('[SELFTEST] eks-auth-doctor pipeline works for cluster prod-eu\n')).toBe(true);
    expect(text).toContain('Self-test ID: 7f3a9c\n');
  });
});

describe('renderText: size', () => {
  it('cuts a 20 000-character value to 4000 and marks it', () => {
    // Prepare
    const n: Notification = { ...ALERT, notes: ['z'.repeat(20_000)] };

    // Act
    const noteLine = renderText(n)
      .split('\n')
      .find((line) => line.startsWith('  - '));

    // Assess
    expect(noteLine).toBe(`  - ${'z'.repeat(3999)}…`);
  });
});
