import { type CheckStep, fail, pass, unknown } from '../check';
import { type KubeconfigProblem, readKubeconfigContext } from '../kubeconfig';

/** Runbook step 1: which kubeconfig context kubectl uses, and where its server is. */
export const kubeconfigCheck: CheckStep = {
  id: 'kubeconfig',
  title: 'kubeconfig',
  async run(facts) {
    const { options, environment } = facts;
    const files = options.kubeconfig ? [options.kubeconfig] : environment.kubeconfigFiles;
    const found = await readKubeconfigContext({
      files,
      explicit: options.kubeconfig !== undefined,
      context: options.context,
    });
    if ('kind' in found) {
      const detail = problemText(found);
      // Without a kubeconfig the AWS side can still be checked, for the cluster named on the command line.
      return options.cluster
        ? unknown(`${detail}; checking cluster ${options.cluster} as asked`, { kubeconfigProblem: found })
        : fail(detail, { kubeconfigProblem: found });
    }
    const server = found.server ?? '(no server)';
    return pass(`context ${found.contextName} in ${found.file} → ${server}`, { kubeconfig: found });
  },
};

function problemText(problem: KubeconfigProblem): string {
  switch (problem.kind) {
    case 'no-file':
      return `no kubeconfig at ${problem.files.join(', ')}`;
    case 'unreadable':
      return `cannot read ${problem.file}: ${problem.reason}`;
    case 'no-current-context':
      return `no current-context in ${problem.files.join(', ')} (contexts: ${list(problem.contexts)})`;
    case 'no-such-context':
      return `no context ${problem.name} in ${problem.files.join(', ')} (contexts: ${list(problem.contexts)})`;
    case 'broken-context':
      return `context ${problem.name} in ${problem.file} names a ${problem.missing} that is not defined`;
  }
}

function list(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  return names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', ');
}
