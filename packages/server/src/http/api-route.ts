/**
 * One API route, declared once: its zod schemas validate the request (DESIGN §3 error shape) and
 * produce the route's OpenAPI entry, so the document cannot drift from what the server accepts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ValidationError, zodIssues } from '@tessera/core';

export interface ApiRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  /** A longer explanation for the document; default the summary. */
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** What a success answers (none for 204): the document describes it, and the handler must return it. */
  response?: R;
  /** Success status; default 200. */
  status?: number;
  /** Largest body in bytes; default the server's body limit for a route with a body schema, 1 KB without. */
  bodyLimit?: number;
  handler(input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; request: FastifyRequest; reply: FastifyReply }): Promise<z.input<R>>;
}

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

/** What a route without a body schema still reads (an empty `{}` from a generic client, say). */
const NO_BODY_LIMIT = 1024;

export class ApiRoutes {
  readonly docs: RouteDoc[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly bodyLimit: number,
  ) {}

  add<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown, R extends z.ZodType = z.ZodVoid>(route: ApiRoute<P, Q, B, R>): void {
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
        const query = parse(route.query, request.query, 'The query');
        const body = parse(route.body, request.body ?? {}, 'The request body');
        const result = await route.handler({ params, query, body, request, reply } as Parameters<typeof route.handler>[0]);
        if (status === 204) return reply.code(204).send();
        return reply.code(status).send(result);
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
