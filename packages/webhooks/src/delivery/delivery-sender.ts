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
/**
 * How often requests are checked against their whole-answer deadline: a receiver that trickles its answer
 * a byte at a time (each piece within the timeout) is cut off at most this long after the timeout, instead
 * of holding a slot for days. One sweep for all, not a timer per request (measured on the hot path).
 */
const DEADLINE_SWEEP_MS = 1_000;

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
  /** Requests not yet answered in full, checked every DEADLINE_SWEEP_MS against their deadline. */
  readonly #open = new Set<AnswerReader>();
  #sweeper: NodeJS.Timeout | undefined;

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
      const reader = new AnswerReader(started, input.timeoutMs, answered, failed, () => this.#open.delete(reader));
      try {
        const { pool, path } = this.#poolFor(input.url);
        // undici's own timers bound the wait for the answer's headers and for each piece of its body; the sweep, the whole answer.
        this.#watch(reader);
        pool.dispatch({ path, method: 'POST', headers: input.headers, body: input.body, headersTimeout: input.timeoutMs, bodyTimeout: input.timeoutMs }, reader);
      } catch (error) {
        reader.fail(error);
      }
    });
  }

  #watch(reader: AnswerReader): void {
    this.#open.add(reader);
    this.#sweeper ??= setInterval(() => this.#sweep(), DEADLINE_SWEEP_MS).unref();
  }

  /** Cuts off every request past its whole-answer deadline; stops sweeping while none is open. */
  #sweep(): void {
    const now = performance.now();
    for (const reader of this.#open) if (reader.deadline() <= now) reader.expire();
    if (this.#open.size === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
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
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
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
  #controller: Dispatcher.DispatchController | undefined;
  #expired = false;

  constructor(
    private readonly started: number,
    private readonly timeoutMs: number,
    private readonly answered: (status: number, body: string, retryAfter: string | undefined, cut: boolean) => void,
    private readonly failed: (error: unknown) => void,
    private readonly closed: () => void,
  ) {}

  /** undici hands over the request's controller (its presence also marks this a handler of undici's current API). */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#expired) controller.abort(new AnswerTooSlow());
  }

  /**
   * When the whole answer must be in (`performance.now()` time): the timeout once the answer has begun.
   * Until then undici's own timers (connect, headers) end the wait, exactly and with their own words; this
   * one stands behind them, later, for anything they would not.
   */
  deadline(): number {
    return this.#status === 0 ? this.started + 2 * this.timeoutMs + DEADLINE_SWEEP_MS : this.started + this.timeoutMs;
  }

  /** Past the deadline: the request is aborted (at once, or as soon as undici starts it) and fails as a timeout. */
  expire(): void {
    if (this.#settled || this.#expired) return;
    this.#expired = true;
    this.#controller?.abort(new AnswerTooSlow());
  }

  /** Failed before undici took the request (an invalid URL, a refused address). */
  fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.closed();
    this.failed(error);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx answers come before the final one and are not the outcome.
    if (statusCode < 200) return;
    this.#status = statusCode;
    const retryAfter = headers['retry-after'];
    this.#retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
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
    this.fail(error);
  }

  #answer(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.closed();
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
