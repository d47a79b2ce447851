import { type AuthenticationMode, CATEGORY_ENTRIES, type ClusterEffect } from '../categories';
import { switchedMode } from '../categories/lifecycle';
import { IsoTimeCache, TimeCache } from '../classify/time-cache';
import { parseArn } from '../parse/arn';
import { detach } from '../parse/detach';
import { parseLine } from '../parse/parse';
import { isAt, Literal } from '../parse/text-at';
import type { AuthenticatorRecord, ClusterContext, DiagnosisContext, Finding } from '../types';
import { Ec2Failures } from './ec2-failures';
import { GrantHistory, type LastGrant } from './grant-history';

const CREATOR_FIELD = new Literal(' username=kubernetes-admin');
const LETTER_N = 110;

/** Enough of a grant line's end to hold `username=kubernetes-admin` and a CSV/JSON wrapper's close. */
const CREATOR_TAIL = 160;

/**
 * Whether a grant line may name the creator, cheaply: EKS writes `username` last (fields are sorted),
 * so its own lines are checked at their very end and other shapes in their tail. A yes is confirmed
 * by a full parse, and only if the same principal is denied later.
 */
export function mayBeCreatorGrant(line: string): boolean {
  // Most grant lines end in a quoted username; only one ending in `n` can end in `kubernetes-admin`.
  if (isAt(line, 0, 'time="'))
    return line.charCodeAt(line.length - 1) === LETTER_N && CREATOR_FIELD.endsIn(line);
  return line.includes('kubernetes-admin', line.length - CREATOR_TAIL);
}

/**
 * Whether a grant line proves its principal is the cluster creator: it was granted as
 * `kubernetes-admin`, which proves it only outside API mode, and only for the cluster's own account.
 * Parses the whole line: asked only of lines `mayBeCreatorGrant` let through.
 */
export function provesCreator(line: string, cluster: ClusterContext | undefined): boolean {
  if (cluster?.authenticationMode === 'API') return false;
  const record = parseLine(line, { allFields: true });
  if (record?.fields.username !== 'kubernetes-admin') return false;
  return !cluster?.accountId || parseArn(record.fields.arn ?? '')?.accountId === cluster.accountId;
}

/**
 * What earlier lines of the same log tell about later ones, for the CLI and a Lambda batch:
 * - a principal granted access earlier and now not mapped had its mapping removed;
 * - if that grant was as `kubernetes-admin`, the principal is the cluster creator (CONFIG_MAP-era
 *   signal, reference §5);
 * - an aws-auth parse error explains a flood of IDENTITY_NOT_MAPPED after it.
 * Bounded: the grant history forgets the principals first granted longest ago past `capacity`
 * (see GrantHistory).
 */
export class LogMemory {
  private creatorArn: string | undefined;
  private awsAuthBrokenSince: string | undefined;
  private awsAuthBrokenBy: 'parse-error' | 'deleted' | undefined;
  private accessEntriesBrokenSince: string | undefined;
  private mode: AuthenticationMode | undefined;
  private readonly grants: GrantHistory;
  private cached: DiagnosisContext | undefined;
  private readonly times = new TimeCache();
  private readonly isoTimes = new IsoTimeCache();
  private readonly ec2Failures = new Ec2Failures();

  constructor(
    private readonly base: DiagnosisContext = {},
    capacity = 50_000,
  ) {
    this.grants = new GrantHistory(capacity);
  }

  /**
   * `record` with the EC2 error of a batch failure these lines showed within a minute of it, before or
   * after, when it is a node lookup failure (TEMPLATE_EC2_LOOKUP_FAILED); otherwise `record` itself.
   */
  withEc2Failure(record: AuthenticatorRecord): AuthenticatorRecord {
    if (this.ec2Failures.size === 0) return record;
    return this.ec2Failures.join(record, this.times.epochOf(record.time));
  }

  /** The context to classify a denial of `arn` with: the caller's facts first, then what was learned. */
  contextFor(arn: string | undefined): DiagnosisContext {
    const grant = arn === undefined ? undefined : this.grants.lastOf(arn);
    if (
      arn !== undefined &&
      grant !== undefined &&
      this.creatorArn === undefined &&
      this.isCreatorGrant(grant)
    ) {
      this.creatorArn = arn;
    }
    const learned = this.learnedContext();
    if (grant === undefined) return learned;
    const principal = {
      hasAccessEntry: this.base.principal?.hasAccessEntry,
      lastGrantedAt: this.isoTimes.isoOf(grant.time),
    };
    return { cluster: learned.cluster, principal, contextUnavailable: learned.contextUnavailable };
  }

  /** The caller's context with what was learned folded in; rebuilt only when something new was learned. */
  private learnedContext(): DiagnosisContext {
    const creatorArn = this.base.cluster?.creatorArn ?? this.creatorArn;
    const awsAuthBrokenSince = this.base.cluster?.awsAuthBrokenSince ?? this.awsAuthBrokenSince;
    const cached = this.cached?.cluster;
    if (cached && cached.creatorArn === creatorArn && cached.awsAuthBrokenSince === awsAuthBrokenSince) {
      return this.cached as DiagnosisContext;
    }
    const base = this.base.cluster;
    const cluster: ClusterContext = {
      ...base,
      creatorArn,
      awsAuthBrokenSince,
      awsAuthBrokenBy: base?.awsAuthBrokenBy ?? this.awsAuthBrokenBy,
      accessEntriesBrokenSince: base?.accessEntriesBrokenSince ?? this.accessEntriesBrokenSince,
      authenticationMode: this.mode ?? base?.authenticationMode,
    };
    this.cached = { ...this.base, cluster };
    return this.cached;
  }

  learn(finding: Finding, line: string): void {
    const effect = CATEGORY_ENTRIES.get(finding.category)?.effect;
    if (effect !== undefined) this.learnEffect(effect, finding);
    else if (finding.category === 'ACCESS_GRANTED') this.learnGrant(finding, line);
  }

  /** `learn` of a grant (an ACCESS_GRANTED finding), for a caller that knows it has one. */
  learnGrant(finding: Finding, line: string): void {
    if (!finding.principal || !finding.time) return;
    const time = this.times.epochOf(finding.time);
    if (Number.isNaN(time)) return;
    // A copy: a line read from a file is a slice of a large chunk that it would keep alive.
    const creatorLine = mayBeCreatorGrant(line) ? detach(line) : undefined;
    // Keyed as logged: the authenticator writes one canonical spelling of each ARN.
    this.grants.granted(finding.principal.arn, time, creatorLine);
  }

  /**
   * A cluster-wide breakage, repair or mode switch (reference §3.1), in log order: the Lambda's batches
   * and the stdin window arrive in time order (the CLI's files go through LogTimeline instead).
   */
  private learnEffect(effect: ClusterEffect, finding: Finding): void {
    if (!finding.time) return;
    switch (effect) {
      case 'aws-auth-broken':
      case 'aws-auth-deleted':
        this.awsAuthBrokenSince = detach(finding.time);
        this.awsAuthBrokenBy = effect === 'aws-auth-deleted' ? 'deleted' : 'parse-error';
        break;
      case 'access-entries-broken':
        this.accessEntriesBrokenSince = detach(finding.time);
        break;
      case 'mode-switched':
        this.mode = switchedMode(finding.record.msg) ?? this.mode;
        break;
      case 'ec2-batch-failed':
        // Explains node lookup failures, not the context of any denial: nothing cached changes.
        this.ec2Failures.add(this.times.epochOf(finding.time), finding.details.ec2ErrorCode);
        return;
      default:
        return;
    }
    this.cached = undefined;
  }

  /** In API mode, and for principals of other (AWS-owned) accounts, the username proves nothing. */
  private isCreatorGrant(grant: LastGrant): boolean {
    return grant.line !== undefined && provesCreator(grant.line, this.base.cluster);
  }
}
