/**
 * A token endpoint that is a real HTTP server on 127.0.0.1: it records every request byte for byte and
 * answers with fresh random tokens, or with whatever a test scripts.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rememberSecret } from './leak-audit.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
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

export class FakeTokenServer {
  readonly requests: RecordedRequest[] = [];
  readonly issued: string[] = [];
  /** TCP connections accepted so far (keep-alive reuses one). */
  connections = 0;
  #responder: Responder = () => this.tokenResponse();
  #server: http.Server;
  #port = 0;

  private constructor() {
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(recorded);
        void Promise.resolve(this.#responder(recorded, this.requests.length - 1)).then(async (answer) => {
          if (answer.hang) return;
          if (answer.destroy) return req.socket.destroy();
          if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
          const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
          const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
          res.writeHead(answer.status ?? 200, { 'content-type': type, ...answer.headers });
          res.end(body);
        });
      });
    });
  }

  static async start(): Promise<FakeTokenServer> {
    const server = new FakeTokenServer();
    server.#server.on('connection', () => server.connections++);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    server.#port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get tokenUrl(): string {
    return `${this.origin}/oauth/token`;
  }

  get count(): number {
    return this.requests.length;
  }

  respond(responder: Responder): void {
    this.#responder = responder;
  }

  /** A successful answer with a fresh token (remembered for the leak audit). */
  tokenResponse(fields: Record<string, unknown> = {}): ScriptedResponse {
    const token = this.newToken();
    return { body: { access_token: token, token_type: 'Bearer', expires_in: 3600, ...fields } };
  }

  newToken(): string {
    const token = rememberSecret('tok_' + randomBytes(24).toString('base64url'));
    this.issued.push(token);
    return token;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
