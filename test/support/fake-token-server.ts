/** A token endpoint on 127.0.0.1 that answers with fresh random tokens (remembered for the leak audit), or as scripted. */
import { randomBytes } from 'node:crypto';
import { FakeHttpServer, type ScriptedResponse } from './fake-http-server.js';
import { rememberSecret } from './leak-audit.js';

export type { RecordedRequest, ScriptedResponse, Responder } from './fake-http-server.js';

export class FakeTokenServer extends FakeHttpServer {
  readonly issued: string[] = [];

  private constructor() {
    super(() => this.tokenResponse());
  }

  static async start(): Promise<FakeTokenServer> {
    return new FakeTokenServer().listen();
  }

  get tokenUrl(): string {
    return this.url('/oauth/token');
  }

  /** A successful answer with a fresh token. */
  tokenResponse(fields: Record<string, unknown> = {}): ScriptedResponse {
    return { body: { access_token: this.newToken(), token_type: 'Bearer', expires_in: 3600, ...fields } };
  }

  newToken(): string {
    const token = rememberSecret('tok_' + randomBytes(24).toString('base64url'));
    this.issued.push(token);
    return token;
  }
}
