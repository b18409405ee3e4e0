/** A jsforce `Transport` that sends every request through Tessera's guarded axios, so the SSRF guard checks each address jsforce connects to and no redirect is followed. */
import type { Duplex, Readable } from 'node:stream';
import { isAxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import type { HttpRequest, HttpRequestOptions } from 'jsforce';
import { createHttpRequestHandlerStreams } from 'jsforce/lib/request-helper.js';
import { Transport } from 'jsforce/lib/transport.js';
import { TesseraError, type HttpClient } from '@tessera/core';

/**
 * How long a request may wait for its answer when jsforce sets no timeout: Salesforce lets an API
 * request run up to 10 minutes (jsforce's own transport waits 30), far beyond the guarded client's
 * default, which is sized for token endpoints. Connecting stays bounded by the guard's connect timeout.
 */
const DEFAULT_TIMEOUT_MS = 600_000;

/** jsforce's own retry rules, kept: which requests, which answers and errors, how often, how long between. */
const RETRY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);
const RETRY_STATUSES = new Set([420, 429, 500, 502, 503, 504]);
const RETRY_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'ETIMEDOUT', 'EPIPE']);
const MAX_RETRIES = 5;
/** A deleted or expired org answers 420 to everything: retried twice only. */
const MAX_420_RETRIES = 2;
const FIRST_RETRY_DELAY_MS = 500;

/**
 * jsforce's own transport sends through node-fetch with Node's global agent and follows redirects,
 * so one check of the instance URL before connecting would not hold: DNS may answer differently
 * later (rebinding), and a redirect may point anywhere. This one goes through `http.createAxios()`,
 * whose agents check every resolved address when the socket connects, and which follows no redirect
 * (a 3xx is handed to jsforce as the answer). jsforce's own retries (420, 429 and 5xx answers and
 * network errors, for requests without a body) are kept. Not covered: `conn.streaming` (faye), which opens its own HTTP connections.
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
      const send = () =>
        this.#axios.request<Readable>({
          url: req.url,
          method: req.method,
          headers: req.headers,
          ...(/^(POST|PUT|PATCH)$/.test(method) && { data: input }),
          timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
        });
      // Only requests without a body are sent again, as jsforce does: a streamed body cannot be re-read.
      const retrying = RETRY_METHODS.has(method);
      const attempt = async (retries: number, retries420: number): Promise<AxiosResponse<Readable>> => {
        let response: AxiosResponse<Readable>;
        try {
          response = await send();
        } catch (error) {
          const code = isAxiosError(error) ? error.code : undefined;
          if (!retrying || retries >= MAX_RETRIES || code === undefined || !RETRY_ERROR_CODES.has(code)) throw error;
          await delay(retries);
          return attempt(retries + 1, retries420);
        }
        const again = retrying && retries < MAX_RETRIES && RETRY_STATUSES.has(response.status) && (response.status !== 420 || retries420 < MAX_420_RETRIES);
        if (!again) return response;
        response.data.destroy();
        await delay(retries);
        return attempt(retries + 1, retries420 + (response.status === 420 ? 1 : 0));
      };
      attempt(0, 0).then(
        (response) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined && value !== null) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
          }
          stream.emit('response', { statusCode: response.status, headers });
          response.data.on('error', (error: Error) => stream.emit('error', error));
          response.data.pipe(output);
        },
        (error: unknown) => stream.emit('error', unwrap(error)),
      );
      return stream;
    };
  }
}

/** Waits before retry number `retries + 1`: 0.5 s, then twice as long each time. */
function delay(retries: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_DELAY_MS * 2 ** retries));
}

/** The guard's own error (address refused, connect timeout) rather than the axios error around it. */
function unwrap(error: unknown): unknown {
  return isAxiosError(error) && error.cause instanceof TesseraError ? error.cause : error;
}
