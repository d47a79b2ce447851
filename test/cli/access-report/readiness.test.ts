import { describe, expect, it } from 'vitest';
import { readinessOf, wouldBeLockedOut } from '../../../cli/access-report/readiness';

describe('wouldBeLockedOut', () => {
  it.each([
    ['aws-auth only', {}, true],
    ['node role', {}, true],
    ['covered', {}, false],
    ['EKS-managed', {}, false],
    ['creator (implicit)', { authenticationMode: 'CONFIG_MAP' }, false],
    ['creator (implicit)', { authenticationMode: 'CONFIG_MAP', bootstrapCreatorAdmin: false }, true],
    ['creator (implicit)', { authenticationMode: 'API_AND_CONFIG_MAP' }, true],
  ] as const)('%s on %j: %s', (coverage, cluster, locked) => {
    expect(wouldBeLockedOut(coverage, cluster)).toBe(locked);
  });
});

describe('readinessOf', () => {
  it('says no, and how many, when someone would be locked out', () => {
    expect(readinessOf({ principals: 7, lockedOut: 2, cluster: {} })).toEqual({
      ready: 'no',
      reason: '2 principals would be locked out',
    });
  });

  it('says yes only when people logged in and all keep a way in', () => {
    expect(readinessOf({ principals: 7, lockedOut: 0, cluster: {} }).ready).toBe('yes');
  });

  it('says yes for a cluster already in API mode, naming who logged in without an entry', () => {
    expect(readinessOf({ principals: 3, lockedOut: 1, cluster: { authenticationMode: 'API' } })).toEqual({
      ready: 'yes',
      reason:
        'the cluster is already in API mode; 1 principal that logged in during the window has no access entry now',
    });
  });

  it.each([
    [{ principals: 0, lockedOut: 0, cluster: {} }, 'no access granted lines in the window'],
    [
      { principals: undefined, lockedOut: 0, loginsUnknown: 'denied', cluster: {} },
      'the authenticator log could not be read (denied)',
    ],
    [
      { principals: 3, lockedOut: 3, entriesUnknown: 'throttled', cluster: {} },
      'the access entries could not be read (throttled)',
    ],
  ])('says unknown for %j', (facts, reason) => {
    const readiness = readinessOf(facts);

    expect(readiness.ready).toBe('unknown');
    expect(readiness.reason).toContain(reason);
  });
});
