/**
 * Sends one webhook request: undici over keep-alive pools (chosen by measurement, see README), the
 * core SSRF guard at connect time, a per-endpoint timeout, no redirects, and the first 4 KB of the answer kept.
 */
import { isIP } from 'node:net';
import { inject, injectable } from 'inversify';
import { Agent, request } from 'undici';
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
  signal: AbortSignal;
  attemptedAt: number;
}

export interface SendResult {
  attempt: AttemptRecord;
  retryAfterMs?: number;
}

@injectable()
export class DeliverySender {
  readonly #agent: Agent;

  constructor(
    @inject(CORE.NetworkGuard) private readonly guard: NetworkGuard,
    @inject(CORE.Options) core: ResolvedCoreOptions,
  ) {
    this.#agent = new Agent({
      connect: { lookup: guard.lookup, timeout: core.http.connectTimeoutMs },
      // No per-origin cap here: two endpoints may share a host, and the dispatcher already bounds
      // in-flight requests per endpoint and in total, so a slow endpoint cannot starve a fast one.
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
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
    const timeout = AbortSignal.timeout(input.timeoutMs);
    try {
      const host = new URL(input.url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(host)) this.guard.assertAllowed(host, host);
      const response = await request(input.url, {
        dispatcher: this.#agent,
        method: 'POST',
        headers: input.headers,
        body: input.body,
        signal: AbortSignal.any([input.signal, timeout]),
        headersTimeout: input.timeoutMs,
        bodyTimeout: input.timeoutMs,
      });
      const responseBody = await readStart(response.body);
      const status = response.statusCode;
      const ok = status >= 200 && status < 300;
      const retryAfter = header(response.headers['retry-after']);
      const retryAfterMs = parseRetryAfter(retryAfter);
      return {
        attempt: attempt({
          status,
          responseBody,
          errorCode: ok ? null : status >= 300 && status < 400 ? 'redirect' : 'http',
          errorMessage: ok ? null : status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed; use the final URL` : `HTTP ${status}`,
        }),
        ...(retryAfterMs !== undefined && { retryAfterMs }),
      };
    } catch (error) {
      const { code, message } = classify(error, timeout.aborted, input.signal.aborted, input.timeoutMs);
      return { attempt: attempt({ errorCode: code, errorMessage: message }) };
    }
  }

  async close(): Promise<void> {
    await this.#agent.destroy();
  }
}

async function readStart(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < KEPT_BYTES) chunks.push(chunk);
    size += chunk.length;
    if (size > READ_LIMIT) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, KEPT_BYTES).toString('utf8');
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function classify(error: unknown, timedOut: boolean, stopped: boolean, timeoutMs: number): { code: string; message: string } {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  if (stopped) return { code: 'aborted', message: 'The dispatcher stopped before the receiver answered.' };
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { code: 'timeout', message: `The receiver did not answer within ${timeoutMs} ms.` };
  }
  if (code === 'address-refused') return { code, message: err.message ?? 'address refused' };
  if (err.cause && (err.cause as { code?: string }).code === 'address-refused') return { code: 'address-refused', message: err.cause.message ?? 'address refused' };
  if (code === 'ECONNREFUSED') return { code: 'connection-refused', message: 'The receiver refused the connection: nothing listens at that host and port.' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'dns', message: "The receiver's host name does not resolve." };
  if (code && /CERT|SSL|TLS|EPROTO/.test(code)) return { code: 'tls', message: `TLS failed (${code}).` };
  return { code: 'network', message: `${err.message ?? String(error)}${code ? ` (${code})` : ''}` };
}
