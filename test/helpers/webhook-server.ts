import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake Slack answers next: a status (with headers and body), or `hang` (never answers). */
export type WebhookAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface ReceivedPost {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A real HTTP server on 127.0.0.1 playing Slack's incoming webhook, answering from a script. */
export class WebhookServer {
  readonly received: ReceivedPost[] = [];
  private answers: WebhookAnswer[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => this.answer(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/services/T000/B000/secret-token`;
  }

  /** The answers to the next requests, in order; once used up, every request gets 200 `ok`. */
  script(...answers: WebhookAnswer[]): void {
    this.answers = [...answers];
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.received.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const next = this.answers.shift() ?? { status: 200, body: 'ok' };
      if (next === 'hang') {
        this.hanging.add(response);
        return;
      }
      response.writeHead(next.status, { 'content-type': 'text/plain', ...next.headers });
      response.end(next.body ?? '');
    });
  }
}
