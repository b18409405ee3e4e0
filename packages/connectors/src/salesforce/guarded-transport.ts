/** A jsforce `Transport` that sends every request through Tessera's guarded axios, so the SSRF guard checks each address jsforce connects to and no redirect is followed. */
import type { Duplex, Readable } from 'node:stream';
import { isAxiosError, type AxiosInstance } from 'axios';
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

/**
 * jsforce's own transport sends through node-fetch with Node's global agent and follows redirects,
 * so one check of the instance URL before connecting would not hold: DNS may answer differently
 * later (rebinding), and a redirect may point anywhere. This one goes through `http.createAxios()`,
 * whose agents check every resolved address when the socket connects, and which follows no redirect
 * (a 3xx is handed to jsforce as the answer). jsforce's own retries (on 5xx and some network errors)
 * are not reproduced. Not covered: `conn.streaming` (faye), which opens its own HTTP connections.
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
      this.#axios
        .request<Readable>({
          url: req.url,
          method: req.method,
          headers: req.headers,
          ...(/^(post|put|patch)$/i.test(req.method) && { data: input }),
          timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
        })
        .then(
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

/** The guard's own error (address refused, connect timeout) rather than the axios error around it. */
function unwrap(error: unknown): unknown {
  return isAxiosError(error) && error.cause instanceof TesseraError ? error.cause : error;
}
