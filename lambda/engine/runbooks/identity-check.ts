import type { FixStep } from '../types';
import { callerIdentity } from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { PLACEHOLDER } from '../wording/names';
import { optional } from './conditional';

/** Runbook: which identity does the client really use, and is it the denied one? */
export function identityCheckSteps(request: FixRequest): FixStep[] {
  return [callerIdentityStep(request), namedProfileStep()];
}

/** The same check for the profile kubectl names, when it names one: a look, left out by compact sinks. */
export function namedProfileStep(): FixStep {
  return optional({
    text: "If kubectl uses a named AWS profile (`AWS_PROFILE` in the kubeconfig user's exec env, or `--profile` in its args), check that profile instead.",
    command: callerIdentity(PLACEHOLDER.profile),
  });
}

/** Which IAM identity the AWS CLI on the affected machine uses, compared with the denied one. */
export function callerIdentityStep(request: FixRequest): FixStep {
  const compare = request.principal.known
    ? `compare its Arn with the denied ${request.principal.arn}`
    : 'check that it is the identity you expect (it is the one that signed the token)';
  const creator = request.creatorArn
    ? ` If you meant to act as the cluster creator (${request.creatorArn}), switch to that identity.`
    : '';
  return {
    text: `On the affected machine, check which IAM identity the AWS CLI uses and ${compare}.${creator}`,
    command: callerIdentity(),
  };
}
