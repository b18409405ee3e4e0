/** Service identifiers of `@tessera/server`. */
import type { ServiceIdentifier } from 'inversify';
import type { ServerConfig } from './config/server-config.js';
import type { RouteGroup } from './http/route-group.js';
import type { Metrics } from './metrics/metrics.js';
import type { LoadedPlugin } from './plugins/tessera-plugin.js';
import type { TestResults } from './secret-tests/test-results.js';

function id<T>(name: string): ServiceIdentifier<T> {
  return Symbol.for(`tessera.server.${name}`);
}

export const SERVER = {
  Config: id<ServerConfig>('Config'),
  /** The last test report of each saved secret, for the console's list. */
  TestResults: id<TestResults>('TestResults'),
  Metrics: id<Metrics>('Metrics'),
  /** Contribution point: the API's route groups (`RouteGroup`), in the order bound. */
  RouteGroup: id<RouteGroup>('RouteGroup'),
  /** The plugins loaded at the start, in order. */
  Plugins: id<readonly LoadedPlugin[]>('Plugins'),
} as const;
