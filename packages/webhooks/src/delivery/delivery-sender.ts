/**
 * Sends one webhook request: undici over keep-alive pools (chosen by measurement, see README), the
 * core SSRF guard at connect time, a per-endpoint timeout (for the answer's headers, each piece of its
 * body, and the whole of it), no redirects, and the first 4 KB of the answer kept.
 */
import { inject, injectable } from 'inversify';
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import type { Pool, Dispatcher } from 'undici';
import { CORE, networkFailure, networkReason, parseRetryAfter, systemCodeOf, type NetworkGuard, type ResolvedCoreOptions } from '@tessera/core';
import type { AttemptRecord } from './delivery-types.js';

/** undici, loaded by the first delivery: a process that never delivers (a CLI command) never pays for it. */
const requireHere = createRequire(import.meta.url);
let loadedUndici: typeof Undici | undefined;
const undici = (): typeof Undici => (loadedUndici ??= requireHere('undici') as typeof Undici);

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
  /** The answer was longer than what is kept: the kept body ends where it was cut. */
  bodyCut?: boolean;
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

  /** Sends the request and settles with what happened; it never rejects (a network failure is an attempt too). */
  send(input: SendRequest): Promise<SendResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      const finish = (fields: Partial<AttemptRecord>, retryAfterMs?: number, bodyCut = false) => {
        const attempt: AttemptRecord = {
          attemptedAt: input.attemptedAt,
          status: null,
          latencyMs: Math.round(performance.now() - started),
          errorCode: null,
          errorMessage: null,
          responseBody: null,
          ...fields,
        };
        const result: SendResult = { attempt };
        if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
        if (bodyCut) result.bodyCut = true;
        resolve(result);
      };
      const answered = (status: number, body: string, retryAfter: string | undefined, cut: boolean) => {
        const ok = status >= 200 && status < 300;
        const redirect = status >= 300 && status < 400;
        finish(
          {
            status,
            responseBody: body,
            errorCode: ok ? null : redirect ? 'redirect' : 'http',
            errorMessage: ok ? null : redirect ? `HTTP ${status}: redirects are not followed; use the final URL` : `HTTP ${status}`,
          },
          parseRetryAfter(retryAfter),
          cut,
        );
      };
      const failed = (error: unknown) => {
        const { code, message } = classify(error, this.#aborting, input.timeoutMs);
        finish({ errorCode: code, errorMessage: message });
      };
      try {
        const { pool, path } = this.#poolFor(input.url);
        // undici's own timers bound the wait for the answer's headers and for each piece of its body; the
        // reader, the whole answer (a receiver trickling a byte at a time could otherwise hold a slot for days).
        pool.dispatch(
          { path, method: 'POST', headers: input.headers, body: input.body, headersTimeout: input.timeoutMs, bodyTimeout: input.timeoutMs },
          new AnswerReader(started + input.timeoutMs, answered, failed),
        );
      } catch (error) {
        failed(error);
      }
    });
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
        pool = new (undici().Pool)(parsed.origin, { connect: { lookup: this.guard.lookup, timeout: this.#connectTimeoutMs }, keepAliveTimeout: 30_000, pipelining: 1 });
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
    this.guard.assertLiteralAllowed(url);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
    this.#pools.clear();
    this.#targets.clear();
  }
}

/**
 * Reads one answer through undici's dispatch handler (no response stream is built: measured cheaper
 * than `Pool.request`), keeping the first 4 KB of its body; a longer answer is cut off at 64 KB and
 * its connection closed rather than read to the end.
 */
class AnswerReader implements Dispatcher.DispatchHandler {
  #status = 0;
  #retryAfter: string | undefined;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #settled = false;

  constructor(
    /** When the whole answer must be in (`performance.now()` time), checked as each piece arrives. */
    private readonly deadline: number,
    private readonly answered: (status: number, body: string, retryAfter: string | undefined, cut: boolean) => void,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** Present so undici treats this as a handler of its current API (it checks for this method). */
  onRequestStart(): void {}

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // A 1xx answer restarts undici's headers timer: one sent within each timeout, forever, would hold the slot.
    if (performance.now() > this.deadline && !this.#settled) {
      controller.abort(new AnswerTooSlow());
      return;
    }
    // 1xx answers come before the final one and are not the outcome.
    if (statusCode < 200) return;
    this.#status = statusCode;
    const retryAfter = headers['retry-after'];
    this.#retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // Each piece came within the timeout (undici's body timer), but the whole answer took longer: cut off.
    // Checked here, not by a timer per request (or a list of them, which raised peak RSS by a quarter, measured):
    // a trickle's next piece comes within the timeout, so it ends at most one timeout past the deadline.
    if (performance.now() > this.deadline && !this.#settled) {
      controller.abort(new AnswerTooSlow());
      return;
    }
    if (this.#size < KEPT_BYTES) this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size > READ_LIMIT && !this.#settled) {
      this.#answer();
      controller.abort(new Error('answer too long; cut off'));
    }
  }

  onResponseEnd(): void {
    this.#answer();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.failed(error);
  }

  #answer(): void {
    if (this.#settled) return;
    this.#settled = true;
    const body = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    // Cut where a character starts: half a character would decode as U+FFFD and hide what it cut into.
    let end = Math.min(KEPT_BYTES, body.length);
    if (body.length > end) while (end > 0 && ((body[end] as number) & 0xc0) === 0x80) end--;
    this.answered(this.#status, body.subarray(0, end).toString('utf8'), this.#retryAfter, this.#size > KEPT_BYTES);
  }
}

/** The reason a request is aborted with once its whole answer has taken longer than the endpoint's timeout. */
class AnswerTooSlow extends Error {
  readonly code = 'ANSWER_TOO_SLOW';
  constructor() {
    super('the whole answer took longer than the timeout');
  }
}

function classify(error: unknown, stopped: boolean, timeoutMs: number): { code: string; message: string } {
  const err = error as { code?: unknown; message?: string; cause?: { code?: unknown; message?: string } };
  if (stopped) return { code: 'aborted', message: 'The dispatcher stopped before the receiver answered.' };
  if (error instanceof AnswerTooSlow) return { code: 'timeout', message: `The receiver did not finish answering within ${timeoutMs} ms.` };
  // The SSRF guard's refusal, thrown by the connector or wrapped by undici.
  const refused = err.code === 'address-refused' ? err : err.cause?.code === 'address-refused' ? err.cause : undefined;
  if (refused !== undefined) return { code: 'address-refused', message: refused.message ?? 'address refused' };
  const code = systemCodeOf(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { code: 'timeout', message: `The receiver did not answer within ${timeoutMs} ms.` };
  }
  // The same codes and reasons as the token client's and the tester's (core's networkFailure).
  const reason = networkReason(code, err.message ?? String(error));
  return { code: networkFailure(code), message: `The receiver could not be reached: ${reason}.` };
}
