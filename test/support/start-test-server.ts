/**
 * A real Tessera server for one test: a temp data directory (real SQLite), the fastify app driven
 * through inject(), a running dispatcher, a loopback token endpoint and a loopback webhook receiver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Container } from 'inversify';
import { onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { WEBHOOKS, type Dispatcher } from '@tessera/webhooks';
import { buildServer, createTesseraContainer, resolveServerConfig, type ServerConfig } from '@tessera/server';
import { FakeHttpServer } from './fake-http-server.js';
import { FakeTokenServer } from './fake-token-server.js';
import { rememberSecret } from './leak-audit.js';
import { captureTransport } from './start-test-tessera.js';

export interface TestServer {
  app: FastifyInstance;
  container: Container;
  config: ServerConfig;
  adminToken: string;
  tokenServer: FakeTokenServer;
  receiver: FakeHttpServer;
  logs: Array<Record<string, unknown>>;
  /** inject() with the admin token. */
  api(method: InjectOptions['method'], url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export async function startTestServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-server-'));
  const adminToken = rememberSecret('tsa_test_' + generateMasterKey().replace(/[^A-Za-z0-9]/g, ''));
  const config = resolveServerConfig({ dataDir, port: 0, allowPrivate: true }, { TESSERA_ADMIN_TOKEN: adminToken, TESSERA_MASTER_KEY: generateMasterKey() });
  const logs: Array<Record<string, unknown>> = [];
  const container = createTesseraContainer({ ...config, logLevel: 'debug' }, { logTransports: [captureTransport((line) => logs.push(line))] });
  const app = await buildServer(container, { adminToken });
  const dispatcher = container.get<Dispatcher>(WEBHOOKS.Dispatcher);
  dispatcher.start();
  const tokenServer = await FakeTokenServer.start();
  const receiver = await new FakeHttpServer(() => ({ status: 200, body: 'ok' })).listen();
  onTestFinished(async () => {
    await app.close();
    await dispatcher.stop(2_000);
    await container.unbindAllAsync();
    await tokenServer.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    app,
    container,
    config,
    adminToken,
    tokenServer,
    receiver,
    logs,
    api: (method, url, body) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` }, ...(body !== undefined && { payload: body as InjectOptions['payload'] }) }),
  };
}
