/**
 * Retention in a real `tessera serve`: the flags set the periods (durations with their unit, refused
 * otherwise), the pruner runs as one of the server's lifecycles, says what it pruned in the log and counts
 * it in /metrics, and a webhook's own period is set and shown through the API and the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { runTessera } from '../support/cli-process.js';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { rememberSecret } from '../support/leak-audit.js';
import { randomCredential } from '../support/start-test-tessera.js';
import { startServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

function dataDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-retention-serve-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'data');
}

describe('retention in tessera serve', () => {
  it('prunes deliveries past --retention-succeeded, logs it and counts it in /metrics; a webhook keeps its own period', { timeout: 120_000 }, async () => {
    const tokenServer = await FakeTokenServer.start();
    onTestFinished(() => tokenServer.close());
    const receiver = await new FakeHttpServer(() => ({ status: 200, body: 'ok' })).listen();
    onTestFinished(() => receiver.close());
    const adminToken = rememberSecret('tsa_retention_' + 'r'.repeat(32));
    const env = { TESSERA_DATA_DIR: dataDirectory(), TESSERA_ALLOW_PRIVATE: 'true', TESSERA_ADMIN_TOKEN: adminToken, TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()) };
    const server = await startServeProcess(env, adminToken, { args: ['--retention-succeeded', '1s', '--retention-failed', '1s'] });
    const secret = await server.api<{ id: string }>('POST', '/api/secrets', {
      name: 'crm',
      kind: 'general',
      params: { url: tokenServer.tokenUrl, grantType: 'password', scope: 'read', username: 'svc', password: randomCredential('pw') },
    });
    const plain = await server.api<{ endpoint: { id: string } }>('POST', '/api/webhooks', { name: 'plain', url: receiver.url('/plain'), secretId: secret.body.id, events: ['plain.*'] });
    const kept = await server.api<{ endpoint: { id: string; retention: unknown } }>('POST', '/api/webhooks', {
      name: 'kept',
      url: receiver.url('/kept'),
      secretId: secret.body.id,
      events: ['kept.*'],
      retention: { succeededMs: 3_600_000 },
    });
    expect(kept.status).toBe(201);
    expect(kept.body.endpoint.retention).toEqual({ succeededMs: 3_600_000, failedMs: null });
    for (const type of ['plain.one', 'plain.two', 'kept.one']) expect((await server.api('POST', '/api/events', { type, data: { type } })).status).toBe(202);
    await waitFor(() => receiver.requests.length === 3, 30_000);

    // The first pass comes within a few seconds of the start; the deliveries of 'plain' are a second old by then.
    await waitFor(async () => ((await server.api<Array<{ endpointId: string }>>('GET', '/api/deliveries')).body.length === 1), 60_000);
    const left = await server.api<Array<{ endpointId: string; status: string }>>('GET', '/api/deliveries');
    expect(left.body).toEqual([expect.objectContaining({ endpointId: kept.body.endpoint.id, status: 'succeeded' })]);
    await waitFor(() => server.output().includes("pruned old deliveries"), 10_000);
    const line = server.output().split("\n").find((l) => l.includes("pruned old deliveries"))!;
    expect(JSON.parse(line)).toMatchObject({ level: "info", message: "pruned old deliveries", deliveries: 2, attempts: 2, events: 2 });
    const metrics = await fetch(new URL("/metrics", server.url)).then((response) => response.text());
    expect(metrics).toContain('tessera_webhook_pruned_rows_total{table="deliveries"} 2');
    expect(metrics).toContain('tessera_webhook_pruned_rows_total{table="events"} 2');
    expect(plain.status).toBe(201);

    // The CLI shows and changes a webhook's own period on the same data directory.
    const updated = await runTessera(['webhooks', 'update', 'kept', '--keep-failed', '90d', '--json'], env);
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout).retention).toEqual({ succeededMs: 3_600_000, failedMs: 90 * 86_400_000 });
    const reset = await runTessera(['webhooks', 'update', 'kept', '--keep-succeeded', 'default', '--json'], env);
    expect(JSON.parse(reset.stdout).retention).toEqual({ succeededMs: null, failedMs: 90 * 86_400_000 });
    const vague = await runTessera(['webhooks', 'update', 'kept', '--keep-failed', 'soon'], env);
    expect(vague.code).toBe(2);
    expect(vague.stderr).toContain("--keep-failed takes a duration with its unit (like 10s or 500ms), not 'soon'.");
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses a retention without its unit, naming the setting', async () => {
    const refused = await runTessera(['--retention-succeeded', '14', 'secrets', 'list'], { TESSERA_DATA_DIR: dataDirectory(), TESSERA_MASTER_KEY: generateMasterKey() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("'14' is not a duration with its unit (like 30s, 500ms, 2m, 12h or 14d). Set --retention-succeeded or TESSERA_RETENTION_SUCCEEDED.");
  });
});
