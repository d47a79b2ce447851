import { CfnResource, Token } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';

const AUTHENTICATOR = 'authenticator';

/** The cluster construct's logging setting could not be read or changed safely. */
export class ClusterLoggingSettingError extends Error {
  override readonly name = 'ClusterLoggingSettingError';
  constructor(path: string, why: string) {
    super(
      `Cannot add the "authenticator" log type to the cluster at ${path}: ${why}. ` +
        `Add ClusterLoggingTypes.AUTHENTICATOR to its clusterLogging yourself; AuthDoctor then leaves the setting alone.`,
    );
  }
}

/**
 * Adds `authenticator` to the `clusterLogging` of a cluster defined in the same app, keeping the types the
 * owner chose. Writing the cluster's own setting (instead of pointing the logging custom resource at it)
 * keeps one writer per setting: with two, every cluster deployment would undo the other's change.
 */
export function addAuthenticatorLogging(cluster: eks.Cluster | eksv2.Cluster): void {
  if (cluster instanceof eksv2.Cluster) addToV2(cluster);
  else addToV1(cluster);
}

function addToV2(cluster: eksv2.Cluster): void {
  const cfn = cluster.node.defaultChild;
  if (!(cfn instanceof eksv2.CfnCluster)) {
    throw new ClusterLoggingSettingError(cluster.node.path, 'its CloudFormation resource was not found');
  }
  const logging = cfn.logging;
  if (Token.isUnresolved(logging))
    throw new ClusterLoggingSettingError(cluster.node.path, 'its logging is a token');
  const current = logging as { clusterLogging?: { enabledTypes?: { type?: string }[] } } | undefined;
  const types = current?.clusterLogging?.enabledTypes ?? [];
  if (types.some((t) => t.type === AUTHENTICATOR)) return;
  cfn.logging = {
    ...current,
    clusterLogging: { ...current?.clusterLogging, enabledTypes: [...types, { type: AUTHENTICATOR }] },
  };
}

/**
 * `aws-eks` (v1) renders the setting into its cluster custom resource's `Config.logging`; the construct
 * keeps the owner's choice in a private field, read here with a shape check.
 */
function addToV1(cluster: eks.Cluster): void {
  const clusterResource = cluster.node.defaultChild;
  const custom = clusterResource?.node.defaultChild;
  const cfn = custom?.node.defaultChild;
  if (!(cfn instanceof CfnResource)) {
    throw new ClusterLoggingSettingError(cluster.node.path, 'its cluster custom resource was not found');
  }
  const current: unknown = Reflect.get(cluster, 'logging');
  const types = v1EnabledTypes(current);
  if (types === undefined)
    throw new ClusterLoggingSettingError(cluster.node.path, 'its logging setting has an unknown shape');
  if (types.includes(AUTHENTICATOR)) return;
  cfn.addPropertyOverride('Config.logging', {
    clusterLogging: [{ enabled: true, types: [...types, AUTHENTICATOR] }],
  });
}

function v1EnabledTypes(logging: unknown): string[] | undefined {
  if (logging === undefined) return [];
  const setups = (logging as { clusterLogging?: unknown }).clusterLogging;
  if (!Array.isArray(setups)) return undefined;
  const types: string[] = [];
  for (const setup of setups as { enabled?: unknown; types?: unknown }[]) {
    if (!Array.isArray(setup.types)) return undefined;
    if (setup.enabled === true) types.push(...(setup.types as string[]));
  }
  return types;
}
