import { DescribeClusterCommand, type EKSClient, ListAccessEntriesCommand } from '@aws-sdk/client-eks';
import { LOOKUP_TIMEOUT_MS } from '../common/sdk-clients';
import { AUTHENTICATION_MODES, type AuthenticationMode } from '../engine/categories';
import { parseArn } from '../engine/parse/arn';
import type { ClusterContext, Principal } from '../engine/types';
import { withTimeout } from './timeout';

/** `arn:<partition>:eks:<region>:<account>:cluster/<name>`. */
const CLUSTER_ARN = /^arn:[\w-]+:eks:([a-z0-9-]+):(\d{12}):cluster\//;

/** Access entries read per cluster at most (100 per page): enough for any real cluster, bounded for a hostile one. */
const MAX_ACCESS_ENTRY_PAGES = 20;

/**
 * The EKS facts that change a fix: the authentication mode (access entry or aws-auth mapping), the
 * account (is the principal external?) and whether the creator got admin through an access entry.
 * Calls throw on failure (throttled, denied, slow); the caller degrades to a context-free fix.
 */
export class EksLookup {
  constructor(
    private readonly eks: EKSClient,
    private readonly timeoutMs = LOOKUP_TIMEOUT_MS,
  ) {}

  async describeCluster(clusterName: string): Promise<ClusterContext> {
    const { cluster } = await withTimeout('EKS DescribeCluster', this.timeoutMs, () =>
      this.eks.send(new DescribeClusterCommand({ name: clusterName })),
    );
    const arn = CLUSTER_ARN.exec(cluster?.arn ?? '');
    const mode = cluster?.accessConfig?.authenticationMode;
    return {
      clusterName,
      region: arn?.[1],
      accountId: arn?.[2],
      authenticationMode: isAuthenticationMode(mode) ? mode : undefined,
      bootstrapCreatorAdmin: cluster?.accessConfig?.bootstrapClusterCreatorAdminPermissions,
    };
  }

  /**
   * The principal ARNs of every access entry. Listed rather than `DescribeAccessEntry` per principal:
   * an entry stores the role ARN with its IAM path, the log only has the path-less canonical ARN, so
   * an exact describe would miss exactly the entries that matter.
   */
  async accessEntryArns(clusterName: string): Promise<readonly string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_ACCESS_ENTRY_PAGES; page++) {
      const out = await withTimeout('EKS ListAccessEntries', this.timeoutMs, () =>
        this.eks.send(new ListAccessEntriesCommand({ clusterName, maxResults: 100, nextToken })),
      );
      arns.push(...(out.accessEntries ?? []));
      nextToken = out.nextToken;
      if (!nextToken) break;
    }
    return arns;
  }
}

/** Whether one of `entryArns` is the principal's entry: same account, kind and name, any path, any case. */
export function hasAccessEntryFor(principal: Principal, entryArns: readonly string[]): boolean {
  const wanted = parseArn(principal.arn);
  if (!wanted?.name) return entryArns.some((arn) => arn.toLowerCase() === principal.arn.toLowerCase());
  return entryArns.some((arn) => {
    const entry = parseArn(arn);
    return (
      entry !== undefined &&
      entry.accountId === wanted.accountId &&
      entry.type === wanted.type &&
      entry.name?.toLowerCase() === wanted.name?.toLowerCase()
    );
  });
}

function isAuthenticationMode(mode: string | undefined): mode is AuthenticationMode {
  return (AUTHENTICATION_MODES as readonly (string | undefined)[]).includes(mode);
}
