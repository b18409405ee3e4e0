/**
 * Several `tessera serve` processes on one PostgreSQL database (issue 12): they share secrets, webhooks
 * and deliveries; killing one loses nothing; the fleet makes one token request per secret per lifetime
 * and keeps an endpoint's concurrency limit all together.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { rememberSecret } from '../support/leak-audit.js';
import { startServeProcess, TESSERA_BIN, type ServeProcess } from '../support/serve-process.js';
import { randomCredential } from '../support/start-test-tessera.js';
import { createTestDatabase } from '../support/test-postgres.js';
import { waitFor } from '../support/wait-for.js';

interface Fleet {
  databaseUrl: string;
  masterKey: string;
  instances: ServeProcess[];
  tokenServer: FakeTokenServer;
  receiver: FakeHttpServer;
}

async function startFleet(size: number): Promise<Fleet> {
  const databaseUrl = await createTestDatabase();
  const adminToken = rememberSecret('tsa_fleet_' + generateMasterKey().replace(/[^A-Za-z0-9]/g, ''));
  const masterKey = generateMasterKey();
  const tokenServer = await FakeTokenServer.start();
  const receiver = await new FakeHttpServer(() => ({ status: 200, body: 'ok' })).listen();
  const dirs: string[] = [];
  onTestFinished(async () => {
    await receiver.close();
    await tokenServer.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const instances = await Promise.all(
    Array.from({ length: size }, () => {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-fleet-'));
      dirs.push(dir);
      return startServeProcess(
        { TESSERA_DATA_DIR: dir, TESSERA_DATABASE_URL: databaseUrl, TESSERA_MASTER_KEY: masterKey, TESSERA_ADMIN_TOKEN: adminToken, TESSERA_ALLOW_PRIVATE: 'true', TESSERA_LOG_LEVEL: 'warn' },
        adminToken,
      );
    }),
  );
  return { databaseUrl, masterKey, instances, tokenServer, receiver };
}

describe('a fleet of tessera serve processes on one PostgreSQL', () => {
  it('shares secrets, webhooks and deliveries: what one instance creates, the others use', async () => {
    const { databaseUrl, masterKey, instances, tokenServer, receiver } = await startFleet(3);
    const [a, b, c] = instances as [ServeProcess, ServeProcess, ServeProcess];
    // The banner names the database with its password masked.
    const password = decodeURIComponent(new URL(databaseUrl).password);
    expect(a.output()).toMatch(/\(database: postgres:\/\/tessera:%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2@127\.0\.0\.1:\d+\/tessera_t_\w+\)/);
    expect(a.output()).not.toContain(password);
    const secret = await a.api<{ id: string }>('POST', '/api/secrets', { name: 'shared', kind: 'general', params: { url: tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } });
    expect(secret.status).toBe(201);
    expect((await c.api<Array<{ name: string }>>('GET', '/api/secrets')).body.map((s) => s.name)).toEqual(['shared']);
    const hook = await b.api<{ endpoint: { id: string } }>('POST', '/api/webhooks', { name: 'orders', url: receiver.url('/hook'), secretId: secret.body.id, signing: 'none' });
    expect(hook.status).toBe(201);
    const published = await c.api<{ deliveryIds: string[] }>('POST', '/api/events', { type: 'order.created', data: { n: 1 } });
    expect(published.status).toBe(202);
    const [deliveryId] = published.body.deliveryIds;
    await waitFor(async () => (await a.api<{ status: string }>('GET', `/api/deliveries/${deliveryId}`)).body.status === 'succeeded', 30_000);
    expect(receiver.count).toBe(1);
    expect(receiver.requests[0]!.headers['webhook-id']).toBe(deliveryId);
    // A test of the secret on one instance is in every instance's list.
    expect((await b.api<{ ok: boolean }>('POST', `/api/secrets/${secret.body.id}/test`)).body.ok).toBe(true);
    expect((await a.api<Array<{ lastTest: { ok: boolean } | null }>>('GET', '/api/secrets')).body[0]!.lastTest).toMatchObject({ ok: true });
    // A CLI command given --database-url (and no server of its own) sees the same.
    const cliDir = mkdtempSync(join(tmpdir(), 'tessera-fleet-cli-'));
    onTestFinished(() => rmSync(cliDir, { recursive: true, force: true }));
    const cli = spawnSync(process.execPath, [TESSERA_BIN, 'secrets', 'list', '--json', '--database-url', databaseUrl, '--data-dir', cliDir], {
      env: { PATH: process.env.PATH ?? '', TESSERA_MASTER_KEY: masterKey },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect((JSON.parse(cli.stdout) as Array<{ name: string; lastTest: { ok: boolean } | null }>).map((s) => [s.name, s.lastTest?.ok])).toEqual([['shared', true]]);
    expect(cli.stdout + cli.stderr).not.toContain(password);
    // Deleting the webhook on one instance: the others see it gone.
    expect((await a.api('DELETE', `/api/webhooks/${hook.body.endpoint.id}`)).status).toBe(204);
    expect((await c.api('GET', `/api/webhooks/${hook.body.endpoint.id}`)).status).toBe(404);
  }, 120_000);

  it('delivers 3,000 events published round-robin while one instance is SIGKILLed midway: none lost, one token request, the limit held fleet-wide', async () => {
    const { instances, tokenServer, receiver } = await startFleet(3);
    // A receiver that takes a moment, so the fleet's concurrency shows.
    receiver.respond(() => ({ status: 200, body: 'ok', delayMs: 3 }));
    const [a] = instances as [ServeProcess];
    const secret = await a.api<{ id: string }>('POST', '/api/secrets', { name: 'fleet', kind: 'general', params: { url: tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } });
    await a.api('POST', '/api/webhooks', { name: 'sink', url: receiver.url('/hook'), secretId: secret.body.id, signing: 'none' });
    const EVENTS = 3_000;
    const victim = instances[1] as ServeProcess;
    let killed = false;
    // A client publishes each event to the next instance; when one is gone, it sends the same event id to another (idempotent).
    const publish = async (n: number): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        const instance = instances[(n + attempt) % instances.length] as ServeProcess;
        if (instance === victim && killed) continue;
        try {
          const answer = await instance.api('POST', '/api/events', { id: `evt-${n}`, type: 'fleet.test', data: { n } });
          if (answer.status === 202) return;
        } catch {
          // Connection refused or reset: the instance died; the next one takes it.
        }
        if (attempt > 10) throw new Error(`event ${n} could not be published`);
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        while (next < EVENTS) {
          const n = next++;
          if (n === EVENTS / 2 && !killed) {
            killed = true;
            victim.child.kill('SIGKILL');
          }
          await publish(n);
        }
      }),
    );
    const received = () => new Set(receiver.requests.map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n));
    await waitFor(() => received().size === EVENTS, 90_000);
    // Every duplicate (a delivery the killed instance had sent but not recorded) carries its first webhook-id.
    const ids = new Map<number, Set<string>>();
    for (const request of receiver.requests) {
      const n = (JSON.parse(request.body) as { data: { n: number } }).data.n;
      ids.set(n, (ids.get(n) ?? new Set()).add(String(request.headers['webhook-id'])));
    }
    expect([...ids.values()].every((set) => set.size === 1)).toBe(true);
    expect(tokenServer.count).toBe(1);
    expect(receiver.maxInFlight).toBeLessThanOrEqual(8);
    console.log(`fleet: ${EVENTS} events delivered by 3 instances (one SIGKILLed midway), ${receiver.count - EVENTS} duplicates, ${tokenServer.count} token request, at most ${receiver.maxInFlight} in flight`);
  }, 180_000);
});
