/** Builds the container a Tessera server or CLI runs on: core, webhooks, connectors and the configured plugins, on the data directory's SQLite database or the configured PostgreSQL. */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { Container } from 'inversify';
import { ConfigurationError, CORE, coreModule, type Clock, type LogTransports } from '@tessera/core';
import { connectorsModule } from '@tessera/connectors';
import { webhooksModule } from '@tessera/webhooks';
import { databasePath, type ServerConfig } from './config/server-config.js';
import { serverKeyRing } from './config/server-keys.js';
import { loadPlugins, type PluginWithModules } from './plugins/load-plugins.js';
import { serverModule } from './server-module.js';

export interface ContainerExtras {
  /** Where log lines go (tests capture them); default JSON lines on stderr. Redaction applies either way. */
  logTransports?: LogTransports;
  clock?: Clock;
  /** The configured plugins, when the caller has loaded them already (the CLI does, to list their commands). */
  plugins?: PluginWithModules[];
}

export function createTesseraContainer(config: ServerConfig, extras: ContainerExtras = {}): Container {
  // The database holds delivery payloads and answers in clear: the data directory is the operator's alone.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const keyRing = serverKeyRing(config);
  // A plugin that cannot be loaded stops the start here, naming it and why.
  const plugins = extras.plugins ?? loadPlugins(config.plugins, config.pluginsFrom);
  const container = new Container();
  container.load(
    coreModule({
      database: databasePath(config),
      postgres: config.postgres,
      ...(keyRing !== undefined && { keyRing }),
      production: config.production,
      network: {
        allowPrivate: config.allowPrivate,
        allow: config.allow,
        howToAllow: '--allow {address} (or TESSERA_NETWORK_ALLOW) or allow all private addresses with --allow-private (or TESSERA_ALLOW_PRIVATE=true)',
      },
      logging: { level: config.logLevel, ...(extras.logTransports && { transports: extras.logTransports }) },
      ...(extras.clock && { clock: extras.clock }),
    }),
    webhooksModule({ retention: config.retention }),
    connectorsModule(),
    serverModule(config, plugins.map(({ modules: _modules, commands: _commands, ...plugin }) => plugin)),
    // What plugins contribute (secret kinds, connectors, routes, …) is bound after the built-in packages,
    // so theirs come first wherever order shows (the kinds, the API document).
    ...plugins.flatMap((plugin) => plugin.modules),
  );
  if (plugins.length > 0) {
    // A kind contributed twice is said at the start, not at the first request that lists kinds.
    try {
      container.get(CORE.SecretKindRegistry);
    } catch (error) {
      throw new ConfigurationError('invalid-setting', `The loaded plugins (${plugins.map((p) => p.name).join(', ')}) clash with each other or with Tessera: ${(error as Error).message}`);
    }
  }
  return container;
}
