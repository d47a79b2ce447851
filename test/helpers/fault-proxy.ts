/**
 * A fault-injecting HTTP proxy on 127.0.0.1: the fault-matrix tests put it between a real AWS SDK client
 * and a real local service (dynalite, the fake Slack webhook, a local SNS), so a fault is injected into
 * real traffic instead of into a mocked client.
 *
 * Error shapes, so the SDK raises the same named error it would against AWS:
 * - JSON 1.0/1.1 (DynamoDB, CloudWatch Logs): a body `{"__type":"com.amazonaws.dynamodb.v20120810#Code",
 *   "message":"…"}` with `Content-Type: application/x-amz-json-1.0`, per "Error handling with DynamoDB"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ErrorHandling.html). The
 *   `x-amzn-ErrorType` header carries the bare code too: the SDK's `loadJsonRpcErrorCode`
 *   (@smithy/core/protocols) reads `__type`, then `code`, then that header, dropping any `namespace#`.
 * - Query (SNS, STS): `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code>…</Code><Message>…</Message>
 *   </Error><RequestId>…</RequestId></ErrorResponse>`, per "Interpreting Amazon SQS XML API responses"
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html).
 * - Anything else (Slack): the status with the message as plain text.
 */
import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as forward,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy saw it, before deciding what to do with it. */
export interface SeenRequest {
  readonly method: string;
  /** The path without the query string, e.g. `/services/T000/B000/secret-token`. */
  readonly path: string;
  /** The AWS operation: `UpdateItem` from `X-Amz-Target: DynamoDB_20120810.UpdateItem`, `Publish` from `Action=Publish`. */
  readonly operation: string | undefined;
  /** How errors are shaped: AWS JSON (DynamoDB's own namespace, or any other service), AWS query, or plain text. */
  readonly protocol: 'dynamodb' | 'json' | 'query' | 'plain';
  readonly headers: IncomingMessage['headers'];
  /** The body as text, for predicates; the proxy forwards the original bytes. */
  readonly body: string;
}

/** What a rule does to a call it fires on. */
export type Fault =
  /** An error in the request's protocol; without a `code`, the service's usual throttling (4xx) or internal failure (5xx). */
  | { kind: 'error'; status: number; code?: string; message?: string; headers?: Record<string, string> }
  /** Wait, then forward the call unchanged. */
  | { kind: 'delay'; ms: number }
  /** Destroy the client's socket: the client sees a connection reset. */
  | { kind: 'reset' }
  /** Answer nothing until the client gives up; the proxy resets the socket after `hangLimitMs` so no test hangs. */
  | { kind: 'hang' };

/** Which calls a rule fires on: its matcher picks the calls, its schedule counts them (from 1, once added). */
export interface Target {
  /** The AWS operation name, e.g. `UpdateItem`. */
  readonly operation?: string;
  /** The exact path, without the query string. */
  readonly path?: string;
  readonly matches?: (request: SeenRequest) => boolean;
  /** Only the Nth matching call. */
  readonly onCall?: number;
  /** The Nth matching call and every later one (up to `times` faults). Default 1. */
  readonly fromCall?: number;
  /** At most this many faults, e.g. `{ times: 2 }` is "the next 2 calls". Default: no limit. */
  readonly times?: number;
}

export interface FaultRule extends Target {
  readonly fault: Fault;
}

/** What happened to one call, in arrival order. */
export interface ProxiedCall {
  readonly method: string;
  readonly path: string;
  readonly operation: string | undefined;
  /** The fault injected, or undefined when the call went through untouched. */
  readonly fault: Fault['kind'] | undefined;
  /** Whether the request reached the upstream. */
  forwarded: boolean;
  /** The status the client got; undefined after a reset or a hang. */
  status: number | undefined;
}

/** The rules in force, matched in order: every rule counts the calls it matches, the first that fires decides. */
export class FaultRules {
  private readonly active: { rule: FaultRule; seen: number; fired: number }[] = [];

  add(...rules: FaultRule[]): void {
    for (const rule of rules) this.active.push({ rule, seen: 0, fired: 0 });
  }

  remove(rule: FaultRule): void {
    const index = this.active.findIndex((entry) => entry.rule === rule);
    if (index >= 0) this.active.splice(index, 1);
  }

  clear(): void {
    this.active.length = 0;
  }

  /** The fault for this call, if any; counts the call for every rule it matches. */
  decide(request: SeenRequest): Fault | undefined {
    let decided: Fault | undefined;
    for (const entry of this.active) {
      const { rule } = entry;
      if (rule.operation !== undefined && rule.operation !== request.operation) continue;
      if (rule.path !== undefined && rule.path !== request.path) continue;
      if (rule.matches && !rule.matches(request)) continue;
      entry.seen++;
      const from = rule.onCall ?? rule.fromCall ?? 1;
      const times = rule.onCall !== undefined ? 1 : (rule.times ?? Number.POSITIVE_INFINITY);
      if (decided === undefined && entry.seen >= from && entry.fired < times) {
        entry.fired++;
        decided = rule.fault;
      }
    }
    return decided;
  }
}

/** DynamoDB throttling `operation`, e.g. `throttle('UpdateItem', { fromCall: 8 })`; `Throttling` for query services. */
export function throttle(operation: string, target: Target = {}): FaultRule {
  return {
    ...target,
    operation,
    fault: { kind: 'error', status: 400, message: 'Rate of requests exceeded' },
  };
}

/** The service failing with `status` (500, 503…), e.g. `failWith(500, { operation: 'PutItem', onCall: 2 })`. */
export function failWith(
  status: number,
  target: Target & { code?: string; message?: string } = {},
): FaultRule {
  const { code, message = `injected ${status}`, ...rest } = target;
  return { ...rest, fault: { kind: 'error', status, code, message } };
}

/** 429 with `Retry-After` (Slack's rate limit), e.g. `tooManyRequests(30, { onCall: 1 })`. */
export function tooManyRequests(retryAfterSeconds: number, target: Target = {}): FaultRule {
  const headers = { 'retry-after': String(retryAfterSeconds) };
  return { ...target, fault: { kind: 'error', status: 429, message: 'rate_limited', headers } };
}

/** The connection reset under the client, e.g. `resetConnection({ operation: 'BatchWriteItem' })`. */
export function resetConnection(target: Target = {}): FaultRule {
  return { ...target, fault: { kind: 'reset' } };
}

/** `ms` of added latency before the call is forwarded, e.g. `delay(200, { operation: 'Query' })`. */
export function delay(ms: number, target: Target = {}): FaultRule {
  return { ...target, fault: { kind: 'delay', ms } };
}

/** No answer until the client times out, e.g. `hang({ path: '/services/T000/B000/secret-token' })`. */
export function hang(target: Target = {}): FaultRule {
  return { ...target, fault: { kind: 'hang' } };
}

export interface FaultProxy {
  /** Point the client here instead of at the upstream, e.g. `new DynamoDBClient({ endpoint })`. */
  readonly endpoint: string;
  readonly calls: ProxiedCall[];
  readonly rules: FaultRules;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Where calls go, e.g. `http://127.0.0.1:8000`. */
  readonly upstream: string;
  /** How long a `hang` lasts at most before the proxy resets the socket. @default 5000 */
  readonly hangLimitMs?: number;
}

/** The usual codes when a rule names none, per protocol: throttling for a 4xx, an internal failure for a 5xx. */
const USUAL_CODES = {
  dynamodb: { throttling: 'ProvisionedThroughputExceededException', internal: 'InternalServerError' },
  json: { throttling: 'ThrottlingException', internal: 'InternalFailure' },
  query: { throttling: 'Throttling', internal: 'InternalFailure' },
};

/** The operation and protocol of a request: JSON protocols name the operation in `X-Amz-Target`, query ones in `Action=`. */
function identify(
  headers: IncomingMessage['headers'],
  body: string,
): Pick<SeenRequest, 'operation' | 'protocol'> {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const operation = target.slice(target.lastIndexOf('.') + 1);
    return { operation, protocol: target.startsWith('DynamoDB_') ? 'dynamodb' : 'json' };
  }
  const form = headers['content-type']?.startsWith('application/x-www-form-urlencoded');
  const operation = form ? (new URLSearchParams(body).get('Action') ?? undefined) : undefined;
  return { operation, protocol: operation === undefined ? 'plain' : 'query' };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}

function answerError(
  request: SeenRequest,
  fault: Extract<Fault, { kind: 'error' }>,
  response: ServerResponse,
) {
  const { protocol } = request;
  const message = fault.message ?? `injected ${fault.status}`;
  if (protocol === 'plain') {
    response.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers }).end(message);
    return;
  }
  const usual = USUAL_CODES[protocol];
  const code = fault.code ?? (fault.status >= 500 ? usual.internal : usual.throttling);
  if (protocol === 'query') {
    const type = fault.status >= 500 ? 'Receiver' : 'Sender';
    const xml = `<ErrorResponse><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
    response.writeHead(fault.status, { 'content-type': 'text/xml', ...fault.headers }).end(xml);
    return;
  }
  const type = protocol === 'dynamodb' ? `com.amazonaws.dynamodb.v20120810#${code}` : code;
  const contentType = request.headers['content-type'] ?? 'application/x-amz-json-1.0';
  const headers = { 'content-type': contentType, 'x-amzn-errortype': code, ...fault.headers };
  response.writeHead(fault.status, headers).end(JSON.stringify({ __type: type, message }));
}

/**
 * Starts a proxy on 127.0.0.1 in front of `upstream`; calls pass unchanged until a rule fires.
 *
 * @example
 * const proxy = await startFaultProxy({ upstream: dynamodb.endpoint });
 * proxy.rules.add(throttle('UpdateItem', { fromCall: 8 }));
 * // … run the handler with a DynamoDBClient whose endpoint is proxy.endpoint …
 * expect(proxy.calls.filter((c) => c.fault === 'error')).toHaveLength(3);
 * await proxy.close();
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const hangLimitMs = options.hangLimitMs ?? 5_000;
  const agent = new Agent({ keepAlive: true });
  const timers = new Set<NodeJS.Timeout>();
  const calls: ProxiedCall[] = [];
  const rules = new FaultRules();

  const later = (ms: number, then: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      then();
    }, ms);
    timers.add(timer);
  };

  const pass = (incoming: IncomingMessage, body: Buffer, call: ProxiedCall, response: ServerResponse) => {
    if (response.destroyed) return;
    call.forwarded = true;
    const { method, url: path, headers } = incoming;
    const outgoing = forward({ agent, host: upstream.hostname, port: upstream.port, method, path, headers });
    outgoing.on('response', (answer) => {
      call.status = answer.statusCode;
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    outgoing.on('error', (error) => {
      call.status = 502;
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`fault proxy: upstream unreachable: ${error.message}`);
    });
    outgoing.end(body);
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const { method = 'GET', headers } = incoming;
      const path = new URL(incoming.url ?? '/', 'http://proxy').pathname;
      const text = body.toString('utf8');
      const request: SeenRequest = { method, path, ...identify(headers, text), headers, body: text };
      const fault = rules.decide(request);
      const { operation } = request;
      const call: ProxiedCall = {
        method,
        path,
        operation,
        fault: fault?.kind,
        forwarded: false,
        status: undefined,
      };
      calls.push(call);
      if (fault === undefined) pass(incoming, body, call, response);
      else if (fault.kind === 'error') {
        call.status = fault.status;
        answerError(request, fault, response);
      } else if (fault.kind === 'delay') later(fault.ms, () => pass(incoming, body, call, response));
      else if (fault.kind === 'reset') incoming.socket.destroy();
      else later(hangLimitMs, () => incoming.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    rules,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
