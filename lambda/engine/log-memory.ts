import type { ClusterContext, DiagnosisContext, Finding } from './types';

/**
 * What earlier lines of the same log tell about later ones, for the CLI and a Lambda batch:
 * - a `kubernetes-admin` grant names the cluster creator (CONFIG_MAP-era signal, reference §5);
 * - an aws-auth parse error explains a flood of IDENTITY_NOT_MAPPED after it;
 * - a principal granted access earlier and now not mapped had its mapping removed.
 * Bounded: the grant history forgets the principals first granted longest ago past `capacity`.
 */
export class LogMemory {
  private creatorArn: string | undefined;
  private awsAuthBrokenSince: string | undefined;
  private readonly lastGrant = new Map<string, string>();

  constructor(
    private readonly base: DiagnosisContext = {},
    private readonly capacity = 10_000,
  ) {}

  /** The context to classify a denial of `arn` with: the caller's facts first, then what was learned. */
  contextFor(arn: string | undefined): DiagnosisContext {
    const cluster: ClusterContext = {
      ...this.base.cluster,
      creatorArn: this.base.cluster?.creatorArn ?? this.creatorArn,
      awsAuthBrokenSince: this.base.cluster?.awsAuthBrokenSince ?? this.awsAuthBrokenSince,
    };
    const lastGrantedAt = arn === undefined ? undefined : this.lastGrant.get(arn);
    const principal =
      lastGrantedAt === undefined ? this.base.principal : { ...this.base.principal, lastGrantedAt };
    return { ...this.base, cluster, principal };
  }

  learn(finding: Finding): void {
    if (finding.category === 'AWS_AUTH_PARSE_ERROR' && finding.time) {
      this.awsAuthBrokenSince = finding.time;
      return;
    }
    if (finding.category !== 'ACCESS_GRANTED' || !finding.principal || !finding.time) return;
    // Keyed as logged: the authenticator writes one canonical spelling of each ARN.
    this.lastGrant.set(finding.principal.arn, finding.time);
    if (this.lastGrant.size > this.capacity) {
      const oldest = this.lastGrant.keys().next().value;
      if (oldest !== undefined) this.lastGrant.delete(oldest);
    }
    if (finding.record.fields.username === 'kubernetes-admin' && this.isCreatorSignalValid(finding)) {
      this.creatorArn = finding.principal.arn;
    }
  }

  /** In API mode, and for principals of other (AWS-owned) accounts, the username proves nothing. */
  private isCreatorSignalValid(finding: Finding): boolean {
    const cluster = this.base.cluster;
    if (cluster?.authenticationMode === 'API') return false;
    return !cluster?.accountId || finding.principal?.accountId === cluster.accountId;
  }
}
