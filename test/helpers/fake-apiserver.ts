import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../cli/doctor/sha256';

const FIXTURES = join(import.meta.dirname, '..', 'cli', 'doctor', 'fixtures');

/**
 * The test CA and server certificate (one self-signed certificate for IP 127.0.0.1, valid
 * 2000–2100), committed as fixtures because Node cannot create X.509 certificates itself. The key
 * protects nothing but these tests.
 */
export const APISERVER_CERT = readFileSync(join(FIXTURES, 'apiserver-cert.pem'), 'utf8');
const APISERVER_KEY = readFileSync(join(FIXTURES, 'apiserver-key.pem'), 'utf8');

/** The query keys the authenticator allows in a token's presigned URL (reference §2.1, TOKEN_BAD_QUERY). */
const ALLOWED_QUERY = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);
const STS_HOST = /^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;

/** A principal the fake cluster knows: the secret that proves its access key, and what it may do. */
export interface ApiServerPrincipal {
  readonly secretAccessKey: string;
  /** 200: mapped and allowed; 403: mapped, but RBAC refuses the read. */
  readonly status: 200 | 403;
}

/** What the fake saw in a bearer token, decoded. */
export interface ReceivedToken {
  readonly host: string;
  readonly query: Readonly<Record<string, string>>;
}

/**
 * A Kubernetes API server on https://127.0.0.1 that authenticates bearer tokens the way the EKS
 * authenticator does (reference §2.1): the `k8s-aws-v1.` prefix, base64url, an STS host, path `/`,
 * only the allowed query keys, `Action=GetCallerIdentity`, a signed `x-k8s-aws-id` header,
 * `X-Amz-Expires` ≤ 900 — and, standing in for STS, the SigV4 signature recomputed with the access
 * key's secret and this cluster's name as `x-k8s-aws-id`, so a token for another cluster fails as
 * SignatureDoesNotMatch does. Refusals are 401, as the apiserver answers them.
 */
export class FakeApiServer {
  readonly tokens: ReceivedToken[] = [];
  url = '';
  private server: Server | undefined;
  private readonly principals = new Map<string, ApiServerPrincipal>();
  private hanging = false;

  constructor(private readonly clusterName: string) {}

  async start(): Promise<this> {
    this.server = createServer({ cert: APISERVER_CERT, key: APISERVER_KEY }, (request, response) => {
      if (this.hanging) return;
      this.answer(request, response).catch(() => {
        response.writeHead(500);
        response.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `https://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Tokens signed with `accessKeyId` (and its secret) authenticate, then get `status`. */
  principal(accessKeyId: string, principal: ApiServerPrincipal): this {
    this.principals.set(accessKeyId, principal);
    return this;
  }

  /** From now on, accept connections and never answer (a firewall, a private endpoint seen from outside). */
  hang(): this {
    this.hanging = true;
    return this;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    const verified = token === undefined ? undefined : await this.verify(token);
    if (!verified) {
      status(response, 401, 'Unauthorized');
      return;
    }
    if (verified.status === 403) {
      status(
        response,
        403,
        `services is forbidden: User "${verified.accessKeyId}" cannot list resource "services" in API group "" in the namespace "default"`,
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ kind: 'ServiceList', apiVersion: 'v1', items: [] }));
  }

  private async verify(token: string): Promise<(ApiServerPrincipal & { accessKeyId: string }) | undefined> {
    if (!token.startsWith('k8s-aws-v1.') || token.length > 4096) return undefined;
    let url: URL;
    try {
      url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (url.protocol !== 'https:' || !STS_HOST.test(url.hostname) || url.pathname !== '/') return undefined;
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      if (!ALLOWED_QUERY.has(key.toLowerCase()) || query[key] !== undefined) return undefined;
      query[key] = value;
    }
    this.tokens.push({ host: url.hostname, query });
    const expires = Number(query['X-Amz-Expires']);
    if (query.Action !== 'GetCallerIdentity' || !(expires >= 0 && expires <= 900)) return undefined;
    if (!(query['X-Amz-SignedHeaders'] ?? '').split(';').includes('x-k8s-aws-id')) return undefined;
    const [accessKeyId = '', , region = ''] = (query['X-Amz-Credential'] ?? '').split('/');
    const principal = this.principals.get(accessKeyId);
    if (!principal) return undefined;
    const expected = await this.signatureFor(url, query, region, {
      accessKeyId,
      secretAccessKey: principal.secretAccessKey,
      sessionToken: query['X-Amz-Security-Token'],
    });
    return expected === query['X-Amz-Signature'] ? { ...principal, accessKeyId } : undefined;
  }

  /** What STS computes: the same presigned request, signed with this cluster's name as `x-k8s-aws-id`. */
  private async signatureFor(
    url: URL,
    query: Record<string, string>,
    region: string,
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  ): Promise<string | undefined> {
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query['X-Amz-Date'] ?? '');
    if (!date) return undefined;
    const signingDate = new Date(`${date[1]}-${date[2]}-${date[3]}T${date[4]}:${date[5]}:${date[6]}Z`);
    const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Sha256 });
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: url.hostname,
        path: '/',
        query: { Action: query.Action ?? '', Version: query.Version ?? '' },
        headers: { host: url.hostname, 'x-k8s-aws-id': this.clusterName },
      },
      { expiresIn: Number(query['X-Amz-Expires']), signingDate },
    );
    return String(presigned.query?.['X-Amz-Signature'] ?? '');
  }
}

function status(response: ServerResponse, code: number, message: string): void {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }));
}
