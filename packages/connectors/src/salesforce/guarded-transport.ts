/** A jsforce `Transport` that sends every request through Tessera's guarded axios, so the SSRF guard checks each address jsforce connects to and no redirect is followed. */
import type { Duplex, Readable } from 'node:stream';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { HttpRequest, HttpRequestOptions } from 'jsforce';
import { createHttpRequestHandlerStreams } from 'jsforce/lib/request-helper.js';
import { Transport } from 'jsforce/lib/transport.js';
import { TesseraError, flatHeaders, isAxiosError, type HttpClient } from '@tessera/core';

/**
 * How long a request may wait for its answer, retries included, when jsforce sets no timeout: Salesforce
 * lets an API request run up to 10 minutes (jsforce's own transport waits 30), far beyond the guarded
 * client's default, which is sized for token endpoints. jsforce's `HTTP_TIMEOUT` variable overrides it.
 * Connecting stays bounded by the guard's connect timeout.
 */
const DEFAULT_TIMEOUT_MS = process.env.HTTP_TIMEOUT ? Number.parseInt(process.env.HTTP_TIMEOUT, 10) : 600_000;

/** jsforce's own retry rules and defaults, kept; a call's `options.retry` overrides them as in jsforce. */
const RETRY_DEFAULTS = {
  maxRetries: 5,
  minTimeout: 500,
  timeoutFactor: 2,
  methods: ['GET', 'PUT', 'HEAD', 'OPTIONS', 'DELETE'],
  statusCodes: [420, 429, 500, 502, 503, 504],
  errorCodes: ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'ETIMEDOUT', 'EPIPE'],
};
/** A deleted or expired org answers 420 to everything: retried twice only. */
const MAX_420_RETRIES = 2;

/**
 * jsforce's own transport sends through node-fetch with Node's global agent and follows redirects,
 * so one check of the instance URL before connecting would not hold: DNS may answer differently
 * later (rebinding), and a redirect may point anywhere. This one goes through `http.createAxios()`,
 * whose agents check every resolved address when the socket connects, and which follows no redirect
 * (a 3xx is handed to jsforce as the answer). jsforce's own retries (420, 429 and 5xx answers and
 * network errors, for requests without a body), its `options.retry` and its one deadline over all
 * attempts are kept. Not covered: `conn.streaming` (faye), which opens its own HTTP connections.
 */
export class GuardedTransport extends Transport {
  readonly #axios: AxiosInstance;

  constructor(http: HttpClient) {
    super();
    this.#axios = http.createAxios({ responseType: 'stream', validateStatus: () => true });
  }

  override getRequestStreamCreator(): (req: HttpRequest, options: HttpRequestOptions) => Duplex {
    return (req, options) => {
      // The same stream plumbing as jsforce's own transport: the body is written into `input`, the
      // answer's body is read from `output` once 'response' is emitted, then 'complete' follows.
      const { input, output, stream } = createHttpRequestHandlerStreams(req, options);
      const method = req.method.toUpperCase();
      const hasBody = /^(POST|PUT|PATCH)$/.test(method);
      const rules = { ...RETRY_DEFAULTS, ...options.retry };
      // A request with a body is never sent again: its body is a stream that has been read.
      const retrying = !hasBody && (rules.methods as string[]).includes(method);
      // One deadline over every attempt and the waits between them, as jsforce's executeWithTimeout.
      const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
      const deadline = Date.now() + timeoutMs;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error(`The request to ${new URL(req.url).host} was aborted after ${timeoutMs} ms without an answer.`)), timeoutMs);
      const send = () =>
        this.#axios.request<Readable>({
          url: req.url,
          method: req.method,
          headers: req.headers,
          ...(hasBody && { data: input }),
          timeout: Math.max(1, deadline - Date.now()),
          signal: abort.signal,
        });
      const wait = (retries: number) =>
        new Promise<void>((resolve, reject) => {
          if (abort.signal.aborted) return reject(abort.signal.reason as Error);
          const pause = setTimeout(resolve, rules.minTimeout * rules.timeoutFactor ** retries);
          abort.signal.addEventListener('abort', () => (clearTimeout(pause), reject(abort.signal.reason as Error)), { once: true });
        });
      const attempt = async (retries: number, retries420: number): Promise<AxiosResponse<Readable>> => {
        let response: AxiosResponse<Readable>;
        try {
          response = await send();
        } catch (error) {
          if (abort.signal.aborted) throw abort.signal.reason;
          const code = isAxiosError(error) ? error.code : undefined;
          if (!retrying || retries >= rules.maxRetries || code === undefined || !rules.errorCodes.includes(code)) throw error;
          await wait(retries);
          return attempt(retries + 1, retries420);
        }
        const is420 = response.status === 420;
        const again = retrying && retries < rules.maxRetries && rules.statusCodes.includes(response.status) && (!is420 || retries420 < MAX_420_RETRIES);
        if (!again) return response;
        response.data.destroy();
        await wait(retries);
        return attempt(retries + 1, retries420 + (is420 ? 1 : 0));
      };
      attempt(0, 0).then(
        (response) => {
          clearTimeout(timer);
          stream.emit('response', { statusCode: response.status, headers: flatHeaders(response.headers) });
          response.data.on('error', (error: Error) => stream.emit('error', error));
          response.data.pipe(output);
        },
        (error: unknown) => {
          clearTimeout(timer);
          stream.emit('error', unwrap(error));
        },
      );
      return stream;
    };
  }
}

/** The guard's own error (address refused, connect timeout) rather than the axios error around it. */
function unwrap(error: unknown): unknown {
  return isAxiosError(error) && error.cause instanceof TesseraError ? error.cause : error;
}
