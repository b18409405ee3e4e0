/**
 * `npm run bench`, PostgreSQL figures (issue 12): deliveries per second with 1 and 2 dispatcher
 * processes and the publish rate on PostgreSQL, beside Tessera on SQLite (its dispatcher in a process of
 * its own too) and pg-boss 10 doing the same job on the same server; and the fleet's token requests.
 * Needs TESSERA_TEST_DATABASE_URL (scripts/with-postgres.sh starts a throwaway server for the bench).
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Container } from 'inversify';
import pg from 'pg';
import PgBoss from 'pg-boss';
import winston from 'winston';
import { CORE, coreModule, generateMasterKey, type SecretStore } from '@tessera/core';
import { WEBHOOKS, webhooksModule, type EndpointStore, type Publisher } from '@tessera/webhooks';
import { CONCURRENCY } from './plain-loops.js';

/** How far ahead a dispatcher claims: 4 deliveries per concurrency slot (`DeliverySlots`). */
const PREFETCH = 4;
import { QUEUE, SIGNING_SECRET, type WorkerStart } from './queue-worker.js';

export interface QueueRun {
  deliveriesPerSecond: number;
  publishPerSecond: number;
  tokenRequests: number;
}

export interface PostgresBenchFigures {
  sqlite1: QueueRun;
  postgres1: QueueRun;
  postgres2: QueueRun;
  pgBoss1: QueueRun;
}

interface Harness {
  origin: string;
  tokenUrl: string;
  tokenRequests: () => number;
  receivedCount: () => Promise<number>;
}

export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.TESSERA_TEST_DATABASE_URL;
  if (!admin) throw new Error('TESSERA_TEST_DATABASE_URL is not set: run the bench with `npm run bench` (it starts a throwaway PostgreSQL).');
  const name = `tessera_bench_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function allTicks(): Map<number, [string, number]> {
  const out = new Map<number, [string, number]>();
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      const label = comm === 'postgres' ? 'postgres' : cmd.includes('receiver.js') ? 'receiver' : cmd.includes('queue-worker.js') ? 'worker' : cmd.includes('zz-pg1') ? 'harness' : comm;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), [label, Number(fields[11]) + Number(fields[12])]);
    } catch {
      // gone
    }
  }
  return out;
}

function pgTicks(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone
    }
  }
  return out;
}

/** Forks `processes` delivering processes, starts them together, and times them until the receiver has `total` more. */
async function deliver(harness: Harness, start: Omit<WorkerStart, 'origin' | 'tokenUrl'>, processes: number, total: number): Promise<number> {
  const children: ChildProcess[] = Array.from({ length: processes }, () => fork(join(import.meta.dirname, 'queue-worker.js'), { stdio: 'inherit', execArgv: process.env.ZZ_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/pgx/prof'] : [] }));
  try {
    for (const child of children) child.send({ ...start, origin: harness.origin, tokenUrl: harness.tokenUrl } satisfies WorkerStart);
    await Promise.all(children.map((child) => once(child, 'message')));
    const before = await harness.receivedCount();
    const cpuBefore = pgTicks();
    const allBefore = allTicks();
    const started = performance.now();
    for (const child of children) child.send('go');
    while ((await harness.receivedCount()) - before < total) await new Promise((resolve) => setTimeout(resolve, 20));
    const elapsed = performance.now() - started;
    const cpuAfter = pgTicks();
    const allAfter = allTicks();
    const per = new Map<string, number>();
    for (const [pid, [name, t]] of allAfter) per.set(name, (per.get(name) ?? 0) + t - (allBefore.get(pid)?.[1] ?? 0));
    console.error(`ZZALL ${start.database.slice(0, 8)} elapsed ${elapsed.toFixed(0)}ms ` + [...per].filter(([, t]) => t > 0).map(([n, t]) => `${n}:${((t * 10000) / total).toFixed(0)}us`).join(' ') + ` | total cores ${([...per].reduce((a, [, t]) => a + t, 0) * 10 / elapsed).toFixed(2)}`);
    let ticks = 0;
    for (const [pid, t] of cpuAfter) ticks += t - (cpuBefore.get(pid) ?? 0);
    console.error(`ZZPG server cpu ${((ticks * 10_000) / total).toFixed(0)} us/delivery`);
    return total / (elapsed / 1000);
  } finally {
    for (const child of children) child.send('stop');
    await Promise.all(children.map((child) => once(child, 'exit')));
  }
}

/** Tessera: a secret and one endpoint, `total` events published by 32 concurrent callers here, then delivered by `processes` dispatcher processes. */
export async function tesseraRun(harness: Harness, database: string, processes: number, total: number): Promise<QueueRun> {
  const masterKey = generateMasterKey();
  const container = new Container();
  container.load(
    coreModule({ database, masterKey, network: { allowPrivate: true }, logging: { level: 'error', transports: [new winston.transports.Console({ silent: true })] } }),
    webhooksModule(),
  );
  const secret = await container.get<SecretStore>(CORE.SecretStore).create({ name: 'bench', kind: 'general', params: { url: harness.tokenUrl, username: 'u', password: 'bench-password' } });
  await container.get<EndpointStore>(WEBHOOKS.EndpointStore).create({ url: `${harness.origin}/hook/0`, secretId: secret.id, signing: { secret: SIGNING_SECRET } });
  const publisher = container.get<Publisher>(WEBHOOKS.Publisher);
  const data = { text: 'x'.repeat(230) };
  let next = 0;
  const publishStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < total; i = next++) await publisher.publish({ type: 'bench.e0', data });
    }),
  );
  const publishPerSecond = total / ((performance.now() - publishStarted) / 1000);
  await container.unbindAllAsync();
  const tokensBefore = harness.tokenRequests();
  // One endpoint whose limit is not what binds, on either storage: the figure measures the queue. On
  // PostgreSQL the limit counts every claimed delivery of the fleet, so it also bounds how far ahead the
  // dispatchers may claim; at 4 × concurrency (the dispatcher's own prefetch) both storages claim alike.
  const perEndpoint = Number(process.env.PER_ENDPOINT ?? PREFETCH * CONCURRENCY * processes);
  const deliveriesPerSecond = await deliver(harness, { kind: 'tessera', database, masterKey, concurrency: CONCURRENCY, perEndpoint }, processes, total);
  return { deliveriesPerSecond, publishPerSecond, tokenRequests: harness.tokenRequests() - tokensBefore };
}

/** pg-boss 10 on its own database of the same server: `total` jobs sent by 32 concurrent callers, then worked by one process. */
async function pgBossRun(harness: Harness, database: string, total: number): Promise<QueueRun> {
  const boss = new PgBoss({ connectionString: database, max: 10 });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue(QUEUE);
  const payload = JSON.stringify({ type: 'bench.e0', timestamp: new Date().toISOString(), data: { text: 'x'.repeat(230) } });
  let next = 0;
  const publishStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < total; i = next++) await boss.send(QUEUE, { id: `msg_${i}`, payload });
    }),
  );
  const publishPerSecond = total / ((performance.now() - publishStarted) / 1000);
  await boss.stop({ graceful: false, wait: true });
  const tokensBefore = harness.tokenRequests();
  const deliveriesPerSecond = await deliver(harness, { kind: 'pgboss', database, masterKey: '', concurrency: CONCURRENCY, perEndpoint: CONCURRENCY }, 1, total);
  return { deliveriesPerSecond, publishPerSecond, tokenRequests: harness.tokenRequests() - tokensBefore };
}

/** The receiver in a process of its own (as for the other webhook figures) and a token endpoint here that counts its requests. */
export async function startHarness(): Promise<Harness & { close: () => void }> {
  const receiver = fork(join(import.meta.dirname, 'receiver.js'), { stdio: 'inherit' });
  const [{ port }] = (await once(receiver, 'message')) as [{ port: number }];
  let tokenRequests = 0;
  const tokenServer = http.createServer((req, res) => {
    tokenRequests++;
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ access_token: 'bench-token-' + randomBytes(8).toString('hex'), expires_in: 3600 })));
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    tokenUrl: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`,
    tokenRequests: () => tokenRequests,
    receivedCount: async () => {
      receiver.send('count');
      const [{ count }] = (await once(receiver, 'message')) as [{ count: number }];
      return count;
    },
    close: () => {
      receiver.send('stop');
      tokenServer.close();
    },
  };
}

/** The run with the median deliveries per second. */
function medianRun(runs: readonly QueueRun[]): QueueRun {
  return [...runs].sort((a, b) => a.deliveriesPerSecond - b.deliveriesPerSecond)[Math.floor(runs.length / 2)] as QueueRun;
}

export async function runPostgresBench(total: number): Promise<PostgresBenchFigures> {
  const harness = await startHarness();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-pg-'));
  const databases: Array<{ drop: () => Promise<void> }> = [];
  const database = async () => {
    const made = await freshDatabase();
    databases.push(made);
    return made.url;
  };
  try {
    // Warm-up (not measured): the server's caches and both code paths.
    await tesseraRun(harness, await database(), 1, Math.min(2_000, total));
    // SQLite and PostgreSQL with one dispatcher alternate over three rounds (the median of each is kept),
    // so the load of a shared machine moves both sides of their ratio alike.
    const sqliteRuns: QueueRun[] = [];
    const postgresRuns: QueueRun[] = [];
    for (let round = 0; round < 3; round++) {
      sqliteRuns.push(await tesseraRun(harness, join(dir, `tessera-${round}.db`), 1, total));
      postgresRuns.push(await tesseraRun(harness, await database(), 1, total));
    }
    const sqlite1 = medianRun(sqliteRuns);
    const postgres1 = medianRun(postgresRuns);
    const postgres2 = await tesseraRun(harness, await database(), 2, total);
    const pgBoss1 = await pgBossRun(harness, await database(), total);
    return { sqlite1, postgres1, postgres2, pgBoss1 };
  } finally {
    for (const made of databases) await made.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    harness.close();
  }
}
