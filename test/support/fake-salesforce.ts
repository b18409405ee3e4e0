/**
 * A fake Salesforce on 127.0.0.1: the OAuth token endpoint with the password, client-credentials and
 * JWT bearer flows (the assertion's RS256 signature and iss/sub/aud/exp verified with the public key),
 * and the REST query and Account endpoints, answering 401 INVALID_SESSION_ID for revoked sessions.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { FakeHttpServer, type RecordedRequest, type ScriptedResponse } from './fake-http-server.js';
import { rememberSecret } from './leak-audit.js';
import { randomCredential } from './start-test-tessera.js';

export class FakeSalesforce {
  readonly server: FakeHttpServer;
  readonly sessions = new Set<string>();
  readonly tokenRequests: RecordedRequest[] = [];
  /** Sessions revoked through /services/oauth2/revoke. */
  readonly revoked: string[] = [];
  /** Paths of the REST calls, e.g. /services/data/v62.0/query?q=… */
  readonly dataPaths: string[] = [];
  /** When set, every session is refused even right after it was issued (a broken org policy). */
  rejectEverySession = false;
  /** Every sign-in is refused (invalid_grant), as after the integration user's password was changed. */
  refuseSignIn = false;
  /** The next this many data requests answer 503, as during a Salesforce incident. */
  unavailableFor = 0;
  /** What the token endpoint returns as instance_url; default this server. */
  instanceUrl: string | undefined;
  readonly accounts: Array<{ Id: string; Name: string }> = [{ Id: '001000000000001AAA', Name: 'Acme' }];
  readonly clientId = 'consumer-key-1';
  readonly clientSecret = randomCredential('sf-secret');
  readonly username = 'integration@acme.example';
  readonly password = randomCredential('sf-password');
  readonly securityToken = randomCredential('sf-token');
  readonly privateKeyPem: string;
  readonly #publicKeyPem: string;

  private constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    this.privateKeyPem = rememberSecret(privateKey);
    this.#publicKeyPem = publicKey;
    this.server = new FakeHttpServer((request) => this.#handle(request));
  }

  static async start(): Promise<FakeSalesforce> {
    const fake = new FakeSalesforce();
    await fake.server.listen();
    return fake;
  }

  get origin(): string {
    return this.server.origin;
  }

  /** Every session is revoked, as when an admin logs the integration user out. */
  revokeAll(): void {
    this.sessions.clear();
  }

  async #handle(request: RecordedRequest): Promise<ScriptedResponse> {
    if (request.path === '/services/oauth2/token') return this.#token(request);
    if (request.path === '/services/oauth2/revoke') {
      this.revoked.push(new URLSearchParams(request.body).get('token') ?? '');
      this.sessions.delete(this.revoked.at(-1)!);
      return { status: 200, body: '' };
    }
    this.dataPaths.push(request.path);
    if (this.unavailableFor > 0) {
      this.unavailableFor--;
      return { status: 503, body: 'Service Unavailable' };
    }
    const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (this.rejectEverySession || !this.sessions.has(token)) return { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };
    const data = /^\/services\/data\/v(\d+\.\d)\/(.*)$/.exec(request.path);
    if (data?.[2]?.startsWith('query')) return { body: { totalSize: this.accounts.length, done: true, records: this.accounts.map((a) => ({ attributes: { type: 'Account' }, ...a })) } };
    if (data?.[2] === 'sobjects/Account' && request.method === 'POST') {
      const account = { Id: '001' + randomBytes(7).toString('hex').toUpperCase(), Name: (JSON.parse(request.body) as { Name: string }).Name };
      this.accounts.push(account);
      return { status: 201, body: { id: account.Id, success: true, errors: [] } };
    }
    return { status: 404, body: [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }] };
  }

  async #token(request: RecordedRequest): Promise<ScriptedResponse> {
    this.tokenRequests.push(request);
    const form = new URLSearchParams(request.body);
    const denied = { status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } };
    if (this.refuseSignIn) return denied;
    switch (form.get('grant_type')) {
      case 'password':
        if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) return { status: 400, body: { error: 'invalid_client_id', error_description: 'client identifier invalid' } };
        if (form.get('username') !== this.username || form.get('password') !== this.password + this.securityToken) return denied;
        return this.#session();
      case 'client_credentials':
        if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) return denied;
        return this.#session();
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
        try {
          await jwtVerify(form.get('assertion') ?? '', await importSPKI(this.#publicKeyPem, 'RS256'), {
            issuer: this.clientId,
            subject: this.username,
            audience: this.origin,
            requiredClaims: ['exp'],
          });
        } catch {
          return { status: 400, body: { error: 'invalid_grant', error_description: 'invalid assertion' } };
        }
        return this.#session();
      default:
        return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
    }
  }

  #session(): ScriptedResponse {
    const session = rememberSecret('00D!' + randomBytes(30).toString('base64url'));
    this.sessions.add(session);
    return {
      body: { access_token: session, instance_url: this.instanceUrl ?? this.origin, id: `${this.origin}/id/00D000000000001/005000000000001`, token_type: 'Bearer', issued_at: String(Date.now()), signature: 'c2lnbmF0dXJl' },
    };
  }
}
