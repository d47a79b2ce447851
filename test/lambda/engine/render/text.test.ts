import { describe, expect, it } from 'vitest';
import { renderText } from '../../../../lambda/engine/render/text';
import type { Notification } from '../../../../lambda/engine/types';
import { ALERT, DIGEST, FOLLOWUP, NOT_MAPPED_FINDING, NOT_MAPPED_FIX, SELFTEST } from './fixtures';

describe('renderText: an alert for e-mail and the terminal', () => {
  it('prints title, cause, numbered steps with indented commands, warnings, then context lines', () => {
    // Prepare
    const n = ALERT;

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toBe(
      [
        '[HIGH] prod-eu: Role dev-team has no access to cluster prod-eu',
        '',
        'Cause: The role passed STS but is in neither aws-auth nor an access entry.',
        '',
        '  1. Create an access entry for the role.',
        '     $ aws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn arn:aws:iam::111122223333:role/dev-team',
        '  2. Give it a policy.',
        '     $ aws eks associate-access-policy --cluster-name prod-eu --principal-arn arn:aws:iam::111122223333:role/dev-team \\',
        '     >   --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster',
        '  3. Ask the user to run kubectl again.',
        '',
        '! AmazonEKSClusterAdminPolicy is full admin: prefer a narrower policy.',
        '',
        'Region: eu-west-1 | Account: 111122223333 | Principal: arn:aws:iam::111122223333:role/dev-team',
        'Session: alice@example.com | Access key: ASIAEXAMPLE123 | Category: IDENTITY_NOT_MAPPED / NOT_IN_AWS_AUTH',
        'Occurrences: 1 | Seen: 2026-11-24 14:02 UTC | Authenticator said: ARN is not mapped',
        '',
      ].join('\n'),
    );
  });

  it('prints a case of the fix once, then its commands, and counts the optional steps it leaves out', () => {
    // Prepare
    const n: Notification = {
      ...ALERT,
      fix: {
        ...NOT_MAPPED_FIX,
        steps: [
          { text: 'Find the mode first.', command: 'aws eks describe-cluster --name prod-eu' },
          {
            text: 'If API: create an entry.',
            command: 'aws eks create-access-entry',
            route: 'If API: an entry',
          },
          {
            text: 'If API: give it a policy.',
            command: 'aws eks associate-access-policy',
            route: 'If API: an entry',
          },
          {
            text: 'If CONFIG_MAP: look first.',
            command: 'eksctl get iamidentitymapping',
            route: 'If CONFIG_MAP: map it',
            optional: true,
          },
          {
            text: 'If CONFIG_MAP: map it.',
            command: 'eksctl create iamidentitymapping',
            route: 'If CONFIG_MAP: map it',
          },
        ],
        warnings: [],
      },
    };

    // Act
    const lines = renderText(n).split('\n');

    // Assess
    expect(lines.slice(4, 12)).toEqual([
      '  1. Find the mode first.',
      '     $ aws eks describe-cluster --name prod-eu',
      '  2. If API: an entry:',
      '     $ aws eks create-access-entry',
      '     $ aws eks associate-access-policy',
      '  3. If CONFIG_MAP: map it:',
      '     $ eksctl create iamidentitymapping',
      '  (1 optional step and the reasons behind each case are in the Slack or chat message, or run eks-auth-doctor classify on the log.)',
    ]);
  });

  it('says where the reasons are when it printed a case as one line, even with no optional step left out', () => {
    // Prepare
    const n: Notification = {
      ...ALERT,
      fix: {
        ...NOT_MAPPED_FIX,
        steps: [
          {
            text: 'Create an entry (needs eks:CreateAccessEntry).',
            command: 'aws eks create-access-entry',
            route: 'An entry',
          },
          { text: 'Give it a policy.', command: 'aws eks associate-access-policy', route: 'An entry' },
        ],
        warnings: [],
      },
    };

    // Act
    const lines = renderText(n).split('\n');

    // Assess
    expect(lines.slice(4, 8)).toEqual([
      '  1. An entry:',
      '     $ aws eks create-access-entry',
      '     $ aws eks associate-access-policy',
      '  (The reasons behind each case are in the Slack or chat message, or run eks-auth-doctor classify on the log.)',
    ]);
  });

  it('leaves out the warnings that only the optional steps it left out need', () => {
    // Prepare
    const handEdit = 'A YAML mistake in aws-auth drops every mapping in its block.';
    const n: Notification = {
      ...ALERT,
      fix: {
        ...NOT_MAPPED_FIX,
        steps: [
          { text: 'Map it.', command: 'eksctl create iamidentitymapping' },
          {
            text: 'Or edit by hand.',
            command: 'kubectl edit configmap aws-auth -n kube-system',
            optional: true,
          },
        ],
        warnings: ['Only a cluster admin can change aws-auth.', handEdit],
        optionalWarnings: [handEdit],
      },
    };

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toContain('\n! Only a cluster admin can change aws-auth.\n');
    expect(text).not.toContain(handEdit);
  });

  it('does not repeat a detail that the cause or the authenticator already quotes', () => {
    // Prepare
    const n: Notification = {
      ...ALERT,
      finding: {
        ...NOT_MAPPED_FINDING,
        error: 'unexpected hostname "sts.evil.example" in pre-signed URL',
        details: { host: 'sts.evil.example', region: 'eu-central-1' },
      },
      fix: { ...NOT_MAPPED_FIX, summary: 'The token was presigned for the host "sts.evil.example".' },
    };

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toContain('\nDetails: region: eu-central-1\n');
    expect(text).not.toContain('host: sts.evil.example');
  });

  it('prints each note on a line of its own', () => {
    // Prepare
    const n: Notification = { ...ALERT, notes: ['context unavailable: DescribeCluster was denied'] };

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toContain('\nNote: context unavailable: DescribeCluster was denied\n');
  });
});

describe('renderText: the other kinds', () => {
  it('prints a follow-up with count, first and last time, and the steps with their commands', () => {
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
      '  1. Create an access entry for the role.\n     $ aws eks create-access-entry --cluster-name prod-eu',
    );
    expect(text).not.toContain('as before');
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
    expect(text).toContain('Self-test ID: 7f3a9c');
  });
});

describe('renderText: size', () => {
  it('cuts a 20 000-character value to 4000 and marks it', () => {
    // Prepare
    const n: Notification = { ...ALERT, notes: ['z'.repeat(20_000)] };

    // Act
    const noteLine = renderText(n)
      .split('\n')
      .find((line) => line.startsWith('Note: '));

    // Assess
    expect(noteLine).toBe(`Note: ${'z'.repeat(3999)}…`);
  });
});

describe('renderText: a digest says whom it is about', () => {
  it('lists the top principals and calls many of this account an outage', () => {
    // Prepare
    const n: Notification = {
      ...DIGEST,
      topPrincipals: [
        { arn: 'arn:aws:iam::111122223333:role/a', count: 40 },
        { arn: 'arn:aws:iam::111122223333:role/b', count: 30 },
        { arn: 'arn:aws:iam::111122223333:role/c', count: 20 },
        { arn: 'arn:aws:iam::999988887777:role/x', count: 2 },
      ],
    };

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toContain(
      '\nTop principals: arn:aws:iam::111122223333:role/a x40, arn:aws:iam::111122223333:role/b x30, arn:aws:iam::111122223333:role/c x20, arn:aws:iam::999988887777:role/x x2, and 393 more. This looks like an outage: 3 of the top principals are of this account (111122223333).\n',
    );
  });

  it('names at most five principals and counts the others of the digest', () => {
    // Prepare
    const topPrincipals = ['a', 'b', 'c', 'd', 'e', 'f'].map((name, i) => ({
      arn: `arn:aws:iam::999988887777:role/${name}`,
      count: 10 - i,
    }));
    const n: Notification = { ...DIGEST, distinctPrincipals: 6, topPrincipals };

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toContain('role/e x6, and 1 more.');
    expect(text).not.toContain('role/f');
  });

  it('calls a few principals of this account among others still a probe, and says how many are not', () => {
    // Prepare
    const n: Notification = {
      ...DIGEST,
      topPrincipals: [
        { arn: 'arn:aws:iam::999988887777:role/x', count: 50 },
        { arn: 'arn:aws:iam::999988887777:role/y', count: 40 },
        { arn: 'arn:aws:iam::111122223333:role/dev', count: 3 },
      ],
    };

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toContain('This looks like a probe: 2 of the top 3 principals are not of this account.');
  });

  it('says that the authenticator log has no client addresses, and where they are', () => {
    // Act
    const text = renderText(DIGEST);

    // Assess
    expect(text).toContain(
      '\nNote: The authenticator logs no client addresses (it sees every client as 127.0.0.1); the kube-apiserver audit log has their source IPs.\n',
    );
    expect(text).not.toMatch(/\b(?!127\.0\.0\.1\b)\d{1,3}(\.\d{1,3}){3}\b/);
  });

  it('calls principals of other accounts only a probe', () => {
    // Prepare
    const n: Notification = {
      ...DIGEST,
      topPrincipals: [{ arn: 'arn:aws:iam::999988887777:role/x', count: 300 }],
    };

    // Act
    const text = renderText(n);

    // Assess
    expect(text).toContain('This looks like a probe: the top principals are not of this account.');
  });

  it('says nothing about principals it was not given', () => {
    // Act
    const text = renderText(DIGEST);

    // Assess
    expect(text).not.toContain('Top principals');
  });
});
