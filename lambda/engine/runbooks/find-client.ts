import type { FixStep } from '../types';
import { AUDIT_QUERY_UNAUTHENTICATED, restrictPublicEndpoint } from '../wording/commands';
import type { FixRequest } from '../wording/fix-request';
import { grouped } from './conditional';

/**
 * Runbook for tokens anyone can forge: find the client in the audit log, fix it if it is yours
 * (`ifOwned`), and close the door if nobody owns it. Without steps for an owned client, finding it
 * and closing the door are one stage, under one line a compact sink prints above both commands.
 */
export function findClientSteps(request: FixRequest, ...ifOwned: FixStep[]): FixStep[] {
  const find: FixStep = {
    text: `Find the client: in CloudWatch Logs Insights, choose the log group ${request.cluster.logGroup}, set the time range around the denials (the times are given with this fix), and run this query over the kube-apiserver audit log (the authenticator only ever sees 127.0.0.1).`,
    command: AUDIT_QUERY_UNAUTHENTICATED,
  };
  const closeTheDoor: FixStep = {
    text: 'If nobody owns that source IP and user agent, someone on the internet is probing the API endpoint; limit the public endpoint to your own networks (or make it private).',
    command: restrictPublicEndpoint(request.cluster),
  };
  if (ifOwned.length > 0) return [find, ...ifOwned, closeTheDoor];
  return grouped(
    `Find the client in the kube-apiserver audit log (Logs Insights on ${request.cluster.logGroup}, around the times of the denials; the authenticator only sees 127.0.0.1); if nobody owns its source IP and user agent, limit the public endpoint to your own networks`,
    [find, closeTheDoor],
  );
}
