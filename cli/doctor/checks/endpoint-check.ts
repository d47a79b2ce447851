import { type CheckStep, fail, pass, unknown } from '../check';
import { regionOfServer, sameEndpoint } from '../cluster-names';
import { shown } from '../shown';

/**
 * Runbook step 7: the kubeconfig reaches that cluster, with a token signed for it. A kubeconfig for
 * another region's cluster of the same name, for a recreated cluster, or a token for another cluster
 * name (STS then answers SignatureDoesNotMatch) is the classic cause of Unauthorized.
 */
export const endpointCheck: CheckStep = {
  id: 'endpoint',
  title: 'kubeconfig → cluster',
  async run(facts) {
    const { cluster, kubeconfig, tokenCommand } = facts;
    if (!cluster) return unknown('not compared without the cluster');
    if (!kubeconfig) return unknown('no kubeconfig to compare');
    const server = kubeconfig.server;
    if (!server) return fail(`context ${shown(kubeconfig.contextName, 60)} has no server`);
    const name = cluster.name;
    if (cluster.endpoint && !sameEndpoint(server, cluster.endpoint)) {
      const serverRegion = regionOfServer(server);
      if (serverRegion && serverRegion !== cluster.region) {
        return fail(
          `the server ${shown(server, 120)} is in ${serverRegion}, not ${name} in ${cluster.region}`,
          {
            mismatch: { kind: 'region', serverRegion },
          },
        );
      }
      return fail(
        `the server ${shown(server, 120)} is not ${name}'s endpoint ${cluster.endpoint} (a recreated or another cluster)`,
        { mismatch: { kind: 'endpoint', server } },
      );
    }
    const signedFor = tokenCommand?.clusterName;
    if (signedFor !== undefined && signedFor !== name) {
      return fail(`the token is signed for cluster ${shown(signedFor, 100)}, but the server is ${name}'s`, {
        mismatch: { kind: 'token cluster', tokenCluster: signedFor },
      });
    }
    const token = signedFor === undefined ? '' : `; the token is signed for ${name}`;
    return pass(`the server is ${name}'s endpoint${token}`);
  },
};
