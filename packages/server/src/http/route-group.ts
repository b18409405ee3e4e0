/**
 * The contribution point of the API: a group of routes and the OpenAPI tags they use, registered on the
 * server's `ApiRoutes` (bind it with `bind(SERVER.RouteGroup)`); the server's own groups come this way
 * too, so `buildServer` only assembles what is bound.
 */
import type { Container } from 'inversify';
import type { ApiRoutes } from './api-route.js';

export interface RouteGroup {
  /** The OpenAPI tags its routes use, each with what it groups (for the document). */
  readonly tags: ReadonlyArray<{ name: string; description: string }>;
  /** Adds its routes; `container` gives the services they use. */
  register(routes: ApiRoutes, container: Container): void;
}
