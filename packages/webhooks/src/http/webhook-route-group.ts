/**
 * `webhookRouteGroup`: the webhooks package's contribution to the HTTP API (`CORE.RouteGroup`), whose
 * routes and their schemas are loaded only when a server registers them, so a CLI command never builds them.
 */
import type { RouteGroup } from '@tessera/core';

export const webhookRouteGroup: RouteGroup = {
  tags: [
    { name: 'webhooks', description: 'Endpoints that receive events, with the secret whose token they get' },
    { name: 'events', description: 'Publishing: one delivery per matching endpoint' },
    { name: 'deliveries', description: 'What happened to each delivery, attempt by attempt' },
  ],
  register: async (routes, container) => {
    const { webhookRoutes } = await import('./webhook-routes.js');
    webhookRoutes(routes, container);
  },
};
