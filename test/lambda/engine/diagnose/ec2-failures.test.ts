import { describe, expect, it } from 'vitest';
import { EC2_JOIN_MS, Ec2Failures } from '../../../../lambda/engine/diagnose/ec2-failures';
import type { AuthenticatorRecord } from '../../../../lambda/engine/types';

const T = Date.parse('2026-11-24T14:02:00Z');

function nodeLookupFailure(
  error = 'failed querying private DNS from EC2 API for node i-0123456789abcdef0: operation error EC2 ',
): AuthenticatorRecord {
  return { msg: 'access denied', level: 'warning', fields: { error } };
}

describe('EC2 batch failures, joined to the node lookup failures they explain', () => {
  it('gives the code of the failure nearest the denial, before or after it, within a minute', () => {
    // Prepare
    const failures = new Ec2Failures();
    failures.add(T - 50_000, 'RequestLimitExceeded');
    failures.add(T + 10_000, 'UnauthorizedOperation');

    // Act & Assess
    expect(failures.near(T)).toBe('UnauthorizedOperation');
    expect(failures.near(T - 45_000)).toBe('RequestLimitExceeded');
    expect(failures.near(T + 10_000 + EC2_JOIN_MS)).toBe('UnauthorizedOperation');
    expect(failures.near(T + 10_001 + EC2_JOIN_MS)).toBeUndefined();
  });

  it('says unknown for a failure that names no code, and nothing for a time that is not one', () => {
    // Prepare
    const failures = new Ec2Failures();
    failures.add(T, undefined);

    // Act & Assess
    expect(failures.near(T + 1_000)).toBe('unknown');
    expect(failures.near(Number.NaN)).toBeUndefined();
  });

  it('adds the code to a node lookup failure as `ec2error`, and leaves every other record as it is', () => {
    // Prepare
    const failures = new Ec2Failures();
    failures.add(T, 'UnauthorizedOperation');
    const lookup = nodeLookupFailure();
    const other = nodeLookupFailure('identity is not mapped');

    // Act
    const joined = failures.join(lookup, T + 2_000);

    // Assess
    expect(joined.fields.ec2error).toBe('UnauthorizedOperation');
    expect(lookup.fields.ec2error).toBeUndefined();
    expect(failures.join(other, T + 2_000)).toBe(other);
    expect(failures.join(lookup, T + 2 * EC2_JOIN_MS)).toBe(lookup);
  });

  it('keeps only the most recent failures past its capacity', () => {
    // Prepare
    const failures = new Ec2Failures(2);

    // Act
    failures.add(T, 'Throttling');
    failures.add(T + 300_000, 'UnauthorizedOperation');
    failures.add(T + 600_000, 'UnauthorizedOperation');

    // Assess
    expect(failures.size).toBe(2);
    expect(failures.near(T)).toBeUndefined();
  });
});
