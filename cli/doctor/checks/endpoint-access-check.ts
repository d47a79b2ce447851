import { type CheckStep, pass, unknown } from '../check';

const ANYWHERE = '0.0.0.0/0';

/**
 * Runbook step 8: where the API endpoint can be reached from. A private-only endpoint seen from
 * outside its VPC is a timeout, not Unauthorized; a CIDR-limited public one likewise.
 */
export const endpointAccessCheck: CheckStep = {
  id: 'endpoint-access',
  title: 'endpoint access',
  async run(facts) {
    const cluster = facts.cluster;
    if (!cluster) return unknown('not known without the cluster');
    const privately = cluster.privateAccess ? ' and private' : '';
    if (!cluster.publicAccess) {
      return unknown('private only: from outside its VPC kubectl times out (that is not an Unauthorized)');
    }
    const cidrs = cluster.publicAccessCidrs;
    if (cidrs.length === 0 || cidrs.includes(ANYWHERE)) return pass(`public${privately}, from anywhere`);
    const shownCidrs = cidrs.length > 4 ? `${cidrs.slice(0, 4).join(', ')}, …` : cidrs.join(', ');
    return pass(`public${privately}, only from ${shownCidrs} (elsewhere kubectl times out)`);
  },
};
