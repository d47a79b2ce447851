import { describe, expect, it } from 'vitest';
import { CATEGORIES, SUB_CAUSES } from '../../../../lambda/engine/categories';
import { remediate } from '../../../../lambda/engine/remediate';
import type { DiagnosisContext, Fix } from '../../../../lambda/engine/types';
import { aCluster, aFindingOf, aRole, aUser, commandText, inMode, MODES, notMapped } from './fixtures';

const SYSTEM_MASTERS_WARNING = /`system:masters` is full, unrestricted cluster admin/;

function everyFix(): { name: string; fix: Fix }[] {
  const contexts: DiagnosisContext[] = [
    ...MODES.map((mode) => inMode(mode)),
    { ...inMode('API'), contextUnavailable: 'throttled' },
    inMode('CONFIG_MAP', { creatorArn: 'arn:aws:iam::111122223333:role/platform-admin' }),
  ];
  const fixes: { name: string; fix: Fix }[] = [];
  for (const context of contexts) {
    const mode = context.cluster?.authenticationMode ?? 'unknown';
    for (const category of CATEGORIES) {
      fixes.push({ name: `${category}/${mode}`, fix: remediate(aFindingOf(category), context) });
    }
    for (const subCause of SUB_CAUSES) {
      fixes.push({ name: `${subCause}/${mode}`, fix: remediate(notMapped(subCause), context) });
    }
  }
  fixes.push({
    name: 'kubernetes-admin grant',
    fix: remediate(
      aFindingOf('ACCESS_GRANTED', { details: { username: 'kubernetes-admin' } }),
      inMode('CONFIG_MAP'),
    ),
  });
  return fixes;
}

describe('the system:masters warning', () => {
  it('appears in every fix whose own text or steps mention system:masters', () => {
    // Prepare
    const body = (fix: Fix) =>
      [fix.title, fix.summary, ...fix.steps.flatMap((step) => [step.text, step.command ?? ''])].join('\n');
    const mentioning = everyFix().filter(({ fix }) => body(fix).includes('system:masters'));

    // Assess
    expect(mentioning.length).toBeGreaterThan(0);
    for (const { name, fix } of mentioning) {
      expect(
        fix.warnings.some((warning) => SYSTEM_MASTERS_WARNING.test(warning)),
        name,
      ).toBe(true);
    }
  });

  it('does not come along with another warning that merely names system:masters (the admin-policy one)', () => {
    // Prepare
    const adminOnly = everyFix().filter(
      ({ fix }) =>
        fix.warnings.some((w) => w.startsWith('AmazonEKSClusterAdminPolicy is full cluster admin')) &&
        !fix.steps.some((step) => `${step.text} ${step.command ?? ''}`.includes('system:masters')) &&
        !`${fix.title} ${fix.summary}`.includes('system:masters'),
    );

    // Assess
    expect(adminOnly.length).toBeGreaterThan(0);
    for (const { name, fix } of adminOnly) {
      expect(
        fix.warnings.some((warning) => SYSTEM_MASTERS_WARNING.test(warning)),
        name,
      ).toBe(false);
    }
  });

  it('does not appear in a fix that never mentions system:masters (a grant to the read-only group)', () => {
    // Prepare
    const body = (fix: Fix) =>
      [fix.title, fix.summary, ...fix.steps.flatMap((step) => [step.text, step.command ?? ''])].join('\n');
    const silent = everyFix().filter(({ fix }) => !body(fix).includes('system:masters'));

    // Act
    const grant = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('CONFIG_MAP'));

    // Assess
    expect(silent.length).toBeGreaterThan(0);
    for (const { name, fix } of silent) {
      expect(
        fix.warnings.some((warning) => SYSTEM_MASTERS_WARNING.test(warning)),
        name,
      ).toBe(false);
    }
    expect(grant.warnings.some((warning) => SYSTEM_MASTERS_WARNING.test(warning))).toBe(false);
  });

  it('offers the narrower alternatives: a namespaced access policy and a narrower group', () => {
    // Act: the aws-auth entry of a role listed with its path says to keep system:masters only if it was there.
    const fix = remediate(notMapped('ROLE_PATH_IN_AWS_AUTH'), inMode('CONFIG_MAP'));

    // Assess
    const warning = fix.warnings.find((text) => SYSTEM_MASTERS_WARNING.test(text)) ?? '';
    expect(warning).toContain('AmazonEKSViewPolicy');
    expect(warning).toContain('AmazonEKSEditPolicy');
    expect(warning).toContain('--access-scope type=namespace,namespaces=<namespace>');
    expect(warning).toMatch(/narrower group/);
  });

  it('never appears in the primary aws-auth command: the suggested group is not system:masters', () => {
    for (const { fix } of everyFix()) {
      // Assess
      expect(commandText(fix)).not.toContain('system:masters');
    }
  });

  it('warns that AmazonEKSClusterAdminPolicy is full admin wherever a fix associates it', () => {
    // Act
    const fix = remediate(notMapped('CREATOR_LOST'), inMode('API'));

    // Assess
    expect(commandText(fix)).toContain('AmazonEKSClusterAdminPolicy');
    expect(fix.warnings.join(' ')).toMatch(/AmazonEKSClusterAdminPolicy is full cluster admin/);
  });
});

describe('the context-unavailable warning', () => {
  it('quotes the reason and says the fix covers both aws-auth and access entries', () => {
    // Prepare
    const context: DiagnosisContext = {
      cluster: aCluster({ authenticationMode: 'CONFIG_MAP' }),
      contextUnavailable: 'AccessDeniedException: eks:DescribeCluster',
    };

    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), context);

    // Assess
    const warning = fix.warnings.find((text) => text.includes('could not be read')) ?? '';
    expect(warning).toContain('(AccessDeniedException: eks:DescribeCluster)');
    expect(warning).toMatch(/both the aws-auth ConfigMap and access entries/);
    expect(commandText(fix)).toContain('aws eks create-access-entry');
    expect(commandText(fix)).toContain('eksctl create iamidentitymapping');
  });

  it('appears on every category when the context is unavailable', () => {
    for (const category of CATEGORIES) {
      // Act
      const fix = remediate(aFindingOf(category), { contextUnavailable: 'timeout' });

      // Assess
      expect(
        fix.warnings.some((text) => text.includes('(timeout)')),
        category,
      ).toBe(true);
    }
  });

  it('does not appear when the context was read', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('API'));

    // Assess
    expect(fix.warnings.join(' ')).not.toContain('could not be read');
  });
});

describe('other caveats', () => {
  it('warns before a hand edit of aws-auth', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH', aUser('alice')), inMode('CONFIG_MAP'));

    // Assess
    expect(fix.warnings.join(' ')).toMatch(/YAML mistake in aws-auth/);
  });

  it('marks the hand-edit caveat optional where only an optional step edits aws-auth by hand', () => {
    // Act: a grant offers the hand edit as the alternative to eksctl.
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH', aUser('alice')), inMode('CONFIG_MAP'));

    // Assess
    const handEdits = fix.steps.filter((step) => step.command?.includes('kubectl edit configmap aws-auth'));
    expect(handEdits.length).toBeGreaterThan(0);
    expect(handEdits.every((step) => step.optional)).toBe(true);
    expect(fix.optionalWarnings).toEqual([expect.stringMatching(/^A YAML mistake in aws-auth/)]);
  });

  it('keeps the hand-edit caveat required where a required step edits aws-auth by hand', () => {
    // Act: repairing a broken aws-auth is a hand edit.
    const fix = remediate(aFindingOf('AWS_AUTH_PARSE_ERROR', { principal: undefined }), inMode('CONFIG_MAP'));

    // Assess
    expect(fix.warnings.join(' ')).toMatch(/YAML mistake in aws-auth/);
    expect(fix.optionalWarnings ?? []).toEqual([]);
  });

  it('only ever marks warnings it also lists as optional', () => {
    for (const { name, fix } of everyFix()) {
      // Assess
      for (const warning of fix.optionalWarnings ?? []) expect(fix.warnings, name).toContain(warning);
    }
  });

  it('warns against giving the account root user access', () => {
    // Prepare
    const root = { arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', type: 'root' as const };

    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH', root), inMode('API'));

    // Assess
    expect(fix.warnings.join(' ')).toMatch(/root user/);
  });

  it('lists each warning once', () => {
    for (const { name, fix } of everyFix()) {
      // Assess
      expect(new Set(fix.warnings).size, name).toBe(fix.warnings.length);
    }
  });

  it('has no unreadable-ARN warning when the ARN was fine', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH', aRole('dev-team')), inMode('API'));

    // Assess
    expect(fix.warnings.join(' ')).not.toMatch(/did not look like an IAM ARN/);
  });
});
