import { probeApiServer } from '../api-probe';
import { awsProblemOf, problemDetail } from '../aws-errors';
import { type CheckStep, fail, pass, unknown } from '../check';
import { isRegion } from '../cluster-names';
import { eksToken } from '../eks-token';
import { shown } from '../shown';

/**
 * Runbook step 13 (`--probe`): what kubectl gets right now — a token made as the exec plugin makes
 * it, presented to the kubeconfig's server. The only step that talks to the cluster; it reads one
 * list of services and changes nothing.
 */
export const probeCheck: CheckStep = {
  id: 'probe',
  title: 'probe',
  async run(facts) {
    if (!facts.options.probe) return unknown('not run; --probe presents a fresh token to the API server');
    const server = facts.kubeconfig?.server ?? facts.cluster?.endpoint;
    if (!server) return unknown('no server to probe', { probe: { failure: 'no server' } });
    const signer = facts.signer;
    const clusterName = facts.tokenCommand?.clusterName ?? facts.target?.name;
    if (!signer || !clusterName)
      return unknown('no token without the identity', { probe: { failure: 'no token' } });
    let token: string;
    try {
      const command = facts.tokenCommand;
      const region = [
        command?.region,
        command?.envRegion,
        facts.environment.awsRegion,
        facts.profile?.region,
      ].find(isRegion);
      token = await eksToken({
        clusterName,
        region,
        credentials: await signer.credentials(),
        now: facts.environment.now(),
      });
    } catch (error) {
      return unknown(`no token: ${problemDetail(awsProblemOf(error), 'sts:GetCallerIdentity')}`, {
        probe: { failure: 'no token' },
      });
    }
    const answer = await probeApiServer({
      server,
      token,
      ca: facts.kubeconfig?.certificateAuthority,
      insecure: facts.kubeconfig?.insecureSkipTlsVerify,
      tlsServerName: facts.kubeconfig?.tlsServerName,
      timeoutMs: facts.environment.probeTimeoutMs,
    });
    if ('failure' in answer) {
      const seconds = facts.environment.probeTimeoutMs / 1000;
      const detail =
        answer.failure === 'timeout'
          ? `no answer from ${shown(server, 120)} within ${seconds} s (a private endpoint, a VPN or a firewall)`
          : answer.failure === 'tls'
            ? `TLS with ${shown(server, 120)} failed (${shown(answer.code, 60)}): check certificate-authority-data`
            : `cannot connect to ${shown(server, 120)} (${shown(answer.code, 60)})`;
      return fail(detail, { probe: { failure: answer.failure } });
    }
    const probe = { status: answer.status, message: answer.message };
    switch (answer.status) {
      case 200:
        return pass('HTTP 200: a fresh token is accepted (and may list services)', { probe });
      case 401:
        return fail('HTTP 401 Unauthorized: the cluster refuses a fresh token', { probe });
      case 403:
        return fail(
          `HTTP 403 Forbidden: authenticated, but not allowed to list services${answer.message ? ` (${shown(answer.message, 140)})` : ''}`,
          { probe },
        );
      default:
        return unknown(`HTTP ${answer.status}${answer.message ? `: ${shown(answer.message, 140)}` : ''}`, {
          probe,
        });
    }
  },
};
