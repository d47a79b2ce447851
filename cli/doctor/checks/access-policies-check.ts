import { awsProblemOf, problemDetail } from '../aws-errors';
import { type CheckStep, fail, pass, unknown } from '../check';
import { shown } from '../shown';

const NODE_ENTRY_TYPES = new Set(['EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX', 'EC2']);

/**
 * Runbook step 10: what the access entry lets the principal do. An entry with no access policy and
 * no Kubernetes groups authenticates, then every request is Forbidden (403) — not Unauthorized.
 */
export const accessPoliciesCheck: CheckStep = {
  id: 'access-policies',
  title: 'access policies',
  async run(facts) {
    const { accessEntry, cluster, aws } = facts;
    if (accessEntry?.state === 'not used') return pass('not used in CONFIG_MAP mode');
    const entry = accessEntry?.entry;
    if (accessEntry?.state !== 'found' || !entry || !cluster || !aws)
      return unknown('no access entry to look at');
    if (entry.type && NODE_ENTRY_TYPES.has(entry.type)) {
      return pass(`${entry.type} entry: EKS gives nodes their groups, no access policy is needed`);
    }
    try {
      const policies = await aws.listAssociatedAccessPolicies(
        cluster.region,
        cluster.name,
        entry.principalArn,
      );
      const facts = { accessEntry: { ...accessEntry, policies } };
      if (policies.length > 0) {
        const names = policies.map((policy) => {
          const name = policy.policyArn.slice(policy.policyArn.lastIndexOf('/') + 1);
          const scope =
            policy.scope === 'namespace' ? `namespaces ${policy.namespaces.join(',')}` : 'cluster';
          return `${name} (${scope})`;
        });
        return pass(shown(names.join(', '), 200), facts);
      }
      if (entry.kubernetesGroups.length > 0) {
        return pass(
          `none; Kubernetes RBAC through groups ${shown(entry.kubernetesGroups.join(' '), 120)}`,
          facts,
        );
      }
      return fail(
        'none, and no Kubernetes groups: requests authenticate, then every one is Forbidden (403)',
        facts,
      );
    } catch (error) {
      const problem = awsProblemOf(error);
      return unknown(
        problemDetail(problem, 'eks:ListAssociatedAccessPolicies'),
        { accessEntry: { ...accessEntry, policies: 'unknown' } },
        problem.kind === 'access-denied' ? 'eks:ListAssociatedAccessPolicies' : undefined,
      );
    }
  },
};
