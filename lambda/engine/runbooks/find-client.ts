import type { FixStep } from '../types';
import { AUDIT_QUERY_UNAUTHENTICATED, restrictPublicEndpoint } from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';

/**
 * Runbook for tokens anyone can forge: find the client in the audit log, fix it if it is yours
 * (`ifOwned`), and close the door if nobody owns it.
 */
export function findClientSteps(request: FixRequest, ...ifOwned: FixStep[]): FixStep[] {
  return [
    {
      text: `Find the client: in CloudWatch Logs Insights, choose the log group ${request.cluster.logGroup}, set the time range around the denials (the times are given with this fix), and run this query over the kube-apiserver audit log (the authenticator only ever sees 127.0.0.1).`,
      command: AUDIT_QUERY_UNAUTHENTICATED,
    },
    ...ifOwned,
    {
      text: 'If nobody owns that source IP and user agent, someone on the internet is probing the API endpoint; limit the public endpoint to your own networks (or make it private).',
      command: restrictPublicEndpoint(request.cluster),
    },
  ];
}
