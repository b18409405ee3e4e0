/** Service identifiers of `@tessera/server`. */
import type { ServiceIdentifier } from 'inversify';
import { CORE } from '@tessera/core';
import type { ServerConfig } from './config/server-config.js';
import type { Metrics } from './metrics/metrics.js';
import type { LoadedPlugin } from './plugins/tessera-plugin.js';
import type { TestResults } from './secret-tests/test-results.js';
import type { ServerContributions } from './server-contributions.js';

function id<T>(name: string): ServiceIdentifier<T> {
  return Symbol.for(`tessera.server.${name}`);
}

export const SERVER = {
  Config: id<ServerConfig>('Config'),
  /** The last test report of each saved secret, for the console's list. */
  TestResults: id<TestResults>('TestResults'),
  Metrics: id<Metrics>('Metrics'),
  /** The API's route groups: the same contribution point as `CORE.RouteGroup` (core's `RouteGroup`). */
  RouteGroup: CORE.RouteGroup,
  /** The plugins loaded at the start, in order. */
  Plugins: id<readonly LoadedPlugin[]>('Plugins'),
  /** Every route group, lifecycle and health check bound, collected (`ServerContributions`). */
  Contributions: id<ServerContributions>('Contributions'),
} as const;
