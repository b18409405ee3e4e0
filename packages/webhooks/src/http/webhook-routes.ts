/**
 * The webhooks package's routes of the HTTP API: `/api/webhooks`, `/api/events` and `/api/deliveries` —
 * endpoints, publishing, and the delivery log (loaded by `webhookRouteGroup` when a server registers them).
 */
import type { Container } from 'inversify';
import { z } from 'zod';
import { idParams, type ApiRouteRegistrar } from '@tessera/core';
import type { DeliveryLog } from '../delivery/delivery-log.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { Publisher } from '../delivery/publisher.js';
import type { EndpointStore } from '../endpoints/endpoint-store.js';
import { WEBHOOKS } from '../tokens.js';
import { activityQuery, deliveryActivity, deliveryDetail, deliveryIds, deliveryList, deliverySummary, endpointView, endpointWithSecret, eventPublish, oneDelivery, recovered, recovery, signingRotation, webhookCreate, webhookPatch } from './webhook-api-schemas.js';

import { TEST_EVENT_TYPE } from './test-event.js';

export function webhookRoutes(routes: ApiRouteRegistrar, container: Container): void {
  const endpoints = container.get<EndpointStore>(WEBHOOKS.EndpointStore);
  const publisher = container.get<Publisher>(WEBHOOKS.Publisher);
  const deliveries = container.get<DeliveryLog>(WEBHOOKS.DeliveryLog);
  const dispatcher = container.get<Dispatcher>(WEBHOOKS.Dispatcher);

  routes.add({ method: 'GET', url: '/api/webhooks', tag: 'webhooks', summary: 'Webhook endpoints', response: z.array(endpointView), handler: async () => endpoints.list() });
  routes.add({
    method: 'POST',
    url: '/api/webhooks',
    tag: 'webhooks',
    summary: 'Create a webhook endpoint; a generated signing secret is in this answer only',
    body: webhookCreate,
    response: endpointWithSecret,
    status: 201,
    handler: async ({ body }) => endpoints.create(body),
  });
  routes.add({ method: 'GET', url: '/api/webhooks/:id', tag: 'webhooks', summary: 'One webhook endpoint', params: idParams, response: endpointView, handler: async ({ params }) => endpoints.get(params.id) });
  routes.add({
    method: 'PATCH',
    url: '/api/webhooks/:id',
    tag: 'webhooks',
    summary: 'Change a webhook endpoint (enabled: true re-enables a disabled one)',
    params: idParams,
    body: webhookPatch,
    response: endpointView,
    handler: async ({ params, body }) => endpoints.update(params.id, body),
  });
  routes.add({
    method: 'DELETE',
    url: '/api/webhooks/:id',
    tag: 'webhooks',
    summary: 'Delete a webhook endpoint; its waiting deliveries fail',
    params: idParams,
    status: 204,
    handler: async ({ params }) => {
      await endpoints.delete(params.id);
    },
  });
  routes.add({
    method: 'POST',
    url: '/api/webhooks/:id/test',
    tag: 'webhooks',
    summary: `Send a test event (${TEST_EVENT_TYPE}) to this endpoint only`,
    params: idParams,
    response: oneDelivery,
    status: 202,
    handler: async ({ params }) => {
      const endpoint = await endpoints.get(params.id);
      const [deliveryId] = await publisher.publish({
        type: TEST_EVENT_TYPE,
        data: { message: `A test event from Tessera to webhook '${endpoint.name}'.` },
        endpointId: endpoint.id,
      });
      dispatcher.wake();
      return { deliveryId };
    },
  });
  routes.add({
    method: 'POST',
    url: '/api/webhooks/:id/rotate-signing-secret',
    tag: 'webhooks',
    summary: 'A new signing secret, shown once; the old one is still sent during the grace period',
    params: idParams,
    body: signingRotation,
    response: endpointWithSecret,
    handler: async ({ params, body }) => endpoints.rotateSigningSecret(params.id, body.graceSeconds === undefined ? {} : { graceMs: body.graceSeconds * 1000 }),
  });
  routes.add({
    method: 'POST',
    url: '/api/webhooks/:id/recover',
    tag: 'webhooks',
    summary: 'Retry every failed delivery of this endpoint created since a time, with their own webhook-ids',
    description: 'After an outage of the receiver: each failed delivery created at or after `since` is queued again now, its retry schedule started over.',
    params: idParams,
    body: recovery,
    response: recovered,
    status: 202,
    handler: async ({ params, body }) => {
      await endpoints.get(params.id);
      const count = await deliveries.recover(params.id, body.since);
      dispatcher.wake();
      return { recovered: count };
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/webhooks/:id/activity',
    tag: 'webhooks',
    summary: "This endpoint's deliveries of the last hours, per hour: by outcome, with latency percentiles",
    description: 'Deliveries are counted in the hour they were created, where they are now (succeeded, failed, pending, delivering); latencies are those of their attempts the receiver answered.',
    params: idParams,
    query: activityQuery,
    response: deliveryActivity,
    handler: async ({ params, query }) => deliveries.activity(params.id, query.hours === undefined ? {} : { hours: query.hours }),
  });
  routes.add({
    method: 'POST',
    url: '/api/events',
    tag: 'events',
    summary: 'Publish an event: one delivery per matching endpoint, persisted before anything is sent',
    body: eventPublish,
    response: deliveryIds,
    status: 202,
    handler: async ({ body }) => {
      const deliveryIds = await publisher.publish({ ...(body.id !== undefined && { id: body.id }), type: body.type, data: body.data });
      dispatcher.wake();
      return { deliveryIds };
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/deliveries',
    tag: 'deliveries',
    summary: 'Deliveries, newest first, filtered by endpoint, status, event type and time',
    query: deliveryList,
    response: z.array(deliverySummary),
    handler: async ({ query }) => deliveries.list(query),
  });
  routes.add({
    method: 'GET',
    url: '/api/deliveries/:id',
    tag: 'deliveries',
    summary: 'One delivery with its payload and every attempt',
    params: idParams,
    response: deliveryDetail,
    handler: async ({ params }) => deliveries.get(params.id),
  });
  routes.add({
    method: 'POST',
    url: '/api/deliveries/:id/retry',
    tag: 'deliveries',
    summary: 'Send a delivery now, with the same webhook-id: a failed one again, a waiting one before its next attempt',
    description: 'A failed delivery is queued again, its retry schedule started over; a pending one waiting for its next attempt is due now, its schedule going on. One being sent right now answers 409 delivery-in-flight, one that succeeded 409 delivery-not-failed.',
    params: idParams,
    response: deliverySummary,
    status: 202,
    handler: async ({ params }) => {
      const summary = await deliveries.retry(params.id);
      dispatcher.wake();
      return summary;
    },
  });
}
