/**
 * The contribution point of the HTTP API, without the HTTP framework: a route is declared with zod
 * schemas for its path, query, body and answer, and a group of routes names the OpenAPI tags they use.
 * The server registers every group bound with `bind(CORE.RouteGroup)` (its own, each package's, each
 * plugin's), guards them with the admin token, validates with the schemas and documents them.
 */
import type { Container } from 'inversify';
import type { z } from 'zod';

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
  handler(input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> }): Promise<z.input<R>>;
}

/** Where a group adds its routes. */
export interface ApiRouteRegistrar {
  add<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown, R extends z.ZodType = z.ZodVoid>(route: ApiRoute<P, Q, B, R>): void;
}

export interface RouteGroup {
  /** The OpenAPI tags its routes use, each with what it groups (for the document). */
  readonly tags: ReadonlyArray<{ name: string; description: string }>;
  /**
   * Adds its routes; `container` gives the services they use. It may load them first (a promise the
   * server waits for), so that what only the server needs is not loaded by every CLI command.
   */
  register(routes: ApiRouteRegistrar, container: Container): void | Promise<void>;
}
