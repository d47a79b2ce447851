import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A read the verify step of every fix also makes (`kubectl get svc`): 401, 403 and 200 all mean something. */
export const PROBE_PATH = '/api/v1/namespaces/default/services?limit=1';

export type ProbeAnswer =
  | { readonly status: number; readonly message?: string }
  | { readonly failure: 'timeout' | 'unreachable' | 'tls'; readonly code: string };

/**
 * One GET to the API server with the bearer token, trusting the kubeconfig's CA (or nothing, with
 * `insecure-skip-tls-verify`). Never throws.
 *
 * @example
 * await probeApiServer({ server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', token, ca, timeoutMs: 5000 });
 * // { status: 401 }
 */
export function probeApiServer(request: {
  readonly server: string;
  readonly token: string;
  readonly ca?: string;
  readonly insecure?: boolean;
  readonly tlsServerName?: string;
  readonly timeoutMs: number;
}): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(`${request.server.replace(/\/$/, '')}${PROBE_PATH}`);
    } catch {
      resolve({ failure: 'unreachable', code: 'invalid server URL' });
      return;
    }
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const call = send(
      url,
      {
        method: 'GET',
        headers: { authorization: `Bearer ${request.token}`, accept: 'application/json' },
        ca: request.ca,
        rejectUnauthorized: !request.insecure,
        servername: request.tlsServerName,
        timeout: request.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= 16_384) chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            message: statusMessage(Buffer.concat(chunks).toString('utf8')),
          }),
        );
        response.on('error', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    call.on('timeout', () => {
      call.destroy();
      resolve({ failure: 'timeout', code: 'ETIMEDOUT' });
    });
    call.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      resolve({
        failure: /CERT|SSL|TLS|SELF_SIGNED|ERR_TLS|UNABLE_TO_VERIFY/i.test(code) ? 'tls' : 'unreachable',
        code,
      });
    });
    call.end();
  });
}

/** The `message` of a Kubernetes `Status` body (e.g. `services is forbidden: User "x" cannot …`). */
function statusMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}
