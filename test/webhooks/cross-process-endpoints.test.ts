/**
 * A delivery is never lost to a stale cache: a webhook created by another process (the CLI, product
 * code) and published to at once in this one is delivered, because a cache miss reads the row again
 * and every process sees the endpoint change counter move.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestServer } from '../support/start-test-server.js';
import { randomCredential } from '../support/start-test-tessera.js';
import { waitFor } from '../support/wait-for.js';

const ROUNDS = 100;

describe('endpoints changed by another process', () => {
  it('delivers to a webhook another process created a moment before, 100 times in a row', async () => {
    const server = await startTestServer();
    const secret = (await server.api('POST', '/api/secrets', { name: 'cross', kind: 'general', params: { url: server.tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } })).json<{ id: string }>();
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'fixtures', 'endpoint-creator.mjs')], {
      env: { ...process.env, DATA_DIR: server.config.dataDir, MASTER_KEY: server.config.masterKey, SECRET_ID: secret.id, RECEIVER_URL: server.receiver.url('/hook') },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => String((await lines.next()).value);
    expect(await next()).toBe('ready');

    const deliveries: string[] = [];
    for (let n = 0; n < ROUNDS; n++) {
      child.stdin.write(`create ${n}\n`);
      const [, , endpointId] = (await next()).split(' ');
      // At once, in this process: the publish and the dispatcher's claim follow the other process's commit.
      const published = await server.api('POST', '/api/events', { type: `cross.n${n}`, data: { n } });
      const { deliveryIds } = published.json<{ deliveryIds: string[] }>();
      expect(deliveryIds, `round ${n}`).toHaveLength(1);
      deliveries.push(deliveryIds[0] as string);
      expect(endpointId).toMatch(/^ep_/);
    }
    child.stdin.end('done\n');

    const statuses = async () => Promise.all(deliveries.map(async (id) => (await server.api('GET', `/api/deliveries/${id}`)).json<{ status: string; lastError: string | null }>()));
    await waitFor(async () => (await statuses()).every((d) => d.status === 'succeeded' || d.status === 'failed'), 60_000);
    const final = await statuses();
    expect(final.filter((d) => d.status !== 'succeeded')).toEqual([]);
    expect(server.receiver.count).toBe(ROUNDS);
  }, 120_000);
});
