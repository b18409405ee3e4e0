/** `/api/plugins`: the plugins this server loaded, and the secret kinds each contributes. */
import type { Container } from 'inversify';
import { z } from 'zod';
import type { ApiRouteRegistrar } from '@tessera/core';
import { pluginView } from './api-responses.js';
import type { LoadedPlugin } from '../plugins/tessera-plugin.js';
import { SERVER } from '../tokens.js';

export function pluginRoutes(routes: ApiRouteRegistrar, container: Container): void {
  const plugins = container.get<readonly LoadedPlugin[]>(SERVER.Plugins);
  routes.add({
    method: 'GET',
    url: '/api/plugins',
    tag: 'plugins',
    summary: 'The plugins loaded (TESSERA_PLUGINS, --plugin, tessera.config.json), in load order, with the secret kinds each contributes',
    response: z.array(pluginView),
    handler: async () => [...plugins],
  });
}
