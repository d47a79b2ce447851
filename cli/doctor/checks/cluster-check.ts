import { awsProblemOf, problemDetail } from '../aws-errors';
import { type CheckStep, fail, pass, unknown } from '../check';
import { clusterOfEntryName, isRegion, regionOfServer } from '../cluster-names';
import type { ClusterRef, DoctorFacts } from '../facts';
import { shown } from '../shown';

const BROKEN_STATUSES = new Set(['CREATING', 'DELETING', 'FAILED']);

/**
 * Runbook step 6: the cluster exists in that region, and how it authenticates. The cluster examined
 * is the one the person means: `--cluster`/`--region`, else the one the kubeconfig entry is named
 * after (`aws eks update-kubeconfig` names it by ARN), else the token's cluster in the server's region.
 */
export const clusterCheck: CheckStep = {
  id: 'cluster',
  title: 'cluster',
  async run(facts) {
    const target = targetOf(facts);
    if (!target) return unknown('no cluster name: pass --cluster NAME --region REGION');
    const where = `${shown(target.name, 100)} in ${target.region}`;
    if (!facts.aws) return unknown(`${where} not checked without AWS credentials`, { target });
    try {
      const cluster = await facts.aws.describeCluster(target.region, target.name);
      if (!cluster) {
        return fail(`no cluster ${where} (named by the ${target.from})`, {
          target,
          clusterProblem: { kind: 'not found' },
        });
      }
      const mode = cluster.authenticationMode ?? 'CONFIG_MAP (not set)';
      const detail = `${where}, account ${cluster.accountId ?? '?'}: ${cluster.status ?? '?'}, Kubernetes ${cluster.version ?? '?'}, authentication mode ${mode}`;
      return cluster.status && BROKEN_STATUSES.has(cluster.status)
        ? fail(detail, { target, cluster })
        : pass(detail, { target, cluster });
    } catch (error) {
      const problem = awsProblemOf(error);
      return unknown(
        `${where}: ${problemDetail(problem, 'eks:DescribeCluster')}`,
        { target, clusterProblem: { kind: 'aws', problem } },
        problem.kind === 'access-denied' ? 'eks:DescribeCluster' : undefined,
      );
    }
  },
};

function targetOf(facts: DoctorFacts): ClusterRef | undefined {
  const { options, kubeconfig, tokenCommand } = facts;
  const entry = clusterOfEntryName(kubeconfig?.clusterEntry) ?? clusterOfEntryName(kubeconfig?.contextName);
  const name = options.cluster ?? entry?.name ?? tokenCommand?.clusterName;
  const region = [
    options.region,
    entry?.region,
    regionOfServer(kubeconfig?.server),
    tokenCommand?.region,
    tokenCommand?.envRegion,
    facts.environment.awsRegion,
    facts.profile?.region,
  ].find(isRegion);
  if (name === undefined || region === undefined) return undefined;
  const from = options.cluster ? 'flags' : entry ? 'cluster entry' : 'token';
  return { name, region, from };
}
