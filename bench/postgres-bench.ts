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
import { CORE, coreModule, generateMasterKey, isPostgresUrl, type SecretStore } from '@tessera/core';
import { WEBHOOKS, webhooksModule, type EndpointStore, type Publisher } from '@tessera/webhooks';
import type { CpuProfile } from './cpu-profile.js';
import { CONCURRENCY } from './concurrency.js';

/** How far ahead a dispatcher claims: 4 deliveries per concurrency slot (`DeliverySlots`). */
const PREFETCH = 4;
import { QUEUE, SIGNING_SECRET, type WorkerStart } from './queue-worker.js';
import { median } from './median.js';

export interface QueueRun {
  deliveriesPerSecond: number;
  publishPerSecond: number;
  tokenRequests: number;
  /** CPU time of the delivering processes per delivery, µs. */
  processCpuMicros: number;
  /** CPU time of the PostgreSQL server's processes per delivery, µs (0 on SQLite; undefined when the server is not on this machine). */
  serverCpuMicros: number | undefined;
  /** The delivering processes' CPU profiles, when asked for. */
  profiles?: CpuProfile[];
  /** On PostgreSQL, what the server saw while delivering, per delivery (see {@link ServerWork}). */
  server?: ServerWork;
}

/**
 * What the PostgreSQL server did per delivery while delivering: statements the clients sent (each one
 * round trip), statements run in all (those inside functions too), from `pg_stat_statements`; WAL bytes
 * written (the server's WAL position before and after). The throwaway server runs with
 * `full_page_writes` off: a production server also writes a whole page for the first change to it after
 * each checkpoint.
 */
export interface ServerWork {
  roundTrips: number;
  statements: number;
  walBytes: number;
}

/** Reads the server's counters now; `since` turns a later reading into per-delivery figures. */
async function serverCounters(database: string): Promise<{ roundTrips: number; statements: number; wal: string }> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const { rows } = await client.query<{ round_trips: string | null; statements: string | null; wal: string }>(
      `SELECT (SELECT sum(calls) FILTER (WHERE toplevel) FROM pg_stat_statements WHERE dbid = d.oid AND query NOT LIKE '%pg_stat_statements%') AS round_trips,
              (SELECT sum(calls) FROM pg_stat_statements WHERE dbid = d.oid AND query NOT LIKE '%pg_stat_statements%') AS statements,
              pg_current_wal_insert_lsn()::text AS wal
       FROM pg_database d WHERE d.datname = current_database()`,
    );
    const row = rows[0] as { round_trips: string | null; statements: string | null; wal: string };
    return { roundTrips: Number(row.round_trips ?? 0), statements: Number(row.statements ?? 0), wal: row.wal };
  } finally {
    await client.end();
  }
}

async function serverWorkSince(database: string, before: { roundTrips: number; statements: number; wal: string }, total: number): Promise<ServerWork> {
  const after = await serverCounters(database);
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string }>('SELECT pg_wal_lsn_diff($1, $2)::text AS bytes', [after.wal, before.wal]);
    return { roundTrips: (after.roundTrips - before.roundTrips) / total, statements: (after.statements - before.statements) / total, walBytes: Number(rows[0]?.bytes ?? 0) / total };
  } finally {
    await client.end();
  }
}

export interface PostgresBenchFigures {
  sqlite1: QueueRun;
  postgres1: QueueRun;
  /** Each round's SQLite and PostgreSQL runs, one after the other. */
  rounds: Array<{ sqlite: QueueRun; postgres: QueueRun }>;
  /** The median over the rounds of PostgreSQL's deliveries/s as a share of SQLite's in the same round. */
  postgresShareOfSqlite: number;
  postgres2: QueueRun;
  pgBoss1: QueueRun;
  /** With `profile`: the CPU profile of one PostgreSQL dispatcher process while it delivered, in a run of its own (not timed). */
  deliveryProfile?: CpuProfile;
}

/** Rounds of SQLite and PostgreSQL one after the other: an odd number, for a plain median. */
const ROUNDS = 7;
/** Linux counts process CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICK_MICROS = 10_000;

interface Harness {
  origin: string;
  tokenUrl: string;
  tokenRequests: () => number;
  receivedCount: () => Promise<number>;
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
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

/** CPU clock ticks used so far by each process of this machine that `include` accepts (by pid and command name). */
function cpuTicks(include: (pid: number, command: string) => boolean): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!include(Number(entry), command)) continue;
      // After the command: state is field 3, utime and stime fields 14 and 15 of proc(5).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks;
}

/** Ticks used between two readings, counting processes that started in between from zero. */
function ticksBetween(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, ticks] of after) used += ticks - (before.get(pid) ?? 0);
  return used;
}

interface Delivered {
  perSecond: number;
  processCpuMicros: number;
  serverCpuMicros: number | undefined;
  profiles?: CpuProfile[];
  server?: ServerWork;
}

/**
 * Forks `processes` delivering processes, starts them together, and times them until the receiver has
 * `total` more; with the CPU time they, and the PostgreSQL server if it runs here, used meanwhile.
 */
async function deliver(harness: Harness, start: Omit<WorkerStart, 'origin' | 'tokenUrl'>, processes: number, total: number): Promise<Delivered> {
  const children: ChildProcess[] = Array.from({ length: processes }, () => fork(join(import.meta.dirname, 'queue-worker.js'), { stdio: 'inherit' }));
  const workers = new Set(children.map((child) => child.pid));
  const isWorker = (pid: number) => workers.has(pid);
  const isServer = (_pid: number, command: string) => command === 'postgres';
  const stop = async (): Promise<CpuProfile[]> => {
    // A profiling worker sends its profile, then exits.
    const profiles = start.profile ? children.map(async (child) => ((await once(child, 'message')) as [{ profile: CpuProfile }])[0].profile) : [];
    for (const child of children) child.send('stop');
    await Promise.all(children.map((child) => once(child, 'exit')));
    return Promise.all(profiles);
  };
  let measured: Delivered;
  try {
    for (const child of children) child.send({ ...start, origin: harness.origin, tokenUrl: harness.tokenUrl } satisfies WorkerStart);
    await Promise.all(children.map((child) => once(child, 'message')));
    const onPostgres = isPostgresUrl(start.database);
    // Without pg_stat_statements loaded (a server of one's own in TESSERA_TEST_DATABASE_URL), no such figures.
    const countersBefore = onPostgres ? await serverCounters(start.database).catch(() => undefined) : undefined;
    const before = await harness.receivedCount();
    const [workersBefore, serverBefore] = [cpuTicks(isWorker), cpuTicks(isServer)];
    const started = performance.now();
    for (const child of children) child.send('go');
    while ((await harness.receivedCount()) - before < total) await new Promise((resolve) => setTimeout(resolve, 20));
    const elapsed = performance.now() - started;
    const [workersAfter, serverAfter] = [cpuTicks(isWorker), cpuTicks(isServer)];
    measured = {
      perSecond: total / (elapsed / 1000),
      processCpuMicros: (ticksBetween(workersBefore, workersAfter) * TICK_MICROS) / total,
      serverCpuMicros: !onPostgres ? 0 : serverAfter.size === 0 ? undefined : (ticksBetween(serverBefore, serverAfter) * TICK_MICROS) / total,
    };
    const server = countersBefore === undefined ? undefined : await serverWorkSince(start.database, countersBefore, total).catch(() => undefined);
    if (server !== undefined) measured.server = server;
  } catch (error) {
    for (const child of children) child.kill();
    throw error;
  }
  const profiles = await stop();
  return start.profile ? { ...measured, profiles } : measured;
}

/** Tessera: a secret and one endpoint, `total` events published by 32 concurrent callers here, then delivered by `processes` dispatcher processes. */
async function tesseraRun(harness: Harness, database: string, processes: number, total: number, profile = false): Promise<QueueRun> {
  const masterKey = generateMasterKey();
  const container = new Container();
  container.load(
    coreModule({ database, masterKey, network: { allowPrivate: true }, logging: { level: 'error', transports: [new winston.transports.Console({ silent: true })] } }),
    webhooksModule(),
  );
  const secret = await container.get<SecretStore>(CORE.SecretStore).create({ name: 'bench', kind: 'general', params: { url: harness.tokenUrl, username: 'u', password: 'bench-password' } });
  await container.get<EndpointStore>(WEBHOOKS.EndpointStore).create({ url: `${harness.origin}/hook/0`, secretId: secret.id, signing: { secret: SIGNING_SECRET } });
  const publisher = container.get<Publisher>(WEBHOOKS.Publisher);
  const data = { text: 'x'.repeat(189) };
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
  const perEndpoint = PREFETCH * CONCURRENCY * processes;
  const delivered = await deliver(harness, { kind: 'tessera', database, masterKey, concurrency: CONCURRENCY, perEndpoint, profile }, processes, total);
  const run = { ...figures(delivered), publishPerSecond, tokenRequests: harness.tokenRequests() - tokensBefore };
  return delivered.profiles === undefined ? run : { ...run, profiles: delivered.profiles };
}

/** pg-boss 10 on its own database of the same server: `total` jobs sent by 32 concurrent callers, then worked by one process. */
async function pgBossRun(harness: Harness, database: string, total: number): Promise<QueueRun> {
  const boss = new PgBoss({ connectionString: database, max: 10 });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue(QUEUE);
  const payload = JSON.stringify({ type: 'bench.e0', timestamp: new Date().toISOString(), data: { text: 'x'.repeat(189) } });
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
  const delivered = await deliver(harness, { kind: 'pgboss', database, masterKey: '', concurrency: CONCURRENCY, perEndpoint: CONCURRENCY }, 1, total);
  return { ...figures(delivered), publishPerSecond, tokenRequests: harness.tokenRequests() - tokensBefore };
}

/** The receiver in a process of its own (as for the other webhook figures) and a token endpoint here that counts its requests. */
async function startHarness(): Promise<Harness & { close: () => void }> {
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

function figures(delivered: Delivered): Pick<QueueRun, 'deliveriesPerSecond' | 'processCpuMicros' | 'serverCpuMicros' | 'server'> {
  return {
    deliveriesPerSecond: delivered.perSecond,
    processCpuMicros: delivered.processCpuMicros,
    serverCpuMicros: delivered.serverCpuMicros,
    ...(delivered.server === undefined ? {} : { server: delivered.server }),
  };
}

/** The run with the median deliveries per second. */
function medianRun(runs: readonly QueueRun[]): QueueRun {
  return [...runs].sort((a, b) => a.deliveriesPerSecond - b.deliveriesPerSecond)[Math.floor(runs.length / 2)] as QueueRun;
}

export async function runPostgresBench(total: number, options: { profile?: boolean } = {}): Promise<PostgresBenchFigures> {
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
    // SQLite and PostgreSQL with one dispatcher, one right after the other, over several rounds: their
    // ratio is taken within each round (the load of a shared machine, which comes and goes, moves both
    // sides of it alike) and the median of those ratios is the figure.
    const rounds: Array<{ sqlite: QueueRun; postgres: QueueRun }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sqlite = await tesseraRun(harness, join(dir, `tessera-${round}.db`), 1, total);
      rounds.push({ sqlite, postgres: await tesseraRun(harness, await database(), 1, total) });
    }
    const sqlite1 = medianRun(rounds.map((r) => r.sqlite));
    const postgres1 = medianRun(rounds.map((r) => r.postgres));
    const postgresShareOfSqlite = median(rounds.map((r) => r.postgres.deliveriesPerSecond / r.sqlite.deliveriesPerSecond));
    const postgres2 = await tesseraRun(harness, await database(), 2, total);
    const pgBoss1 = await pgBossRun(harness, await database(), total);
    // Profiled apart: the profiler's sampling costs time that a timed run would lose.
    const deliveryProfile = options.profile ? (await tesseraRun(harness, await database(), 1, total, true)).profiles?.[0] : undefined;
    return { sqlite1, postgres1, rounds, postgresShareOfSqlite, postgres2, pgBoss1, ...(deliveryProfile === undefined ? {} : { deliveryProfile }) };
  } finally {
    for (const made of databases) await made.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    harness.close();
  }
}
