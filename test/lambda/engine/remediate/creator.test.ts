import { describe, expect, it } from 'vitest';
import { CATEGORIES, SUB_CAUSES } from '../../../../lambda/engine/categories';
import { remediate } from '../../../../lambda/engine/remediate';
import type { Fix } from '../../../../lambda/engine/types';
import { aCluster, aFindingOf, CLUSTER_ACCOUNT, commandsOf, MODES, notMapped } from './fixtures';

const CREATOR_ROLE = `arn:aws:iam::${CLUSTER_ACCOUNT}:role/cluster-creator`;
const CREATOR_USER = `arn:aws:iam::${CLUSTER_ACCOUNT}:user/alice`;

/** A lock-out fix: one that tells how to get back in when the reader is locked out too. */
function isLockOut(fix: Fix): boolean {
  return fix.steps.some((step) => step.text.startsWith('If you are locked out too'));
}

/** Every fix there is: each category, and each sub-cause of IDENTITY_NOT_MAPPED, in each mode. */
function everyFix(creatorArn: string | undefined): { name: string; fix: Fix }[] {
  return MODES.flatMap((mode) => {
    const context = { cluster: aCluster({ authenticationMode: mode, creatorArn }) };
    return [
      ...CATEGORIES.map((category) => ({
        name: `${category} ${mode}`,
        fix: remediate(aFindingOf(category), context),
      })),
      ...SUB_CAUSES.map((subCause) => ({
        name: `${subCause} ${mode}`,
        fix: remediate(notMapped(subCause), context),
      })),
    ];
  });
}

describe('the creator named in every lock-out fix', () => {
  it('a creator role: every lock-out fix says how to act as it with update-kubeconfig --role-arn', () => {
    // Act
    const lockOuts = everyFix(CREATOR_ROLE).filter(({ fix }) => isLockOut(fix));

    // Assess
    expect(lockOuts.length).toBeGreaterThan(10);
    for (const { fix } of lockOuts) {
      expect(commandsOf(fix)).toContain(
        `aws eks update-kubeconfig --name prod-eu --region eu-west-1 --role-arn ${CREATOR_ROLE}`,
      );
    }
  });

  it('a creator user: the profile hint instead', () => {
    // Act
    const lockOuts = everyFix(CREATOR_USER).filter(({ fix }) => isLockOut(fix));

    // Assess
    for (const { fix } of lockOuts) {
      expect(fix.steps.some((step) => step.text.includes(`creator user ${CREATOR_USER}`))).toBe(true);
      expect(commandsOf(fix)).toContain(
        'aws eks update-kubeconfig --name prod-eu --region eu-west-1 --profile <profile>',
      );
    }
  });

  it('an unknown creator: the query that finds it, and no --role-arn', () => {
    // Act
    const lockOuts = everyFix(undefined).filter(({ fix }) => isLockOut(fix));

    // Assess
    for (const { fix } of lockOuts) {
      expect(commandsOf(fix).some((command) => command.includes('username=kubernetes-admin'))).toBe(true);
      expect(commandsOf(fix).some((command) => command.includes('--role-arn'))).toBe(false);
    }
  });
});
