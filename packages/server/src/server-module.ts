/** `serverModule(config)`: the server's own services, loaded after core, webhooks and connectors. */
import { ContainerModule } from 'inversify';
import type { ServerConfig } from './config/server-config.js';
import { Metrics } from './metrics/metrics.js';
import { TestResults } from './secret-tests/test-results.js';
import { SERVER } from './tokens.js';

export function serverModule(config: ServerConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SERVER.Config).toConstantValue(config);
    bind(SERVER.TestResults).to(TestResults).inSingletonScope();
    bind(SERVER.Metrics).to(Metrics).inSingletonScope();
  });
}
