/**
 * The fastify application: the admin-token guard on every `/api` route, the API of DESIGN §3, the
 * OpenAPI document, `/healthz`, `/metrics`, the web console, and errors in DESIGN §3's shape.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Container } from 'inversify';
import type { Logger } from 'winston';
import { CORE, StorageFullError, type StorageHealth } from '@tessera/core';
import { isAdminToken } from '../config/admin-token.js';
import { DEFAULT_LIMITS, type HttpLimits, type ServerConfig } from '../config/server-config.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ServerContributions } from '../server-contributions.js';
import { SERVER } from '../tokens.js';
import { ApiRoutes, type RouteDoc } from './api-route.js';
import { clientErrorReply } from './client-error-reply.js';
import { capConnections } from './connection-cap.js';
import { consoleRoutes } from './console-routes.js';
import { errorReply } from './error-reply.js';
import { openApiDocument } from './openapi.js';
import { parseJsonBody } from './parse-json-body.js';
import { SERVER_VERSION } from './server-version.js';

export interface BuildServerOptions {
  adminToken: string;
  /** Timeouts, body and connection limits; default the configuration's (`SERVER.Config`). */
  limits?: Partial<HttpLimits>;
}

/** The request line and headers must arrive within this (or the request timeout, if shorter). */
const HEADERS_TIMEOUT_MS = 10_000;
/** Longer request targets are refused with 414 before anything else looks at them. */
const MAX_URL_LENGTH = 8_192;

export async function buildServer(container: Container, options: BuildServerOptions): Promise<FastifyInstance> {
  const logger = container.get<Logger>(CORE.Logger);
  const limits: HttpLimits = { ...DEFAULT_LIMITS, ...container.get<ServerConfig>(SERVER.Config).limits, ...options.limits };
  const app = Fastify({
    logger: false,
    bodyLimit: limits.bodyLimitBytes,
    return503OnClosing: true,
    // A slow or silent client cannot hold a connection: the request must arrive whole in time.
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Headers come first and small: a client trickling them is cut off sooner than a slow body.
    http: { headersTimeout: Math.min(limits.requestTimeoutMs, HEADERS_TIMEOUT_MS), connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(limits.requestTimeoutMs / 4))) },
    routerOptions: { maxParamLength: 256 },
    clientErrorHandler: clientErrorReply,
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = errorReply(error);
      void (reply as FastifyReply).code(status).header('connection', 'close').send(body);
    },
  });
  capConnections(app.server, limits.maxConnections, limits.maxConnectionsPerClient, logger);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > MAX_URL_LENGTH) {
      return reply.code(414).header('connection', 'close').send({ error: { code: 'uri-too-long', message: `The URL is longer than ${MAX_URL_LENGTH} characters.` } });
    }
    const api = isApiRequest(request.routeOptions.url, request.url);
    // No route: answered before any body is read, whoever asks (a body sent to nowhere is never parsed).
    if (!api && request.is404) return reply.code(404).header('connection', 'close').send(notFound(request.method));
    if (!api) return;
    const presented = bearerToken(request.headers.authorization);
    if (!isAdminToken(presented, options.adminToken)) {
      reply.header('www-authenticate', 'Bearer realm="tessera"');
      // Answered before any body is read, and the connection closed: no unauthenticated client may keep
      // it open by sending a large body slowly.
      reply.header('connection', 'close');
      return reply.code(401).send({
        error: {
          code: 'unauthorized',
          message: presented === undefined ? 'Send the admin token as "Authorization: Bearer <token>".' : 'The admin token is not valid. Check TESSERA_ADMIN_TOKEN or the dev token file.',
        },
      });
    }
    if (request.is404) return reply.code(404).header('connection', 'close').send(notFound(request.method));
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    return payload;
  });

  const storage = container.get<StorageHealth>(CORE.StorageHealth);
  app.setErrorHandler((error, request, reply) => {
    // Any route's write refused for lack of space is a 503 storage-full, told once a minute by StorageHealth rather than per request.
    const failure = storage.failed(error);
    const { status, body, headers } = errorReply(failure);
    if (headers !== undefined) void reply.headers(headers);
    // A body that was refused unread (too large, of another type) is not read to its end either.
    if (status === 413 || status === 415) reply.header('connection', 'close');
    if (status >= 500 && !(failure instanceof StorageFullError)) {
      logger.error('request failed', { method: request.method, url: request.routeOptions.url ?? request.url, code: (error as { code?: string }).code, error: (error as Error).message });
    }
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(notFound(request.method)));

  // The API is what is contributed: the server's own groups and any plugin's, each a fastify plugin of
  // its own (the guard, limits and error handler above apply to every one).
  const { routeGroups: groups, healthChecks: checks } = container.get<ServerContributions>(SERVER.Contributions);
  const docs: RouteDoc[] = [];
  for (const group of groups) {
    await app.register(async (scope) => {
      const routes = new ApiRoutes(scope, limits.bodyLimitBytes);
      await group.register(routes, container);
      docs.push(...routes.docs);
    });
  }
  const document = openApiDocument(docs, SERVER_VERSION, groups);
  app.get('/api/openapi.json', async () => document);

  // What every package contributes (core: the database; webhooks: the dispatcher), each by its name:
  // 503 `unavailable` when one is not healthy; 200 `degraded`, with each degraded part's reason, when one
  // works but needs an operator (the disk of the database is full); else 200 `ok`.
  app.get('/healthz', async (_request, reply) => {
    const states = await Promise.all(checks.map(async (check) => [check.name, await check.check()] as const));
    const ok = states.every(([, state]) => state.healthy);
    const degraded = states.filter(([, state]) => state.healthy && state.degraded === true);
    const status = !ok ? 'unavailable' : degraded.length > 0 ? 'degraded' : 'ok';
    const reasons = degraded.length > 0 ? { reasons: Object.fromEntries(degraded.map(([name, state]) => [name, state.reason ?? state.state])) } : {};
    return reply.code(ok ? 200 : 503).send({ status, ...Object.fromEntries(states.map(([name, state]) => [name, state.state])), ...reasons, version: SERVER_VERSION });
  });
  const metrics = container.get<Metrics>(SERVER.Metrics);
  app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.render()));

  await consoleRoutes(app);
  return app;
}

/**
 * Whether a request is for the API: by the route it matched (the router decodes the path, so
 * `/%61pi/secrets` matches `/api/secrets`), and by its decoded path for anything unmatched.
 */
export function isApiRequest(routeUrl: string | undefined, rawUrl: string): boolean {
  if (routeUrl !== undefined && (routeUrl === '/api' || routeUrl.startsWith('/api/'))) return true;
  let path = rawUrl.split('?')[0] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    // Undecodable: judged as sent.
  }
  // Absolute-form request targets (`GET http://host/api/…`) carry the path after the authority.
  path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return /^\/+api(\/|$)/i.test(path);
}

/** The token of an `Authorization: Bearer <token>` header (the scheme name is case-insensitive); undefined otherwise. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

/** The path is not echoed back: the answer never repeats what a client sent. */
function notFound(method: string): { error: { code: string; message: string } } {
  return { error: { code: 'not-found', message: `There is no ${method} route at this path. The routes are in /api/openapi.json.` } };
}

/** One round trip to the database, whichever it is: the health check's view of it. */
