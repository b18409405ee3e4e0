/** How a command finds the webhook endpoint an operator names: by id, else by name. */
import { findByIdOrName, type CommandContext } from '@tessera/core';
import type { EndpointStore, EndpointView } from '../endpoints/endpoint-store.js';
import { WEBHOOKS } from '../tokens.js';

export function findWebhook(context: CommandContext, idOrName: string): Promise<EndpointView> {
  const endpoints = context.get<EndpointStore>(WEBHOOKS.EndpointStore);
  return findByIdOrName(idOrName, 'webhook endpoint', (id) => endpoints.get(id), () => endpoints.list());
}
