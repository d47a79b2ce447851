import { type AwsApi, type CallerIdentity, type CredentialSource, createAwsApi } from '../aws-api';
import { type AwsProblem, awsProblemOf, problemDetail } from '../aws-errors';
import { readAwsProfile } from '../aws-profiles';
import { type CheckOutcome, type CheckStep, fail, pass, unknown } from '../check';
import { isRegion, regionOfServer } from '../cluster-names';
import type { DoctorFacts, IdentityProblem } from '../facts';
import { shown } from '../shown';

/** `aws eks get-token --role-arn` names its session this unless `--session-name` is given. */
export const DEFAULT_SESSION_NAME = 'EKSGetTokenAuth';

/**
 * Runbook step 4: which IAM identity signs the token — the exec plugin's profile (or the environment's
 * keys, which the AWS CLI prefers over `AWS_PROFILE`), then the `--role-arn` role if there is one.
 */
export const identityCheck: CheckStep = {
  id: 'identity',
  title: 'identity',
  async run(facts) {
    const choice = credentialChoice(facts);
    let profileFacts: DoctorFacts['profile'];
    if (choice.source.kind === 'profile') {
      const profile = await readAwsProfile(choice.source.profile, {
        configFile: facts.environment.awsConfigFile,
        credentialsFile: facts.environment.awsCredentialsFile,
      });
      if (!profile.defined) {
        return fail(
          `profile ${shown(profile.name, 60)} is not defined in ${facts.environment.awsConfigFile} or ${facts.environment.awsCredentialsFile}`,
          { identityProblem: { kind: 'profile-not-found', profile: profile.name } },
        );
      }
      profileFacts = { name: profile.name, sso: profile.sso, region: profile.region };
    }
    const region = stsRegion(facts, profileFacts?.region);
    const known = { profile: profileFacts, environmentKeysWin: choice.environmentKeysWin };
    let aws: AwsApi;
    let caller: CallerIdentity;
    try {
      aws = await createAwsApi(choice.source, region);
      caller = await aws.callerIdentity();
    } catch (error) {
      return identityFailure({ kind: 'aws', problem: awsProblemOf(error) }, choice.label, known);
    }
    const roleArn = facts.tokenCommand?.roleArn;
    if (roleArn === undefined) {
      return pass(`${shown(caller.arn, 200)} (${choice.label})`, {
        ...known,
        aws,
        caller,
        signer: aws,
        signerIdentity: caller,
      });
    }
    try {
      const signer = await aws.assumeRole(roleArn, facts.tokenCommand?.sessionName ?? DEFAULT_SESSION_NAME);
      const signerIdentity = await signer.callerIdentity();
      return pass(`${shown(caller.arn, 120)} (${choice.label}) → ${shown(signerIdentity.arn, 200)}`, {
        ...known,
        aws,
        caller,
        signer,
        signerIdentity,
      });
    } catch (error) {
      const problem = awsProblemOf(error);
      if (problem.kind !== 'access-denied') {
        return identityFailure({ kind: 'aws', problem }, choice.label, { ...known, aws, caller });
      }
      return fail(
        `${shown(caller.arn, 120)} cannot assume ${shown(roleArn, 200)}: ${problem.code} (the role's trust policy must allow it, and it needs sts:AssumeRole)`,
        { ...known, aws, caller, identityProblem: { kind: 'assume-role-denied', roleArn, problem } },
      );
    }
  },
};

interface CredentialChoice {
  readonly source: CredentialSource;
  /** How the report names the source: "profile dev", "keys in the environment" … */
  readonly label: string;
  readonly environmentKeysWin: boolean;
}

/**
 * The AWS CLI's order: an explicit `--profile` first, then static keys in the environment (even when
 * `AWS_PROFILE` is set), then `AWS_PROFILE`, then the default chain. The exec block's `env` is laid
 * over the caller's environment, as kubectl does.
 */
export function credentialChoice(facts: DoctorFacts): CredentialChoice {
  const command = facts.tokenCommand;
  const explicit = facts.options.profile ?? (command?.profileSource === 'args' ? command.profile : undefined);
  if (explicit)
    return {
      source: { kind: 'profile', profile: explicit },
      label: `profile ${explicit}`,
      environmentKeysWin: false,
    };
  const envProfile = command?.profileSource === 'exec env' ? command.profile : facts.environment.awsProfile;
  const keys = facts.environment.environmentCredentials;
  if (keys) {
    return {
      source: { kind: 'static', credentials: keys },
      label: envProfile
        ? `AWS_ACCESS_KEY_ID in the environment, which the AWS CLI uses instead of AWS_PROFILE=${envProfile}`
        : 'AWS_ACCESS_KEY_ID in the environment',
      environmentKeysWin: envProfile !== undefined,
    };
  }
  if (envProfile)
    return {
      source: { kind: 'profile', profile: envProfile },
      label: `profile ${envProfile}`,
      environmentKeysWin: false,
    };
  return { source: { kind: 'default-chain' }, label: 'default credentials', environmentKeysWin: false };
}

/** Where the token command sends STS calls: its `--region`, its env, the profile's, else the cluster's. */
function stsRegion(facts: DoctorFacts, profileRegion: string | undefined): string {
  const command = facts.tokenCommand;
  const candidates = [
    command?.region,
    command?.envRegion,
    facts.environment.awsRegion,
    profileRegion,
    regionOfServer(facts.kubeconfig?.server),
    facts.options.region,
  ];
  return candidates.find(isRegion) ?? 'us-east-1';
}

function identityFailure(
  identityProblem: IdentityProblem & { problem: AwsProblem },
  label: string,
  known: Partial<DoctorFacts>,
): CheckOutcome {
  const { problem } = identityProblem;
  const detail = `${label}: ${problemDetail(problem, 'sts:GetCallerIdentity')}`;
  const facts = { ...known, identityProblem };
  // Not being able to reach STS says nothing about the credentials.
  return problem.kind === 'unreachable' || problem.kind === 'throttled' || problem.kind === 'other'
    ? unknown(detail, facts)
    : fail(detail, facts);
}
