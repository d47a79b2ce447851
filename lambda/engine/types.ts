import type { AuthenticationMode, Category, Severity, SubCause } from './categories';

/**
 * One authenticator log event, normalised from whichever format it arrived in.
 *
 * Every string here came from a log line and is untrusted: anonymous clients can write into
 * `error` (and through it, anything derived from it). Escape before any sink.
 */
export interface AuthenticatorRecord {
  /** The event's own `time=` (RFC 3339, UTC), or the ingestion timestamp when the line had none. */
  readonly time?: string;
  readonly level?: string;
  readonly msg: string;
  /** The other fields the classifier asked for, unquoted. Absent fields are absent. */
  readonly fields: Readonly<Record<string, string>>;
}

/** The IAM principal a request authenticated as, as far as the log tells. */
export interface Principal {
  /** The ARN the authenticator matched on: canonical (role path and session removed). */
  readonly arn: string;
  readonly accountId?: string;
  readonly partition?: string;
  readonly type: 'user' | 'role' | 'root' | 'federated-user' | 'unknown';
  /** The user or role name, without path. */
  readonly name?: string;
  /** The STS session name (assumed roles), from the joined `STS response` line. */
  readonly session?: string;
  /** The raw ARN STS returned (e.g. `…:assumed-role/<role>/<session>`), from the joined line. */
  readonly stsArn?: string;
  /** For CloudTrail correlation, from the joined `STS response` line. */
  readonly accessKeyId?: string;
  /** The principal's unique ID (`AROA…`/`AIDA…`), from `userid=` or the `uid=` of a grant. */
  readonly userId?: string;
}

/** A classified authenticator record: what happened and to whom. */
export interface Finding {
  readonly category: Category;
  readonly subCause?: SubCause;
  readonly severity: Severity;
  /** When the authenticator logged it (the record's time). */
  readonly time?: string;
  readonly principal?: Principal;
  /** `client=`: the apiserver's loopback port, only useful to join lines of one request. */
  readonly client?: string;
  /** The raw `error=` text. Untrusted. */
  readonly error?: string;
  /** Category-specific facts pulled from the line (rejected host, instance ID, YAML error …). Untrusted. */
  readonly details: Readonly<Record<string, string>>;
  readonly record: AuthenticatorRecord;
}

/** Facts about the cluster the log came from; every field optional, the fix fills in what is known. */
export interface ClusterContext {
  readonly clusterName?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly authenticationMode?: AuthenticationMode;
  /** The canonical ARN of the cluster creator, when known (a `kubernetes-admin` grant in CONFIG_MAP mode). */
  readonly creatorArn?: string;
  /** `accessConfig.bootstrapClusterCreatorAdminPermissions`. */
  readonly bootstrapCreatorAdmin?: boolean;
  /** When the authenticator last failed to parse aws-auth (ISO time); recent means mappings were dropped. */
  readonly awsAuthBrokenSince?: string;
  /** How aws-auth broke at `awsAuthBrokenSince`: a parse error (the default) or its deletion. */
  readonly awsAuthBrokenBy?: 'parse-error' | 'deleted';
  /** When the access-entry file last failed to parse (ISO time); recent means access entries map nobody. */
  readonly accessEntriesBrokenSince?: string;
  /** The `rolearn`/`userarn` values of the aws-auth ConfigMap, when the user supplied it. */
  readonly awsAuthArns?: readonly string[];
}

/** Facts about one principal, looked up live (the Lambda) or learned from earlier lines (the CLI). */
export interface PrincipalContext {
  /** Whether an access entry exists for the principal's ARN (`DescribeAccessEntry`). */
  readonly hasAccessEntry?: boolean;
  /** The last time this principal was granted access (ISO time), when it was recently. */
  readonly lastGrantedAt?: string;
}

export interface DiagnosisContext {
  readonly cluster?: ClusterContext;
  readonly principal?: PrincipalContext;
  /** Set when a live lookup failed; the fix says it is generic and why. */
  readonly contextUnavailable?: string;
}

/** One thing to do, in order. `command` is exactly what to run, names filled in where known. */
export interface FixStep {
  readonly text: string;
  readonly command?: string;
  /**
   * The case this step is for, when a fix covers several ("If the mode is CONFIG_MAP", "If you are
   * locked out too"). The text says it too; compact sinks (the e-mail) print it once per run of steps.
   */
  readonly route?: string;
  /** A look before acting or an alternative: compact sinks may leave it out, and say they did. */
  readonly optional?: boolean;
}

/** The remedy for a finding: one sentence of cause, then ordered steps. */
export interface Fix {
  readonly title: string;
  readonly summary: string;
  readonly steps: readonly FixStep[];
  /** Caveats worth reading before acting (e.g. `system:masters` is full admin). */
  readonly warnings: readonly string[];
  /**
   * The warnings (each also in `warnings`) that only optional steps need, such as the caveat of
   * editing aws-auth by hand where the hand edit is the alternative: a compact sink that leaves those
   * steps out leaves these out too.
   */
  readonly optionalWarnings?: readonly string[];
}

/** What an outgoing message is about. */
export type NotificationKind = 'alert' | 'followup' | 'digest' | 'selftest';

/** How often a digest saw one principal denied. */
export interface PrincipalCount {
  readonly arn: string;
  readonly count: number;
}

/** How many of a category a digest covers. */
export interface CategoryCount {
  readonly category: Category;
  readonly count: number;
}

/**
 * One message to people, before rendering for a sink (Slack, email text, AWS Chatbot).
 * - `alert`: the first occurrence of a problem, with its fix.
 * - `followup`: repeats of an alerted problem counted over a dedup window ("×412 since 14:02").
 * - `digest`: a flood of distinct problems past the per-cluster cap, summarised.
 * - `selftest`: the pipeline works (triggered by `eks-auth-doctor selftest`).
 */
export interface Notification {
  readonly kind: NotificationKind;
  readonly cluster: ClusterContext;
  /** The problem (alert, followup); for a digest, absent. */
  readonly finding?: Finding;
  /** The remedy (alert; also attached to a followup so a reader never has to scroll back). */
  readonly fix?: Fix;
  /** Occurrences this message covers (a problem's `Occurrences`, stated by `seenIn`). */
  readonly count: number;
  /** ISO times of the first and last; absent when unknown. */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /** Digest only: how many distinct principals or clients, and the top categories. */
  readonly distinctPrincipals?: number;
  readonly topCategories?: readonly CategoryCount[];
  /**
   * Digest only: the most frequent denied principals, most first, at most five (ARNs as logged,
   * untrusted), from the digest's stored list: the digest names them and tells an outage (many
   * principals of this account) from a probe.
   */
  readonly topPrincipals?: readonly PrincipalCount[];
  /** A stable ID of the problem, so chat threads group repeats (Chatbot `threadId`). */
  readonly problemKey: string;
  /** Plain caveats shown with the message ("context unavailable: …", "possibly a duplicate"). */
  readonly notes: readonly string[];
}
