import { describe, expect, it } from 'vitest';
import { credentialChoice } from '../../../../cli/doctor/checks/identity-check';
import { doctorEnvironment } from '../../../../cli/doctor/environment';
import type { DoctorFacts } from '../../../../cli/doctor/facts';
import { tokenCommandOf } from '../../../../cli/doctor/token-command';

function facts(
  env: NodeJS.ProcessEnv,
  exec: { args?: string[]; env?: Record<string, string> },
  profile?: string,
): DoctorFacts {
  return {
    options: { sinceMs: 1, sinceText: '1h', probe: false, profile },
    environment: doctorEnvironment(env),
    tokenCommand: tokenCommandOf({
      command: 'aws',
      args: ['eks', 'get-token', ...(exec.args ?? [])],
      env: exec.env ?? {},
    }),
  };
}

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'secret' };

describe('credentialChoice: which credentials the AWS CLI signs the token with', () => {
  it('an explicit --profile in the exec args wins over keys in the environment', () => {
    expect(credentialChoice(facts(KEYS, { args: ['--profile', 'ops'] })).source).toEqual({
      kind: 'profile',
      profile: 'ops',
    });
  });

  it('keys in the environment win over AWS_PROFILE, and the report says so', () => {
    const choice = credentialChoice(facts(KEYS, { env: { AWS_PROFILE: 'dev' } }));

    expect(choice.source).toEqual({
      kind: 'static',
      credentials: { accessKeyId: 'AKIDENV', secretAccessKey: 'secret' },
    });
    expect(choice.environmentKeysWin).toBe(true);
    expect(choice.label).toBe(
      'AWS_ACCESS_KEY_ID in the environment, which the AWS CLI uses instead of AWS_PROFILE=dev',
    );
  });

  it('the exec env’s AWS_PROFILE wins over the shell’s, as kubectl lays it over the environment', () => {
    expect(credentialChoice(facts({ AWS_PROFILE: 'shell' }, { env: { AWS_PROFILE: 'dev' } })).source).toEqual(
      {
        kind: 'profile',
        profile: 'dev',
      },
    );
  });

  it('the doctor’s own --profile overrides the kubeconfig', () => {
    expect(credentialChoice(facts({}, { args: ['--profile', 'ops'] }, 'audit')).source).toEqual({
      kind: 'profile',
      profile: 'audit',
    });
  });

  it('without any of these, the default chain', () => {
    expect(credentialChoice(facts({}, {})).source).toEqual({ kind: 'default-chain' });
  });
});
