import { parseArn } from '../../../lambda/engine/parse/arn';
import type { AwsApi } from '../aws-api';
import { awsProblemOf, problemDetail } from '../aws-errors';
import { type CheckStep, fail, pass, unknown } from '../check';
import type { AuthenticatedPrincipal } from '../facts';
import { shown } from '../shown';

/**
 * Runbook step 9 (API modes): the principal's access entry, by the full ARN an entry must name; if
 * there is none, an entry naming the same role or user by another ARN (with or without its path).
 */
export const accessEntryCheck: CheckStep = {
  id: 'access-entry',
  title: 'access entry',
  async run(facts) {
    const { cluster, principal, aws } = facts;
    if (!cluster || !principal || !aws) return unknown('not checked without the cluster and the identity');
    const mode = cluster.authenticationMode ?? 'CONFIG_MAP';
    if (mode === 'CONFIG_MAP') {
      return pass('not used: the cluster is in CONFIG_MAP mode, aws-auth decides', {
        accessEntry: { state: 'not used' },
      });
    }
    const arn = principal.fullArn ?? principal.arn;
    try {
      const entry = await aws.describeAccessEntry(cluster.region, cluster.name, arn);
      if (entry) return pass(describeEntry(entry), { accessEntry: { state: 'found', entry } });
      const others = await otherForms(aws, cluster.region, cluster.name, principal, arn);
      // Without iam:GetRole the role's path is unknown: an entry naming it with a path is its entry.
      const pathful =
        principal.fullArn === undefined ? others.find((other) => parseArn(other)?.path !== '/') : undefined;
      const found = pathful
        ? await aws.describeAccessEntry(cluster.region, cluster.name, pathful)
        : undefined;
      if (found) return pass(describeEntry(found), { accessEntry: { state: 'found', entry: found } });
      if (others.length > 0) {
        return fail(
          `none for ${arn}, but one for ${shown(others[0] ?? '', 200)}, another ARN of the same principal`,
          {
            accessEntry: { state: 'missing', otherForms: others },
          },
        );
      }
      const detail = `none for ${arn}`;
      return mode === 'API'
        ? fail(detail, { accessEntry: { state: 'missing' } })
        : unknown(`${detail} (aws-auth may still map it)`, { accessEntry: { state: 'missing' } });
    } catch (error) {
      const problem = awsProblemOf(error);
      return unknown(
        `${arn}: ${problemDetail(problem, 'eks:DescribeAccessEntry')}`,
        { accessEntry: { state: 'unknown' } },
        problem.kind === 'access-denied' ? 'eks:DescribeAccessEntry' : undefined,
      );
    }
  },
};

function describeEntry(entry: {
  principalArn: string;
  type?: string;
  username?: string;
  kubernetesGroups: readonly string[];
}) {
  const username = entry.username ? `, username ${shown(entry.username, 80)}` : '';
  const groups =
    entry.kubernetesGroups.length > 0 ? `, groups ${shown(entry.kubernetesGroups.join(' '), 120)}` : '';
  return `${entry.type ?? 'STANDARD'} entry for ${shown(entry.principalArn, 200)}${username}${groups}`;
}

/** Entries for the same account, kind and name under another ARN; best effort (ListAccessEntries may be refused). */
async function otherForms(
  aws: AwsApi,
  region: string,
  cluster: string,
  principal: AuthenticatedPrincipal,
  arn: string,
): Promise<string[]> {
  const entries = await aws.listAccessEntries(region, cluster).catch(() => [] as string[]);
  const { parsed } = principal;
  return entries.filter((entry) => {
    if (entry === arn) return false;
    const other = parseArn(entry);
    return (
      other !== undefined &&
      other.accountId === parsed.accountId &&
      other.type === parsed.type &&
      other.name?.toLowerCase() === parsed.name?.toLowerCase()
    );
  });
}
