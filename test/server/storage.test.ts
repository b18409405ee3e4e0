/**
 * Storage in view through the server and the CLI: GET /api/storage answers per its schema with the rows the
 * database holds, /metrics shows the storage gauges, and `tessera db stats` (the real executable) prints the
 * same figures as a table and as JSON, listed in `tessera help`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { WEBHOOKS, type EndpointStore, type Publisher } from '@tessera/webhooks';
import { createTesseraContainer, resolveServerConfig } from '@tessera/server';
import { storageView } from '../../packages/server/src/routes/api-responses.js';
import { runTessera } from '../support/cli-process.js';
import { rememberSecret } from '../support/leak-audit.js';
import { startTestServer } from '../support/start-test-server.js';
import { waitFor } from '../support/wait-for.js';

describe('storage in view', () => {
  it('GET /api/storage answers per its schema with the rows kept, and /metrics shows the gauges', async () => {
    const server = await startTestServer();
    const params = { url: server.tokenServer.tokenUrl, username: 'svc-user', password: rememberSecret(`pw-${generateMasterKey()}`) };
    const secret = (await server.api('POST', '/api/secrets', { name: 'crm', kind: 'general', params })).json<{ id: string }>();
    await server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId: secret.id });
    const { deliveryIds } = (await server.api('POST', '/api/events', { type: 'invoice.paid', data: { n: 1 } })).json<{ deliveryIds: string[] }>();
    await waitFor(async () => (await server.api('GET', `/api/deliveries/${deliveryIds[0]}`)).json<{ status: string }>().status === 'succeeded', 10_000);

    const response = await server.api('GET', '/api/storage');
    expect(response.statusCode).toBe(200);
    const storage = storageView.parse(response.json());
    expect(storage.storage).toBe('sqlite');
    expect(storage.bytes).toBeGreaterThan(0);
    expect(storage.maxAgeSeconds).toBe(30);
    const rows = Object.fromEntries(storage.tables.map((table) => [table.table, table.rows]));
    expect(rows).toEqual({ secrets: 1, webhook_endpoints: 1, webhook_events: 1, webhook_deliveries: 1, webhook_attempts: 1, server_secret_tests: 0 });
    const deliveries = storage.tables.find((table) => table.table === 'webhook_deliveries');
    expect(deliveries?.oldest?.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(deliveries!.oldest!.at)).toBeLessThanOrEqual(Date.now());
    expect((await server.app.inject({ method: 'GET', url: '/api/storage' })).statusCode).toBe(401);

    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('# TYPE tessera_storage_rows gauge');
    expect(metrics).toContain('tessera_storage_rows{table="webhook_deliveries",owner="webhooks"} 1');
    expect(metrics).toContain(`tessera_storage_bytes{storage="sqlite"} ${storage.bytes}`);
    expect(metrics).toMatch(/^tessera_storage_free_bytes \d+$/m);
    expect(metrics).toMatch(/^tessera_webhook_oldest_delivery_age_seconds \d+(\.\d+)?$/m);
  });

  it('tessera db stats prints rows and sizes per table, and --json the same figures', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-db-stats-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { TESSERA_DATA_DIR: dataDir, TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()) };
    // The data directory holds a secret, an endpoint and four published events (nothing delivered: no dispatcher).
    const container = createTesseraContainer(resolveServerConfig({ dataDir, allowPrivate: true }, env));
    const created = await runTessera(['secrets', 'create', '--kind', 'general', '--name', 'crm', '--url', 'https://auth.example.com/token', '--username', 'svc'], env, { input: `${rememberSecret('pw-for-db-stats')}\n` });
    expect(created.code).toBe(0);
    const secretId = (JSON.parse((await runTessera(['secrets', 'list', '--json'], env)).stdout) as Array<{ id: string }>)[0]!.id;
    await container.get<EndpointStore>(WEBHOOKS.EndpointStore).create({ url: 'https://hooks.example.com/in', secretId });
    for (let i = 0; i < 4; i++) await container.get<Publisher>(WEBHOOKS.Publisher).publish({ type: 'invoice.paid', data: { i } });
    await container.unbindAllAsync();

    const json = await runTessera(['db', 'stats', '--json'], env);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const report = storageView.parse(JSON.parse(json.stdout));
    expect(Object.fromEntries(report.tables.map((table) => [table.table, table.rows]))).toEqual({ secrets: 1, webhook_endpoints: 1, webhook_events: 4, webhook_deliveries: 4, webhook_attempts: 0, server_secret_tests: 0 });
    expect(report.bytes).toBeGreaterThan(0);
    expect(report.tables.find((table) => table.table === 'webhook_events')?.bytes).toBeGreaterThan(0);

    const table = await runTessera(['db', 'stats'], env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TABLE\s+OWNER\s+ROWS\s+SIZE\s+OLDEST ROW$/);
    expect(lines.find((line) => line.startsWith('webhook_deliveries'))).toMatch(/^webhook_deliveries\s+webhooks\s+4\s+\d+\.\d KB\s+\d+ s ago$/);
    expect(lines.at(-1)).toMatch(/^Database: \d+\.\d (KB|MB) \(the SQLite file with its WAL\), \d+(\.\d)? (B|KB|MB) of it free pages/);

    expect((await runTessera(['help'], env)).stdout).toContain('tessera db stats [--json]');
    expect(await runTessera(['db', '--help'], env)).toMatchObject({ code: 0, stdout: expect.stringContaining('tessera db stats [--json]') });
    expect((await runTessera(['db', 'vacuum'], env)).code).toBe(2);
  });
});
