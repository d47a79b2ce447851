import type { FixStep } from '../types';
import { KUBECONFIG_VIEW, updateKubeconfig } from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { PLACEHOLDER } from '../wording/names';
import { verifyStep } from './verify';

/** Runbook: regenerate the kubeconfig, look at it, and prove the fix with one request. */
export function reconnectSteps(request: FixRequest): FixStep[] {
  return [...kubeconfigSteps(request), verifyStep()];
}

/** Regenerate the kubeconfig entry (with a named profile if one is used), then look at the context. */
export function kubeconfigSteps(request: FixRequest): FixStep[] {
  return [
    regenerateKubeconfigStep(request),
    profileKubeconfigStep(request),
    {
      text: 'Check that the current context points at this cluster and that its exec command is `aws eks get-token` with the right `--cluster-name`.',
      command: KUBECONFIG_VIEW,
    },
  ];
}

export function regenerateKubeconfigStep(request: FixRequest): FixStep {
  return {
    text: 'Regenerate the kubeconfig entry so kubectl gets fresh tokens signed for this exact cluster name.',
    command: updateKubeconfig(request.cluster),
  };
}

export function profileKubeconfigStep(request: FixRequest): FixStep {
  return {
    text: 'If you use a named AWS profile, put it into the kubeconfig entry instead.',
    command: updateKubeconfig(request.cluster, PLACEHOLDER.profile),
  };
}
