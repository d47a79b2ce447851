import { CLUSTER_NAME } from '../contract';

/** EKS names its control-plane log group `/aws/eks/<cluster>/cluster`. */
const EKS_LOG_GROUP = new RegExp(`^/aws/eks/(${CLUSTER_NAME.source.slice(1, -1)})/cluster$`);

/**
 * The cluster a subscription payload came from. The log group name is chosen by EKS (or whoever
 * subscribed the function), never by a client of the cluster, so it is trusted; anything else gives
 * `undefined` and the payload is counted as malformed.
 */
export function clusterNameOf(logGroup: string): string | undefined {
  return EKS_LOG_GROUP.exec(logGroup)?.[1];
}

/**
 * Only the authenticator's streams (`authenticator-<hash>`, and the self-test's
 * `authenticator-selftest-…`) hold authenticator lines; a subscription filter cannot select streams,
 * so the api, audit and scheduler streams of the same group arrive too and are dropped here.
 */
export function isAuthenticatorStream(logStream: string): boolean {
  return logStream.startsWith('authenticator');
}
