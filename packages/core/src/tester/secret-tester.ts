/** Tests a saved secret or a draft by running the real token request once, and reports what happened. */
import { inject, injectable } from 'inversify';
import type { Logger } from 'winston';
import { ValidationError } from '../errors/validation-error.js';
import { TesseraError } from '../errors/tessera-error.js';
import { isDestinationField } from '../secrets/field-declaration.js';
import type { SecretKindRegistry } from '../secrets/secret-kind-registry.js';
import type { SecretStore } from '../store/secret-store.js';
import type { TokenClient, TokenRequestSubject } from '../tokens/token-client.js';
import { CORE } from '../tokens.js';
import { diagnoseExchange } from './diagnose-exchange.js';
import { tokenPreview, type Diagnostic, type TestReport } from './test-report.js';

/** Diagnostics about where the token request went: fixed in the field that says where. */
const DESTINATION_CODES = new Set(['url-not-found', 'html-response', 'not-json', 'response-too-large', 'dns-failure', 'connection-refused', 'tls-error', 'timeout']);

export interface SecretDraft {
  kind: string;
  params: Record<string, unknown>;
}

@injectable()
export class SecretTester {
  constructor(
    @inject(CORE.SecretStore) private readonly store: SecretStore,
    @inject(CORE.SecretKindRegistry) private readonly kinds: SecretKindRegistry,
    @inject(CORE.TokenClient) private readonly client: TokenClient,
    @inject(CORE.Logger) private readonly logger: Logger,
  ) {}

  /** Tests a saved secret by id, or a draft `{ kind, params }` that is validated first. */
  async test(target: string | SecretDraft): Promise<TestReport> {
    const started = performance.now();
    let subject: TokenRequestSubject;
    try {
      subject = await this.#subject(target);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return {
        ok: false,
        durationMs: Math.round(performance.now() - started),
        diagnostics: error.issues.map((issue) => ({ level: 'error', code: issue.code ?? 'invalid-params', message: `${issue.field}: ${issue.message}`, field: issue.field.replace(/^params\./, '').split('.')[0] as string })),
      };
    }
    const exchange = await this.client.exchange(subject);
    const report: TestReport = {
      ok: exchange.token !== undefined,
      durationMs: Math.round(exchange.durationMs),
      diagnostics: this.#pointed(subject.kind, diagnoseExchange(exchange)),
    };
    if (exchange.response) report.status = exchange.response.status;
    else if (exchange.error?.status !== undefined) report.status = exchange.error.status;
    if (exchange.token) {
      report.token = {
        type: exchange.token.tokenType,
        expiresInSeconds: Math.round(exchange.token.lifetimeMs / 1000),
        preview: tokenPreview(exchange.token.accessToken),
      };
    }
    this.logger.info('secret tested', { secretId: subject.id, kind: subject.kind, ok: report.ok, status: report.status, codes: report.diagnostics.map((d) => d.code) });
    return report;
  }

  /** A problem with where the request went points at the kind's field that says where (its first destination field). */
  #pointed(kindId: string, diagnostics: Diagnostic[]): Diagnostic[] {
    const destination = this.kinds.get(kindId).fields.find(isDestinationField)?.name;
    if (destination === undefined) return diagnostics;
    return diagnostics.map((d) => (DESTINATION_CODES.has(d.code) && d.field === undefined ? { ...d, field: destination } : d));
  }

  async #subject(target: string | SecretDraft): Promise<TokenRequestSubject> {
    if (typeof target === 'string') {
      const secret = await this.store.reveal(target);
      return { id: secret.id, kind: secret.kind, params: secret.params };
    }
    if (target === null || typeof target !== 'object' || typeof target.kind !== 'string') {
      throw new TesseraError('validation', 'A draft to test needs a kind and params.');
    }
    return { kind: target.kind, params: this.kinds.parseParams(target.kind, target.params) };
  }
}
