/**
 * Starts Tessera as a server: the container on the data directory, the HTTP listener, then what the
 * packages contribute to run beside it (`CORE.Lifecycle`: the dispatcher); prints where it listens and
 * where the admin token is; on SIGTERM or SIGINT drains them and exits.
 */
import type { FastifyInstance } from 'fastify';
import type { Container } from 'inversify';
import type { Logger } from 'winston';
import { CORE, ConfigurationError, displayDatabase } from '@tessera/core';
import { loadAdminToken, type AdminToken } from './config/admin-token.js';
import type { ServerConfig } from './config/server-config.js';
import { buildServer } from './http/build-server.js';
import type { LoadedPlugin } from './plugins/tessera-plugin.js';
import { createTesseraContainer, type ContainerExtras } from './tessera-container.js';
import type { ServerContributions } from './server-contributions.js';
import { SERVER } from './tokens.js';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  container: Container;
  adminToken: AdminToken;
  /** Stops listening, drains the dispatcher within `deadlineMs`, closes the database. */
  stop(deadlineMs?: number): Promise<void>;
}

export async function startServer(config: ServerConfig, extras: ContainerExtras & { print?: (line: string) => void; handleSignals?: boolean } = {}): Promise<RunningServer> {
  const print = extras.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const adminToken = loadAdminToken(config);
  const container = createTesseraContainer(config, extras);
  const logger = container.get<Logger>(CORE.Logger);
  // What the packages contribute to run beside the server (the webhooks package: its dispatcher).
  const { lifecycles } = container.get<ServerContributions>(SERVER.Contributions);
  let app: FastifyInstance;
  try {
    app = await buildServer(container, { adminToken: adminToken.value });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // Nothing may keep the process alive after a failed start (a port in use, say).
    await container.unbindAllAsync();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      const why = code === 'EADDRINUSE' ? 'is in use by another program' : 'may not be opened by this user (ports under 1024 need privileges)';
      throw new ConfigurationError('port-in-use', `Port ${config.port} on ${config.host} ${why}: stop that program, or start Tessera on another port with --port <port> (or TESSERA_PORT).`, { cause: error });
    }
    throw error;
  }
  let starting = 0;
  try {
    for (const lifecycle of lifecycles) {
      starting++;
      await lifecycle.start();
    }
  } catch (error) {
    // A failed start leaves nothing running: no open port, no dispatcher claiming, nothing that keeps the
    // process alive after it reported the failure (the one that failed is asked to stop too, in case it began).
    await Promise.allSettled(lifecycles.slice(0, starting).map((lifecycle) => lifecycle.stop(0)));
    await app.close();
    await container.unbindAllAsync();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Listening on every interface: show the address that works from this machine.
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const shownHost = wildcard ? '127.0.0.1' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/`;

  let stopping: Promise<void> | undefined;
  const stop = (deadlineMs = 10_000): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('shutting down: no new requests, draining deliveries', { deadlineMs });
      // One deadline for both: the dispatcher stops claiming at once, and requests still open when it
      // passes are cut off rather than allowed to hold the exit.
      const cutOff = setTimeout(() => app.server.closeAllConnections(), deadlineMs);
      const [, ...stopped] = await Promise.all([app.close(), ...lifecycles.map((lifecycle) => lifecycle.stop(deadlineMs))]);
      clearTimeout(cutOff);
      await container.unbindAllAsync();
      logger.info('stopped', Object.fromEntries(lifecycles.map((lifecycle, i) => [lifecycle.name, stopped[i]])));
    })());

  if (extras.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      print(`${signal} received: finishing deliveries in flight (up to 10 s), then exiting.`);
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', { error: (error as Error).message });
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  print(`Tessera is running at ${url}${wildcard ? ` (listening on every interface, ${config.host})` : ''}`);
  print(`  console and API: ${url}  (OpenAPI, with the admin token: ${url}api/openapi.json)`);
  print(
    adminToken.source === 'environment'
      ? '  admin token: from TESSERA_ADMIN_TOKEN'
      : `  admin token: ${adminToken.created ? 'generated into' : 'read from'} ${adminToken.source}  (show it: cat ${adminToken.source})`,
  );
  const plugins = container.get<readonly LoadedPlugin[]>(SERVER.Plugins);
  if (plugins.length > 0) print(`  plugins: ${plugins.map((plugin) => `${plugin.name} ${plugin.version}${plugin.secretKinds.length > 0 ? ` (kinds: ${plugin.secretKinds.join(', ')})` : ''}`).join('; ')}`);
  print(`  data: ${config.dataDir}${config.databaseUrl === undefined ? '' : `  (database: ${displayDatabase(config.databaseUrl)})`}`);
  return { url, app, container, adminToken, stop };
}
