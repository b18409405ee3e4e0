/** `serverModule(config)`: the server's own services, loaded after core, webhooks and connectors. */
import { ContainerModule } from 'inversify';
import { CORE, type PostgresDatabase, type ResolvedCoreOptions, type RouteGroup, type SqliteDatabase } from '@tessera/core';
import type { ServerConfig } from './config/server-config.js';
import { Metrics } from './metrics/metrics.js';
import type { LoadedPlugin } from './plugins/tessera-plugin.js';
import { PostgresTestResults } from './secret-tests/postgres-test-results.js';
import { SqliteTestResults } from './secret-tests/sqlite-test-results.js';
import type { TestResults } from './secret-tests/test-results.js';
import { ServerContributions } from './server-contributions.js';
import { SERVER } from './tokens.js';

export function serverModule(config: ServerConfig, plugins: readonly LoadedPlugin[] = []): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SERVER.Config).toConstantValue(config);
    bind(SERVER.Plugins).toConstantValue(plugins);
    bind<TestResults>(SERVER.TestResults)
      .toDynamicValue((context) =>
        context.get<ResolvedCoreOptions>(CORE.Options).storage === 'postgres'
          ? new PostgresTestResults(context.get<PostgresDatabase>(CORE.Postgres))
          : new SqliteTestResults(context.get<SqliteDatabase>(CORE.Database)),
      )
      .inSingletonScope();
    bind(SERVER.Metrics).to(Metrics).inSingletonScope();
    bind(SERVER.Contributions).to(ServerContributions).inSingletonScope();
    // The server's own route groups, contributed as the webhooks package's and a plugin's are; their
    // routes and schemas are loaded when a server registers them (no CLI command builds them).
    bind<RouteGroup>(SERVER.RouteGroup).toConstantValue({
      tags: [{ name: 'secrets', description: 'Credentials exchanged for bearer tokens: their kinds, the secrets, and their tests' }],
      register: async (routes, container) => (await import('./routes/secret-routes.js')).secretRoutes(routes, container),
    });
    bind<RouteGroup>(SERVER.RouteGroup).toConstantValue({
      tags: [{ name: 'plugins', description: 'What the server loaded' }],
      register: async (routes, container) => (await import('./routes/plugin-routes.js')).pluginRoutes(routes, container),
    });
    bind<RouteGroup>(SERVER.RouteGroup).toConstantValue({
      tags: [{ name: 'storage', description: 'What the database holds' }],
      register: async (routes, container) => (await import('./routes/storage-routes.js')).storageRoutes(routes, container),
    });
    // The server's table in the storage statistics.
    bind(CORE.StoredTables).toConstantValue({ owner: 'server', tables: [{ name: 'server_secret_tests' }] });
  });
}
