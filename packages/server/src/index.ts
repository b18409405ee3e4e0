/** The public API of `@tessera/server`: build or start the server, and the pieces the CLI and tests use. */
export { startServer, type RunningServer } from './run-server.js';
export { buildServer, type BuildServerOptions } from './http/build-server.js';
export { createTesseraContainer, type ContainerExtras } from './tessera-container.js';
export { resolveServerConfig, databasePath, SETTINGS, type ServerConfig, type ServerFlags } from './config/server-config.js';
export { loadAdminToken, adminTokenFile, isAdminToken, type AdminToken } from './config/admin-token.js';
export { serverModule } from './server-module.js';
export { SERVER } from './tokens.js';
export type { Metrics } from './metrics/metrics.js';
export type { TestResults, LastTest } from './secret-tests/test-results.js';
export { TEST_EVENT_TYPE } from '@tessera/webhooks';
export type { TesseraPlugin, LoadedPlugin } from './plugins/tessera-plugin.js';
export { loadPlugins } from './plugins/load-plugins.js';
export { PluginLoadError } from './plugins/plugin-load-error.js';
export type { ApiRoutes } from './http/api-route.js';
