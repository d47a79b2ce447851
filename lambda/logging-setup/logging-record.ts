/**
 * What this stack did to a cluster's authenticator logging, kept in the custom resource's physical ID.
 *
 * The physical ID is the only state CloudFormation hands back on delete (resource `Data` is not), and a
 * changed ID on update makes CloudFormation delete the old one — which is exactly right: an update that
 * finds logging switched off by someone else and turns it on again now owns it.
 */
export interface LoggingRecord {
  readonly clusterName: string;
  /** True only when this stack switched `authenticator` on; false when it was on already or owned elsewhere. */
  readonly enabledByStack: boolean;
}

const PREFIX = 'eks-auth-doctor';
const ENABLED_BY_STACK = 'authenticator-enabled-by-stack';
const LEFT_AS_FOUND = 'authenticator-left-as-found';

export function physicalIdOf(record: LoggingRecord): string {
  return `${PREFIX}/${record.clusterName}/${record.enabledByStack ? ENABLED_BY_STACK : LEFT_AS_FOUND}`;
}

/** Reads a physical ID back; anything this module did not write (a failed create's ID, say) is `undefined`. */
export function recordOf(physicalId: string | undefined): LoggingRecord | undefined {
  const parts = physicalId?.split('/');
  if (parts?.length !== 3 || parts[0] !== PREFIX || !parts[1]) return undefined;
  if (parts[2] === ENABLED_BY_STACK) return { clusterName: parts[1], enabledByStack: true };
  if (parts[2] === LEFT_AS_FOUND) return { clusterName: parts[1], enabledByStack: false };
  return undefined;
}
