import type { AuthenticationMode } from '../../lambda/engine/categories';
import type { Coverage } from './coverage';

/** The answer to "can this cluster move to API mode without locking anyone out?". */
export interface Readiness {
  /** `unknown` when the log or the access entries could not be read: no answer is better than a wrong yes. */
  readonly ready: 'yes' | 'no' | 'unknown';
  readonly reason: string;
}

/** The cluster facts the verdict depends on. */
export interface ReadinessCluster {
  readonly authenticationMode?: AuthenticationMode;
  /** `accessConfig.bootstrapClusterCreatorAdminPermissions`, when DescribeCluster was asked. */
  readonly bootstrapCreatorAdmin?: boolean;
}

/**
 * Whether a principal let in this way today is locked out once the cluster is in API mode. aws-auth
 * mappings and node mappings stop counting. The creator's implicit admin becomes an access entry
 * when access entries are turned on (if `bootstrapClusterCreatorAdminPermissions`): on a CONFIG_MAP
 * cluster it is kept, on a cluster past that switch its missing entry means it is gone.
 */
export function wouldBeLockedOut(coverage: Coverage, cluster: ReadinessCluster): boolean {
  switch (coverage) {
    case 'aws-auth only':
    case 'node role':
      return true;
    case 'creator (implicit)':
      return (
        cluster.authenticationMode === 'API_AND_CONFIG_MAP' ||
        cluster.authenticationMode === 'API' ||
        cluster.bootstrapCreatorAdmin === false
      );
    case 'covered':
    case 'EKS-managed':
      return false;
  }
}

/** What the verdict is drawn from: the principals that logged in (`undefined`: the log was not read). */
export interface ReadinessFacts {
  readonly principals: number | undefined;
  readonly lockedOut: number;
  /** Why the access entries are unknown, when they could not be read. */
  readonly entriesUnknown?: string;
  /** Why the logins are unknown, when the log could not be read. */
  readonly loginsUnknown?: string;
  readonly cluster: ReadinessCluster;
}

/**
 * The verdict: `unknown` while the log or the access entries are missing (without entries everyone
 * would look locked out); then `no` as soon as one principal would be locked out; `yes` only when
 * someone logged in and every one of them keeps a way in.
 *
 * @example
 * readinessOf({ principals: 7, lockedOut: 1, cluster: {} }) // { ready: 'no', reason: '1 principal would be locked out' }
 */
export function readinessOf(facts: ReadinessFacts): Readiness {
  if (facts.loginsUnknown !== undefined || facts.principals === undefined) {
    return {
      ready: 'unknown',
      reason: `the authenticator log could not be read (${facts.loginsUnknown ?? 'not given'})`,
    };
  }
  if (facts.entriesUnknown !== undefined) {
    return { ready: 'unknown', reason: `the access entries could not be read (${facts.entriesUnknown})` };
  }
  const who = facts.lockedOut === 1 ? '1 principal' : `${facts.lockedOut} principals`;
  if (facts.cluster.authenticationMode === 'API') {
    const verb = facts.lockedOut === 1 ? 'has' : 'have';
    const without =
      facts.lockedOut === 0 ? '' : `; ${who} that logged in during the window ${verb} no access entry now`;
    return { ready: 'yes', reason: `the cluster is already in API mode${without}` };
  }
  if (facts.lockedOut > 0) return { ready: 'no', reason: `${who} would be locked out` };
  if (facts.principals === 0) {
    return {
      ready: 'unknown',
      reason:
        'no access granted lines in the window: is authenticator logging on (aws eks describe-cluster --query cluster.logging)?',
    };
  }
  return { ready: 'yes', reason: 'every principal that logged in keeps a way in' };
}
