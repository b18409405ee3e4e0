/**
 * The server assembles what packages and plugins contribute: each `CORE.RouteGroup` adds API routes
 * (documented under its tags), each `CORE.Lifecycle` is started once it
 * listens and drained when it stops (the dispatcher is one), and each `CORE.HealthCheck` is a field of
 * /healthz (the database and the dispatcher are two; one that is not healthy makes it 503), and each
 * `CORE.MetricsSource` renders its families in /metrics (core's tokens, the webhooks package's deliveries).
 * A route's answer is held to its documented schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { resolveServerConfig, startServer } from '@tessera/server';
import { captureTransport } from '../support/start-test-tessera.js';

const REPO = join(import.meta.dirname, '..', '..');
const calls = (): string[] => (globalThis as { acmeCalls?: string[] }).acmeCalls ?? [];

/** A server configuration on a data directory of its own (removed after the test) with one plugin, on `port` (0: any). */
function serverConfig(plugin: string, port = 0) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-contributions-'));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  return {
    ...resolveServerConfig({ dataDir, port, host: '127.0.0.1' }, { TESSERA_ADMIN_TOKEN: 'tsa_contributions_' + 'k'.repeat(32), TESSERA_MASTER_KEY: generateMasterKey() }),
    plugins: [plugin],
    pluginsFrom: REPO,
  };
}

describe('contributions', () => {
  it("serves a plugin's routes, starts and drains its lifecycle with the server's, reports its health check in /healthz and its metrics in /metrics", async () => {
    const config = serverConfig('./test/fixtures/contributing-plugin.mjs');
    const logs: Array<Record<string, unknown>> = [];
    const server = await startServer(config, { handleSignals: false, print: () => undefined, logTransports: [captureTransport((line) => logs.push(line))] });
    let stopped = false;
    onTestFinished(async () => {
      if (!stopped) await server.stop(2_000);
    });
    expect(calls()).toEqual(['start']);

    const health = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', database: 'ok', dispatcher: 'running', acme: 'ok', version: expect.any(String) });
    // Its routes: behind the admin token, and in the OpenAPI document under its own tag.
    expect((await server.app.inject({ method: 'GET', url: '/api/acme/status' })).statusCode).toBe(401);
    const status = await server.app.inject({ method: 'GET', url: '/api/acme/status', headers: { authorization: `Bearer ${config.adminToken}` } });
    expect(status.json()).toEqual({ synced: 3 });
    // What a route answers is held to its schema: a field the document does not list is never sent.
    const drifted = await server.app.inject({ method: 'GET', url: '/api/acme/drifted', headers: { authorization: `Bearer ${config.adminToken}` } });
    expect(drifted.statusCode).toBe(500);
    expect(drifted.json()).toMatchObject({ error: { code: 'internal' } });
    expect(drifted.body).not.toContain('not for clients');
    expect(logs).toContainEqual(expect.objectContaining({ message: 'request failed', error: expect.stringContaining('The answer of GET /api/acme/drifted does not match its documented schema') }));
    const document = (await server.app.inject({ method: 'GET', url: '/api/openapi.json', headers: { authorization: `Bearer ${config.adminToken}` } })).json<{ paths: Record<string, unknown>; tags: Array<{ name: string }> }>();
    expect(document.paths['/api/acme/status']).toMatchObject({ get: { tags: ['acme'], responses: { 200: { content: { 'application/json': { schema: { required: ['synced'] } } } } } } });
    expect(document.tags.map((tag) => tag.name)).toEqual(['webhooks', 'events', 'deliveries', 'secrets', 'plugins', 'storage', 'acme']);
    // Its metric family beside core's and the webhooks package's.
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const family of ['tessera_token_requests_total', 'tessera_webhook_deliveries_total', 'tessera_storage_rows', 'acme_synced_total']) expect(metrics).toContain(`# TYPE ${family} `);
    expect(metrics).toContain('\nacme_synced_total 3\n');
    // A source that fails: its last figures stand in, and the failure is logged once, not at every scrape.
    (globalThis as { acmeMetricsFail?: boolean }).acmeMetricsFail = true;
    onTestFinished(() => void delete (globalThis as { acmeMetricsFail?: boolean }).acmeMetricsFail);
    for (let scrape = 0; scrape < 3; scrape++) expect((await server.app.inject({ method: 'GET', url: '/metrics' })).body).toContain('\nacme_synced_total 3\n');
    expect(logs.filter((line) => line.message === 'a metrics source failed; /metrics shows its last figures')).toEqual([
      expect.objectContaining({ error: 'the Acme counters are unreachable', families: ['acme_synced_total'] }),
    ]);
    delete (globalThis as { acmeMetricsFail?: boolean }).acmeMetricsFail;
    (globalThis as { acmeHealthy?: boolean }).acmeHealthy = false;
    const unhealthy = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(unhealthy.statusCode).toBe(503);
    expect(unhealthy.json()).toMatchObject({ status: 'unavailable', database: 'ok', acme: 'unreachable' });

    await server.stop(3_000);
    stopped = true;
    expect(calls()).toEqual(['start', 'stop within 3000 ms']);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'stopped', 'acme-sync': { synced: 3 }, dispatcher: expect.objectContaining({}) }));
  });

  it('refuses to start with a route outside /api/, which the admin token would not guard', async () => {
    const config = serverConfig('./test/fixtures/outside-api-plugin.mjs');
    await expect(startServer(config, { handleSignals: false, print: () => undefined, logTransports: [captureTransport(() => undefined)] })).rejects.toMatchObject({
      code: 'route-outside-api',
      message: expect.stringContaining('GET /plugin/status is not under /api/'),
    });
  });

  it('leaves nothing running when a lifecycle fails to start: the error is thrown, what started is stopped, the port is closed', async () => {
    // A port free a moment ago, so that afterwards it can be seen closed again.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const config = serverConfig('./test/fixtures/contributing-plugin.mjs', port);
    (globalThis as { acmeCalls?: string[] }).acmeCalls = [];
    (globalThis as { acmeStartFails?: boolean }).acmeStartFails = true;
    onTestFinished(() => void delete (globalThis as { acmeStartFails?: boolean }).acmeStartFails);
    await expect(startServer(config, { handleSignals: false, print: () => undefined, logTransports: [captureTransport(() => undefined)] })).rejects.toThrow('the Acme sync cannot reach Acme');
    expect(calls()).toEqual(['start', 'stop within 0 ms']);
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
