import { describe, expect, it } from 'vitest';
import { mappingOf } from '../../../../cli/doctor/checks/aws-auth-check';
import type { AuthenticatedPrincipal } from '../../../../cli/doctor/facts';
import { parseArn } from '../../../../lambda/engine/parse/arn';

function principal(arn: string): AuthenticatedPrincipal {
  const parsed = parseArn(arn);
  if (!parsed) throw new Error(arn);
  return { parsed, arn: parsed.canonical, sso: false };
}

const ROLE = principal('arn:aws:sts::111122223333:assumed-role/Dev/alice');

describe('mappingOf (aws-auth)', () => {
  it('finds the role mapped by its path-less role ARN, whatever the case', () => {
    expect(mappingOf(ROLE, ['arn:aws:iam::111122223333:role/dev'])).toMatchObject({ state: 'mapped' });
  });

  it('spots the role written with its IAM path', () => {
    expect(mappingOf(ROLE, ['arn:aws:iam::111122223333:role/team/Dev'])).toEqual({
      state: 'path',
      arns: ['arn:aws:iam::111122223333:role/team/Dev'],
      listed: 'arn:aws:iam::111122223333:role/team/Dev',
    });
  });

  it('spots the assumed-role ARN written instead of the role', () => {
    expect(mappingOf(ROLE, ['arn:aws:sts::111122223333:assumed-role/Dev/bob'])).toMatchObject({
      state: 'assumed-role',
    });
  });

  it('says not mapped when only other principals, or the same name in another account, are listed', () => {
    expect(
      mappingOf(ROLE, ['arn:aws:iam::111122223333:role/Ops', 'arn:aws:iam::444455556666:role/team/Dev']),
    ).toMatchObject({ state: 'not mapped' });
  });

  it('maps an IAM user by its user ARN, path included', () => {
    expect(
      mappingOf(principal('arn:aws:iam::111122223333:user/ops/alice'), [
        'arn:aws:iam::111122223333:user/ops/alice',
      ]),
    ).toMatchObject({ state: 'mapped' });
  });
});
