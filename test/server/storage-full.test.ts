/**
 * Disk full is a state, not a crash (issue 15 point 4), on a real 4 MB tmpfs holding a real `tessera serve`'s
 * data directory: a publish the disk cannot hold is a 503 `storage-full` with `Retry-After` and what to
 * do, `/healthz` says `degraded` and why, the log says so once however many writes are refused, nothing
 * accepted before is lost, and once space returns the server carries on by itself, with no restart.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { rememberSecret } from '../support/leak-audit.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { randomCredential } from '../support/start-test-tessera.js';
import { waitFor } from '../support/wait-for.js';

/** Why a tmpfs cannot be mounted here (not root, no CAP_SYS_ADMIN, no `mount`), or undefined when it can. */
function mountRefused(): string | undefined {
  const probe = mkdtempSync(join(tmpdir(), 'tessera-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim();
    return `mounting a tmpfs is not permitted here (${stderr || (error as Error).message})`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Writes zeros to `file` until the file system has no byte left (ENOSPC). */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

interface Answer {
  status: number;
  headers: Headers;
  body: { error?: { code: string; message: string }; deliveryIds?: string[] } & Record<string, unknown>;
}

async function call(server: ServeProcess, adminToken: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(new URL(path, server.url), {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: ((text) => (text === '' ? {} : JSON.parse(text)))(await response.text()) as Answer['body'] };
}

const refused = mountRefused();

describe('a full disk', () => {
  it.skipIf(refused !== undefined)(
    `answers 503 storage-full, reports degraded, logs it once, loses nothing and recovers by itself once space returns${refused === undefined ? '' : ` (skipped: ${refused})`}`,
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-storage-full-'));
      const data = join(dir, 'data');
      mkdirSync(data);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', data]);
      const started: { server?: ServeProcess } = {};
      onTestFinished(async () => {
        // The server first (it holds the database open), then the file system, then the directory.
        const server = started.server;
        if (server !== undefined && server.child.exitCode === null && server.child.signalCode === null) {
          server.child.kill('SIGKILL');
          await server.exited;
        }
        execFileSync('umount', ['-l', data]);
        rmSync(dir, { recursive: true, force: true });
      });

      const tokenServer = await FakeTokenServer.start();
      onTestFinished(() => tokenServer.close());
      // The receiver holds its answers until the disk is full, so the first deliveries finish then.
      let openReceiver!: () => void;
      const receiverOpen = new Promise<void>((resolve) => (openReceiver = resolve));
      const receiver = await new FakeHttpServer(async () => {
        await receiverOpen;
        return { status: 200 };
      }).listen();
      onTestFinished(() => receiver.close());
      const received = () => new Set(receiver.requests.map((request) => String(request.headers['webhook-id']))).size;

      const adminToken = rememberSecret('tsa_storage_full_' + generateMasterKey().replace(/[^A-Za-z0-9]/g, ''));
      const server = await startServeProcess({ TESSERA_DATA_DIR: data, TESSERA_ALLOW_PRIVATE: 'true', TESSERA_ADMIN_TOKEN: adminToken, TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()) }, adminToken);
      started.server = server;
      const api = (method: string, path: string, body?: unknown) => call(server, adminToken, method, path, body);
      const secret = await api('POST', '/api/secrets', {
        name: 'crm',
        kind: 'general',
        params: { url: tokenServer.tokenUrl, grantType: 'password', scope: 'read', username: 'svc', password: randomCredential('pw') },
      });
      expect(secret.status, JSON.stringify(secret.body)).toBe(201);
      const webhook = await api('POST', '/api/webhooks', { name: 'orders', url: receiver.url('/hook'), secretId: secret.body.id, events: ['order.created'] });
      expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
      // A webhook whose receiver fails every time, retried each second: while the disk is full, a retry
      // due cannot be claimed (a claim writes its lease), and the dispatcher must not spin on that.
      const failing = await new FakeHttpServer(() => ({ status: 500 })).listen();
      onTestFinished(() => failing.close());
      const retries = await api('POST', '/api/webhooks', { name: 'retries', url: failing.url('/hook'), secretId: secret.body.id, events: ['retry.me'], retrySchedule: Array.from({ length: 50 }, () => 1) });
      expect(retries.status, JSON.stringify(retries.body)).toBe(201);
      expect((await api('POST', '/api/events', { type: 'retry.me', data: {} })).status).toBe(202);
      await waitFor(() => failing.requests.length >= 1, 10_000);

      // Accepted while there is space: these must all be delivered, whatever happens next.
      const blob = 'x'.repeat(40_000);
      const accepted: string[] = [];
      for (let n = 0; n < 5; n++) {
        const published = await api('POST', '/api/events', { type: 'order.created', data: { n, blob } });
        expect(published.status, JSON.stringify(published.body)).toBe(202);
        accepted.push(...(published.body.deliveryIds ?? []));
      }
      expect(accepted).toHaveLength(5);
      await waitFor(() => receiver.requests.length === 5, 10_000);

      // The disk fills up (something else on the machine, a log gone wild).
      const filler = join(data, 'filler');
      fillDisk(filler);

      // Every publish now is refused, saying why and what to do, and when to try again.
      for (let n = 0; n < 6; n++) {
        const refusedPublish = await api('POST', '/api/events', { type: 'order.created', data: { n: 100 + n, blob } });
        expect(refusedPublish.status).toBe(503);
        expect(refusedPublish.headers.get('retry-after')).toBe('30');
        expect(refusedPublish.body.error).toEqual({ code: 'storage-full', message: expect.stringContaining('is full: this write was refused and nothing of it was saved') });
        expect(refusedPublish.body.error?.message).toMatch(/Free disk space there, or keep less history with a shorter retention \(--retention-succeeded, --retention-failed\)/);
      }
      // So is any other write (a secret), the same way.
      const refusedSecret = await api('POST', '/api/secrets', { name: 'more', kind: 'general', params: { url: tokenServer.tokenUrl, grantType: 'password', scope: 'read', username: 'svc', password: randomCredential('pw') } });
      expect(refusedSecret.status).toBe(503);
      expect(refusedSecret.body.error?.code).toBe('storage-full');

      const degraded = await api('GET', '/healthz');
      expect(degraded.status).toBe(200);
      expect(degraded.body).toMatchObject({ status: 'degraded', database: 'storage-full', dispatcher: 'running', reasons: { database: expect.stringMatching(/^the disk of the database is full since \S+ \(\d+ writes refused\): free disk space/) } });

      // The deliveries accepted before reach the receiver; their outcomes cannot be written yet and are
      // retried, the dispatcher's failed writes folded into the state rather than logged each time.
      openReceiver();
      await waitFor(() => received() === 5, 15_000);
      const refusedWrites = async () => {
        const reason = ((await api('GET', '/healthz')).body.reasons as { database?: string } | undefined)?.database ?? '';
        return Number(/\((\d+) writes? refused\)/.exec(reason)?.[1] ?? 0);
      };
      await waitFor(async () => (await refusedWrites()) >= 7 + 3, 20_000);
      // The retry falls due each second and each claim of it is refused: the dispatcher waits a second
      // before claiming again (without that pause it claimed about 600 times a second).
      const before = await refusedWrites();
      const windowStarted = performance.now();
      await sleep(3_000);
      const perSecond = ((await refusedWrites()) - before) / ((performance.now() - windowStarted) / 1000);
      expect(perSecond).toBeLessThan(10);
      const logLines = () =>
        server
          .output()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { level: string; message: string; failures?: number });
      expect(logLines().filter((line) => line.message.startsWith('storage is full'))).toEqual([
        expect.objectContaining({ level: 'error', message: 'storage is full: writes are refused (503 storage-full) until there is space again', failures: 1 }),
      ]);
      for (const repeated of ['request failed', 'claiming deliveries failed', 'recording delivery outcomes failed; retrying', 'renewing the worker heartbeat failed', 'storage is still full: writes are refused']) {
        expect(logLines().map((line) => line.message)).not.toContain(repeated);
      }

      // Space returns: nothing to restart. The outcomes are written, new events are accepted and delivered.
      rmSync(filler);
      const retriesId = (retries.body as unknown as { endpoint: { id: string } }).endpoint.id;
      await waitFor(async () => (await api('DELETE', `/api/webhooks/${retriesId}`)).status === 204, 20_000);
      await waitFor(async () => {
        const states = await Promise.all(accepted.map(async (id) => (await api('GET', `/api/deliveries/${id}`)).body.status));
        return states.every((state) => state === 'succeeded');
      }, 20_000);
      const after: string[] = [];
      for (let n = 0; n < 3; n++) {
        const published = await api('POST', '/api/events', { type: 'order.created', data: { n: 200 + n, blob } });
        expect(published.status, JSON.stringify(published.body)).toBe(202);
        after.push(...(published.body.deliveryIds ?? []));
      }
      await waitFor(() => received() === 8, 15_000);
      await waitFor(async () => (await Promise.all(after.map(async (id) => (await api('GET', `/api/deliveries/${id}`)).body.status))).every((state) => state === 'succeeded'), 15_000);
      const healthy = await api('GET', '/healthz');
      expect(healthy.status).toBe(200);
      expect(healthy.body).toEqual({ status: 'ok', database: 'ok', dispatcher: 'running', version: expect.any(String) });
      expect(logLines().filter((line) => line.message === 'storage is writable again')).toHaveLength(1);
      expect(logLines().filter((line) => line.message.startsWith('storage is full'))).toHaveLength(1);
      // Every delivery accepted was sent, each once (no outcome was lost, so none was sent again).
      expect(receiver.requests).toHaveLength(8);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    },
  );
});
