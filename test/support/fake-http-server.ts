/**
 * A remote service faked as a real HTTP server on 127.0.0.1: it records every request byte for byte
 * and answers with whatever a test scripts (a token endpoint, a webhook receiver, …).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Never answer (to test timeouts). */
  hang?: boolean;
  /** Drop the connection without answering (ECONNRESET on the client). */
  destroy?: boolean;
  delayMs?: number;
}

export type Responder = (request: RecordedRequest, index: number) => ScriptedResponse | Promise<ScriptedResponse>;

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** TCP connections accepted so far (keep-alive reuses one). */
  connections = 0;
  /** Requests received and not yet answered (or dropped), and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  #responder: Responder;
  readonly #server: http.Server;
  #port = 0;

  constructor(defaultResponder: Responder) {
    this.#responder = defaultResponder;
    this.#server = http.createServer((req, res) => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      res.once('close', () => this.inFlight--);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        this.requests.push(recorded);
        void Promise.resolve(this.#responder(recorded, this.requests.length - 1)).then(async (answer) => {
          if (answer.hang) return;
          if (answer.destroy) return req.socket.destroy();
          if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
          const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
          const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
          if (res.destroyed) return;
          res.writeHead(answer.status ?? 200, { 'content-type': type, ...answer.headers });
          res.end(body);
        });
      });
    });
    this.#server.on('connection', () => this.connections++);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  url(path: string): string {
    return this.origin + path;
  }

  get count(): number {
    return this.requests.length;
  }

  respond(responder: Responder): void {
    this.#responder = responder;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
