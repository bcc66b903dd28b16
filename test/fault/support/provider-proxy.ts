// An HTTP proxy between the worker and the fake Resend. It forwards every request, and
// can withhold the provider's response to chosen e-mails, so that a test kills the worker
// after the provider accepted a message and before the worker received the response.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A response the proxy withheld: the provider accepted the e-mail, the worker never received the response. */
export interface HeldAnswer {
  recipient: string;
  idempotencyKey: string | null;
  status: number;
}

export class ProviderProxy {
  readonly held: HeldAnswer[] = [];
  private readonly server: Server;
  private readonly holdFor = new Set<string>();
  private readonly onHeldListeners: ((answer: HeldAnswer) => void)[] = [];

  private constructor(private readonly upstream: string) {
    this.server = createServer((request, response) => {
      void this.forward(request, response);
    });
  }

  /** Starts a proxy to `upstream` (the fake's URL) on a free port of 127.0.0.1. */
  static async start(upstream: string): Promise<ProviderProxy> {
    const proxy = new ProviderProxy(upstream);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Withholds the provider's next successful response to an e-mail addressed to `recipient`, once. */
  holdNextAcceptedAnswer(recipient: string): void {
    this.holdFor.add(recipient.toLowerCase());
  }

  /** Resolves with the first answer held back. */
  nextHeld(): Promise<HeldAnswer> {
    const first = this.held[0];
    if (first) return Promise.resolve(first);
    return new Promise((resolve) => this.onHeldListeners.push(resolve));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);

    const target = new URL(incoming.url ?? '/', this.upstream);
    const upstreamRequest = httpRequest(target, { method: incoming.method, headers: { ...incoming.headers, host: target.host } }, (answer) => {
      const answerChunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
      answer.on('end', () => {
        const recipient = recipientOf(body);
        const status = answer.statusCode ?? 0;
        if (status === 200 && recipient !== null && this.holdFor.delete(recipient)) {
          const held = { recipient, idempotencyKey: headerOf(incoming, 'idempotency-key'), status };
          this.held.push(held);
          for (const listener of this.onHeldListeners.splice(0)) listener(held);
          return;
        }
        outgoing.writeHead(status, answer.headers);
        outgoing.end(Buffer.concat(answerChunks));
      });
    });
    // A worker killed mid-request closes its socket, so the connection to the provider closes too.
    outgoing.on('close', () => {
      if (!outgoing.writableEnded) upstreamRequest.destroy();
    });
    upstreamRequest.on('error', () => {
      if (!outgoing.headersSent && !outgoing.destroyed) {
        outgoing.writeHead(502, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ statusCode: 502, name: 'bad_gateway', message: 'the fake provider closed the connection' }));
      }
    });
    upstreamRequest.end(body);
  }
}

function headerOf(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

/** Returns the first recipient of a POST /emails body, or of the first e-mail of a POST /emails/batch body, in lower case. */
function recipientOf(body: Buffer): string | null {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { to?: string | string[] } | { to?: string | string[] }[];
    const email = Array.isArray(parsed) ? parsed[0] : parsed;
    const to = Array.isArray(email?.to) ? email.to[0] : email?.to;
    return typeof to === 'string' ? to.toLowerCase() : null;
  } catch {
    return null;
  }
}
