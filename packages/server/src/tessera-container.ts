/** Builds the container a Tessera server or CLI runs on: core, webhooks and connectors on the data directory's SQLite database. */
import 'reflect-metadata';
import { Container } from 'inversify';
import type { Logger } from 'winston';
import { coreModule, type Clock } from '@tessera/core';
import { connectorsModule } from '@tessera/connectors';
import { webhooksModule } from '@tessera/webhooks';
import { databasePath, type ServerConfig } from './config/server-config.js';
import { serverKeyRing } from './config/server-keys.js';
import { serverModule } from './server-module.js';

export interface ContainerExtras {
  /** A ready logger (tests capture lines); default JSON lines on stderr at the configured level. */
  logger?: Logger;
  clock?: Clock;
}

export function createTesseraContainer(config: ServerConfig, extras: ContainerExtras = {}): Container {
  const keyRing = serverKeyRing(config);
  const container = new Container();
  container.load(
    coreModule({
      database: databasePath(config),
      ...(keyRing !== undefined && { keyRing }),
      production: config.production,
      network: { allowPrivate: config.allowPrivate, allow: config.allow },
      ...(extras.logger ? { logger: extras.logger } : { logging: { level: config.logLevel } }),
      ...(extras.clock && { clock: extras.clock }),
    }),
    webhooksModule(),
    connectorsModule(),
    serverModule(config),
  );
  return container;
}
