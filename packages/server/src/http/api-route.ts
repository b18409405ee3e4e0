/**
 * The server's registrar of API routes (core's `ApiRoute`, declared once): its zod schemas validate the
 * request (DESIGN §3 error shape) and produce the route's OpenAPI entry, so the document cannot drift
 * from what the server accepts.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConfigurationError, ValidationError, zodIssues, type ApiRoute, type ApiRouteRegistrar } from '@tessera/core';


/** What the OpenAPI document is built from. */
export interface RouteDoc {
  method: string;
  url: string;
  summary: string;
  description: string;
  tag: string;
  status: number;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
}

/** What a route without a query or body schema accepts: nothing (an empty `{}` from a generic client, say). */
const NOTHING = z.object({}).strict();

/** What a route without a body schema still reads (an empty `{}` from a generic client, say). */
const NO_BODY_LIMIT = 1024;

export class ApiRoutes implements ApiRouteRegistrar {
  readonly docs: RouteDoc[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly bodyLimit: number,
  ) {}

  add<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown, R extends z.ZodType = z.ZodVoid>(route: ApiRoute<P, Q, B, R>): void {
    // The admin token guards /api/ and what is under it: a route elsewhere would be served to anyone.
    if (!route.url.startsWith('/api/')) {
      throw new ConfigurationError('route-outside-api', `The route ${route.method} ${route.url} is not under /api/: every API route is, so that the admin token guards it. Move it to /api/<your plugin>/….`);
    }
    const status = route.status ?? 200;
    this.docs.push({
      method: route.method,
      url: route.url,
      summary: route.summary,
      description: route.description ?? route.summary,
      tag: route.tag,
      status,
      ...(route.params && { params: route.params }),
      ...(route.query && { query: route.query }),
      ...(route.body && { body: route.body }),
      ...(route.response && { response: route.response }),
    });
    this.app.route({
      method: route.method,
      url: route.url,
      // A route that takes no body reads next to nothing.
      bodyLimit: route.bodyLimit ?? (route.body ? this.bodyLimit : NO_BODY_LIMIT),
      handler: async (request, reply) => {
        const params = parse(route.params, request.params, 'The path');
        // A route that declares no query or body takes none: a field it would ignore is refused, as the document lists none.
        const query = parse(route.query ?? NOTHING, request.query, 'The query');
        const body = parse(route.body ?? NOTHING, request.body ?? {}, 'The request body');
        const result = await route.handler({ params, query, body } as Parameters<typeof route.handler>[0]);
        if (status === 204) return reply.code(204).send();
        return reply.code(status).send(route.response ? answer(route.response, result, `${route.method} ${route.url}`) : result);
      },
    });
  }
}

function parse(schema: z.ZodType | undefined, value: unknown, what: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(what, zodIssues(result.error));
  return result.data;
}

/**
 * The answer as its schema describes it, or an error: what the service answers cannot hold a field the
 * document does not list, or miss one it promises (a handler that drifts is a bug, answered 500 and logged,
 * never passed on to the client).
 */
function answer(schema: z.ZodType, result: unknown, route: string): unknown {
  const checked = schema.safeParse(result);
  if (checked.success) return checked.data;
  const issues = zodIssues(checked.error)
    .map((issue) => `${issue.field}: ${issue.message}`)
    .join('; ');
  throw new Error(`The answer of ${route} does not match its documented schema (${issues}).`);
}
