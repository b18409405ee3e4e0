/** Builds the container a Tessera server or CLI runs on: core, webhooks and connectors on the data directory's SQLite database or the configured PostgreSQL. */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { Container } from 'inversify';
import type Transport from 'winston-transport';
import { coreModule, type Clock } from '@tessera/core';
import { connectorsModule } from '@tessera/connectors';
import { webhooksModule } from '@tessera/webhooks';
import { databasePath, type ServerConfig } from './config/server-config.js';
import { serverKeyRing } from './config/server-keys.js';
import { serverModule } from './server-module.js';

export interface ContainerExtras {
  /** Where log lines go (tests capture them); default JSON lines on stderr. Redaction applies either way. */
  logTransports?: Transport[];
  clock?: Clock;
}

export function createTesseraContainer(config: ServerConfig, extras: ContainerExtras = {}): Container {
  // The database holds delivery payloads and answers in clear: the data directory is the operator's alone.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const keyRing = serverKeyRing(config);
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
    webhooksModule(),
    connectorsModule(),
    serverModule(config),
  );
  return container;
}
