/** Nothing is lost when the process dies: a worker killed with SIGKILL mid-delivery leaves work the next one finishes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { randomCredential } from '../support/start-test-tessera.js';
import { waitFor } from '../support/wait-for.js';

const EVENTS = 2_000;

describe('crash safety', () => {
  it('delivers every event at least once across a SIGKILL, every duplicate with its first webhook-id', async () => {
    const { beforeRestart, duplicates } = await killAndRestart({ leaseMs: 1_000 });
    console.log(`crash safety: ${beforeRestart} events delivered before SIGKILL, ${duplicates} duplicates after restart, all ${EVENTS} delivered`);
  }, 120_000);

  it('picks up a killed worker\'s claims at once on restart, without waiting out their 60 s lease', async () => {
    const { restartToDoneMs } = await killAndRestart({ leaseMs: 60_000 });
    // The claims the killed process held (up to 64) would otherwise wait a minute.
    expect(restartToDoneMs).toBeLessThan(15_000);
    console.log(`crash safety: all ${EVENTS} delivered ${restartToDoneMs} ms after the restart, with 60 s leases`);
  }, 120_000);
});

/** Publishes EVENTS in one worker, SIGKILLs it after a quarter is delivered, restarts and waits for all; checks every webhook-id. */
async function killAndRestart({ leaseMs }: { leaseMs: number }): Promise<{ beforeRestart: number; duplicates: number; restartToDoneMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
  const tokenServer = await FakeTokenServer.start();
  const receiver = await new FakeHttpServer(() => ({ status: 200 })).listen();
  const children: ChildProcess[] = [];
  onTestFinished(async () => {
    for (const child of children) child.kill('SIGKILL');
    await receiver.close();
    await tokenServer.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = {
    ...process.env,
    DB: join(dir, 'tessera.db'),
    MASTER_KEY: generateMasterKey(),
    TOKEN_URL: tokenServer.tokenUrl,
    RECEIVER_URL: receiver.url('/hook'),
    EVENTS: String(EVENTS),
    PASSWORD: randomCredential('crash'),
    LEASE_MS: String(leaseMs),
  };
  const run = (mode: string) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'fixtures', 'delivery-worker.mjs')], { env: { ...env, MODE: mode }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    return child;
  };
  const received = () => new Set(receiver.requests.map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n));

  const first = run('setup');
  await waitFor(() => received().size >= EVENTS / 4, 60_000);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const beforeRestart = received().size;
  expect(beforeRestart).toBeLessThan(EVENTS);

  const restartedAt = Date.now();
  const second = run('deliver');
  await waitFor(() => received().size === EVENTS, 90_000);
  const restartToDoneMs = Date.now() - restartedAt;
  second.kill('SIGTERM');
  await new Promise((resolve) => second.once('exit', resolve));

  const idsByEvent = new Map<number, Set<string>>();
  for (const request of receiver.requests) {
    const n = (JSON.parse(request.body) as { data: { n: number } }).data.n;
    idsByEvent.set(n, (idsByEvent.get(n) ?? new Set()).add(String(request.headers['webhook-id'])));
  }
  expect(idsByEvent.size).toBe(EVENTS);
  expect([...idsByEvent.values()].every((ids) => ids.size === 1)).toBe(true);
  return { beforeRestart, duplicates: receiver.count - EVENTS, restartToDoneMs };
}
