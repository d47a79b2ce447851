import type { DiagnosisContext } from '../../lambda/engine/types';
import type { DoctorFacts } from './facts';

/**
 * What the engine should know when it classifies and remediates for this person: the cluster as
 * DescribeCluster showed it, the aws-auth entries from `--aws-auth`, the creator if the log showed
 * it, and whether the principal has an access entry.
 */
export function diagnosisContextOf(facts: DoctorFacts): DiagnosisContext {
  const { cluster, target, accessEntry } = facts;
  return {
    cluster: {
      clusterName: cluster?.name ?? target?.name,
      region: cluster?.region ?? target?.region,
      accountId: cluster?.accountId,
      // Clusters from before access entries report no mode; EKS runs them as CONFIG_MAP.
      authenticationMode: cluster ? (cluster.authenticationMode ?? 'CONFIG_MAP') : undefined,
      bootstrapCreatorAdmin: cluster?.bootstrapCreatorAdmin,
      awsAuthArns: facts.awsAuth?.arns,
      creatorArn: facts.authenticatorLog?.creatorArn,
    },
    principal: {
      hasAccessEntry:
        accessEntry?.state === 'found' ? true : accessEntry?.state === 'missing' ? false : undefined,
    },
  };
}
