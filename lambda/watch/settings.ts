import { CLUSTER_NAME, WatchEnvVar } from '../contract';
import type { WatchSettings } from './self-watch';

/** A watch variable the stack set is malformed; the message names it. */
export class WatchEnvironmentError extends Error {
  override readonly name = 'WatchEnvironmentError';
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads the watch's settings once at cold start. No watched clusters means no watch (replay, tests,
 * a stack from before the watch existed).
 *
 * @example
 * const watch = loadWatchSettings(process.env); // undefined when WATCHED_CLUSTERS is empty
 */
export function loadWatchSettings(env: Environment): WatchSettings | undefined {
  const clusters = (env[WatchEnvVar.Clusters] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (clusters.length === 0) return undefined;
  for (const name of clusters) {
    if (!CLUSTER_NAME.test(name)) {
      throw new WatchEnvironmentError(
        `${WatchEnvVar.Clusters} holds "${name.slice(0, 120)}", which is not an EKS cluster name, e.g. ${WatchEnvVar.Clusters}=prod-eks,staging-eks`,
      );
    }
  }
  const filterName = env[WatchEnvVar.SubscriptionFilterName]?.trim() ?? '';
  if (!/^[^:*]{1,512}$/.test(filterName)) {
    throw new WatchEnvironmentError(
      `${WatchEnvVar.SubscriptionFilterName} is "${filterName.slice(0, 120)}"; the stack sets our filter's name (1-512 characters, no ":" or "*"), e.g. ${WatchEnvVar.SubscriptionFilterName}=eks-auth-doctor-EksAuthDoctor`,
    );
  }
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME?.trim();
  const region = env.AWS_REGION?.trim();
  return {
    clusters,
    filterName,
    canary: env[WatchEnvVar.Canary] === 'true',
    ...(functionName ? { functionName } : {}),
    ...(region ? { region } : {}),
  };
}
