/**
 * The outgoing HTTP client: axios over keep-alive agents whose sockets pass the SSRF guard when they
 * connect, with a connect timeout, a total timeout, a response size cap and no redirects.
 */
import type http from 'node:http';
import type https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AxiosInstance, AxiosResponse, CreateAxiosDefaults } from 'axios';
import { axiosRuntime } from './axios-runtime.js';
import { inject, injectable } from 'inversify';
import type { ResolvedCoreOptions } from '../core-options.js';
import { TesseraError } from '../errors/tessera-error.js';
import { CORE } from '../tokens.js';
import { flatHeaders } from './flat-headers.js';
import type { NetworkGuard } from './network-guard.js';

export interface HttpPostResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class ConnectTimeoutError extends TesseraError {
  constructor(ms: number) {
    super('connect-timeout', `The connection was not established within ${ms} ms.`);
  }
}

@injectable()
export class HttpClient {
  /** Guarded, keep-alive, no redirects, every status resolved (not thrown); see `createAxios` for product code. */
  readonly axios: AxiosInstance;
  readonly #options: ResolvedCoreOptions['http'];
  readonly #guard: NetworkGuard;
  readonly #agents: [http.Agent, https.Agent];
  readonly #timeoutMs: number;

  constructor(@inject(CORE.Options) options: ResolvedCoreOptions, @inject(CORE.NetworkGuard) guard: NetworkGuard) {
    this.#options = options.http;
    this.#guard = guard;
    const agentOptions = { keepAlive: true, lookup: guard.lookup, maxSockets: 64 };
    const connectTimeoutMs = options.http.connectTimeoutMs;
    // Loaded here, not on import: a CLI command that sends nothing never loads node:http, node:https and TLS.
    const httpAgent = withConnectTimeout(new (process.getBuiltinModule('node:http').Agent)(agentOptions), connectTimeoutMs);
    const httpsAgent = withConnectTimeout(new (process.getBuiltinModule('node:https').Agent)(agentOptions), connectTimeoutMs);
    this.#agents = [httpAgent, httpsAgent];
    this.#timeoutMs = options.http.timeoutMs;
    this.axios = this.createAxios({ validateStatus: () => true });
  }

  /**
   * A new axios instance for product code and connectors: the same guarded keep-alive agents, no
   * redirects, no proxy from the environment, the default timeout; `config` adds to or overrides that.
   */
  createAxios(config: CreateAxiosDefaults = {}): AxiosInstance {
    const [httpAgent, httpsAgent] = this.#agents;
    const instance = axiosRuntime().create({ httpAgent, httpsAgent, maxRedirects: 0, proxy: false, timeout: this.#timeoutMs, ...config });
    // DNS names are checked by the agents' lookup; an IP literal never reaches lookup, so check it here.
    // Synchronous: axios then sends at once instead of through a chain of promises.
    instance.interceptors.request.use(
      (request) => {
        this.#guard.assertLiteralAllowed(new URL(request.url ?? '', request.baseURL));
        return request;
      },
      null,
      { synchronous: true },
    );
    return instance;
  }

  /**
   * Throws `AddressRefusedError` unless the SSRF guard lets `url`'s host be reached (its DNS answers
   * are checked). For clients with their own HTTP stack, such as jsforce, before they connect.
   */
  async assertAllowed(url: string): Promise<void> {
    if (this.#guard.assertLiteralAllowed(url)) return;
    const host = new URL(url).hostname;
    await new Promise<void>((resolve, reject) =>
      this.#guard.lookup(host, { all: true }, (error) => (error ? reject(error) : resolve())),
    );
  }

  /**
   * POSTs `body` and returns the raw answer as text whatever its status. Rejects with the axios
   * error for network failures; `timeoutMs` bounds the whole exchange, `maxBytes` the answer.
   */
  async post(url: string, body: string, headers: Record<string, string>, limits: { maxBytes?: number; timeoutMs?: number } = {}): Promise<HttpPostResult> {
    const timeoutMs = limits.timeoutMs ?? this.#options.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TotalTimeoutError(timeoutMs)), timeoutMs);
    try {
      const response: AxiosResponse<string> = await this.axios.post(url, body, {
        headers,
        signal: controller.signal,
        // The timer above bounds the whole exchange; axios's own (the socket idle for as long) could never fire first.
        timeout: 0,
        responseType: 'text',
        // The body is sent as built (axios would parse a JSON one again to check it) and the answer read as sent.
        transformRequest: [(data: string) => data],
        transformResponse: [(data: string) => data],
        maxContentLength: limits.maxBytes ?? this.#options.maxResponseBytes,
        maxBodyLength: 1024 * 1024,
      });
      return { status: response.status, headers: flatHeaders(response.headers), body: typeof response.data === 'string' ? response.data : '' };
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes pooled keep-alive sockets (called when the container is torn down). */
  close(): void {
    for (const agent of this.#agents) agent.destroy();
  }
}

export class TotalTimeoutError extends TesseraError {
  constructor(ms: number) {
    super('timeout', `No complete answer within ${ms} ms.`);
  }
}

function withConnectTimeout<A extends http.Agent>(agent: A, ms: number): A {
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback) as Duplex | null | undefined;
    if (socket && 'connecting' in socket) {
      const tcp = socket as Socket;
      const timer = setTimeout(() => tcp.destroy(new ConnectTimeoutError(ms)), ms);
      timer.unref();
      tcp.once('connect', () => clearTimeout(timer));
      tcp.once('close', () => clearTimeout(timer));
    }
    return socket;
  };
  return agent;
}
