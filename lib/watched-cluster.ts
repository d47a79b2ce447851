import { ArnFormat, Names, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import type { Construct } from 'constructs';
import { clusterLogGroupName } from '../lambda/contract';

/**
 * A cluster to watch: the name of an existing cluster in the stack's region, or a cluster construct from
 * the same CDK app (`aws-eks` or `aws-eks-v2`, defined or imported).
 */
export type AuthDoctorCluster = string | eks.ICluster | eksv2.ICluster;

/** Who switches the cluster's `authenticator` log type on. */
export type LoggingOwner =
  /** The logging custom resource (existing clusters, imported clusters). */
  | 'custom-resource'
  /** The cluster construct's own `clusterLogging` (a cluster defined in this app). */
  | 'cluster-construct';

/** One watched cluster, reduced to what the stack needs: names and ARNs, possibly tokens. */
export interface WatchedCluster {
  /** Unique within one AuthDoctor and stable across deployments: the construct ID of its resources. */
  readonly id: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  /** `arn:…:access-entry/<cluster>/*`: every access entry of the cluster. */
  readonly accessEntriesArn: string;
  /** `/aws/eks/<cluster>/cluster`: where EKS writes the `authenticator-*` streams. */
  readonly logGroupName: string;
  /** The log group's ARN, in both forms IAM may compare against (without and with the `:*` suffix). */
  readonly logGroupArns: readonly [string, string];
  readonly loggingOwner: LoggingOwner;
  /** The cluster construct, when it lives in this app (defined or imported): set-up waits for it. */
  readonly construct?: eks.ICluster | eksv2.ICluster;
  /** The cluster construct, when this app defines it and therefore owns its `clusterLogging`. */
  readonly definedCluster?: eks.Cluster | eksv2.Cluster;
}

export function watchedCluster(scope: Construct, cluster: AuthDoctorCluster): WatchedCluster {
  const stack = Stack.of(scope);
  const clusterName = typeof cluster === 'string' ? cluster : cluster.clusterName;
  const logGroupName = clusterLogGroupName(clusterName);
  const definedCluster = typeof cluster !== 'string' && isDefinedCluster(cluster) ? cluster : undefined;
  const logGroupArn = (suffix: string) =>
    stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${logGroupName}${suffix}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  return {
    id: typeof cluster === 'string' ? cluster : `App${Names.nodeUniqueId(cluster.node)}`,
    clusterName,
    clusterArn:
      typeof cluster === 'string'
        ? stack.formatArn({ service: 'eks', resource: 'cluster', resourceName: cluster })
        : cluster.clusterArn,
    accessEntriesArn: stack.formatArn({
      service: 'eks',
      resource: 'access-entry',
      resourceName: `${clusterName}/*`,
    }),
    logGroupName,
    logGroupArns: [logGroupArn(''), logGroupArn(':*')],
    loggingOwner: definedCluster ? 'cluster-construct' : 'custom-resource',
    ...(typeof cluster === 'string' ? {} : { construct: cluster }),
    ...(definedCluster ? { definedCluster } : {}),
  };
}

/** A cluster created by this app (not imported), whose logging setting this app therefore writes. */
function isDefinedCluster(cluster: eks.ICluster | eksv2.ICluster): cluster is eks.Cluster | eksv2.Cluster {
  return cluster instanceof eks.Cluster || cluster instanceof eksv2.Cluster;
}

/** The literal name, or `undefined` when the name is only known at deploy time. */
export function literalName(cluster: WatchedCluster): string | undefined {
  return Token.isUnresolved(cluster.clusterName) ? undefined : cluster.clusterName;
}
