/**
 * Sends one webhook request: undici over keep-alive pools (chosen by measurement, see README), the
 * core SSRF guard at connect time, a per-endpoint timeout, no redirects, and the first 4 KB of the answer kept.
 */
import { isIP } from 'node:net';
import { inject, injectable } from 'inversify';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import { CORE, parseRetryAfter, type NetworkGuard, type ResolvedCoreOptions } from '@tessera/core';
import type { AttemptRecord } from './delivery-types.js';

const KEPT_BYTES = 4096;
/** Answers longer than this are cut off (and their connection closed) rather than read to the end. */
const READ_LIMIT = 64 * 1024;

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  attemptedAt: number;
}

export interface SendResult {
  attempt: AttemptRecord;
  retryAfterMs?: number;
}

@injectable()
export class DeliverySender {
  /** One keep-alive pool per origin (chosen over undici's Agent by measurement: no URL parse per request). */
  readonly #pools = new Map<string, Pool>();
  /** Each endpoint URL, parsed and checked once. */
  readonly #targets = new Map<string, { pool: Pool; path: string }>();
  readonly #connectTimeoutMs: number;

  constructor(
    @inject(CORE.NetworkGuard) private readonly guard: NetworkGuard,
    @inject(CORE.Options) core: ResolvedCoreOptions,
  ) {
    this.#connectTimeoutMs = core.http.connectTimeoutMs;
  }

  async send(input: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const attempt = (fields: Partial<AttemptRecord>): AttemptRecord => ({
      attemptedAt: input.attemptedAt,
      status: null,
      latencyMs: Math.round(performance.now() - started),
      errorCode: null,
      errorMessage: null,
      responseBody: null,
      ...fields,
    });
    try {
      const { pool, path } = this.#poolFor(input.url);
      // undici's own timers bound the wait for the answer's headers and for each piece of its body.
      const response = await pool.request({
        path,
        method: 'POST',
        headers: input.headers,
        body: input.body,
        headersTimeout: input.timeoutMs,
        bodyTimeout: input.timeoutMs,
      });
      const responseBody = await readStart(response.body);
      const status = response.statusCode;
      const ok = status >= 200 && status < 300;
      const redirect = status >= 300 && status < 400;
      const retryAfterMs = parseRetryAfter(header(response.headers['retry-after']));
      return {
        attempt: attempt({
          status,
          responseBody,
          errorCode: ok ? null : redirect ? 'redirect' : 'http',
          errorMessage: ok ? null : redirect ? `HTTP ${status}: redirects are not followed; use the final URL` : `HTTP ${status}`,
        }),
        ...(retryAfterMs !== undefined && { retryAfterMs }),
      };
    } catch (error) {
      const { code, message } = classify(error, this.#aborting, input.timeoutMs);
      return { attempt: attempt({ errorCode: code, errorMessage: message }) };
    }
  }

  #aborting = false;

  /** Ends every request in flight now (the graceful stop's deadline has passed); later sends work again. */
  async abortAll(): Promise<void> {
    this.#aborting = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    this.#targets.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
    this.#aborting = false;
  }

  #poolFor(url: string): { pool: Pool; path: string } {
    let target = this.#targets.get(url);
    if (!target) {
      this.#checkLiteralAddress(url);
      const parsed = new URL(url);
      let pool = this.#pools.get(parsed.origin);
      if (!pool) {
        // No connection cap here: two endpoints may share a host, and the dispatcher already bounds
        // in-flight requests per endpoint and in total, so a slow endpoint cannot starve a fast one.
        pool = new Pool(parsed.origin, { connect: { lookup: this.guard.lookup, timeout: this.#connectTimeoutMs }, keepAliveTimeout: 30_000, pipelining: 1 });
        this.#pools.set(parsed.origin, pool);
      }
      if (this.#targets.size > 10_000) this.#targets.clear();
      target = { pool, path: parsed.pathname + parsed.search };
      this.#targets.set(url, target);
    }
    return target;
  }

  /** DNS names are checked when connecting; an IP literal never reaches DNS, so it is checked here. */
  #checkLiteralAddress(url: string): void {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) this.guard.assertAllowed(host, host);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
    this.#pools.clear();
    this.#targets.clear();
  }
}

/** Reads the answer, keeping its first 4 KB; a longer one is cut off rather than read to the end. */
function readStart(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).subarray(0, KEPT_BYTES).toString('utf8'));
    body.on('data', (chunk: Buffer) => {
      if (size < KEPT_BYTES) chunks.push(chunk);
      size += chunk.length;
      if (size > READ_LIMIT) {
        body.destroy();
        done();
      }
    });
    body.once('end', done);
    body.once('error', (error) => (size > READ_LIMIT ? done() : reject(error)));
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function classify(error: unknown, stopped: boolean, timeoutMs: number): { code: string; message: string } {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  if (stopped) return { code: 'aborted', message: 'The dispatcher stopped before the receiver answered.' };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { code: 'timeout', message: `The receiver did not answer within ${timeoutMs} ms.` };
  }
  if (code === 'address-refused') return { code, message: err.message ?? 'address refused' };
  if (err.cause && (err.cause as { code?: string }).code === 'address-refused') return { code: 'address-refused', message: err.cause.message ?? 'address refused' };
  if (code === 'ECONNREFUSED') return { code: 'connection-refused', message: 'The receiver refused the connection: nothing listens at that host and port.' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'dns', message: "The receiver's host name does not resolve." };
  if (code && /CERT|SSL|TLS|EPROTO/.test(code)) return { code: 'tls', message: `TLS failed (${code}).` };
  return { code: 'network', message: `${err.message ?? String(error)}${code ? ` (${code})` : ''}` };
}
