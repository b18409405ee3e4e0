/** PostgreSQL storage (issue 12): selection by URL, pool and timeout options, passwords kept out of errors and logs, migrations once for a fleet. */
import 'reflect-metadata';
import { Container } from 'inversify';
import type { Logger } from 'winston';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, coreModule, generateMasterKey, type PostgresDatabase, type ResolvedCoreOptions, type SecretStore } from '@tessera/core';
import { startInstanceProcess } from '../support/instance-process.js';
import { captureTransport, startTestTessera } from '../support/start-test-tessera.js';
import { createTestDatabase, withClient } from '../support/test-postgres.js';
import { waitFor } from '../support/wait-for.js';

function load(options: Parameters<typeof coreModule>[0]): Container {
  const container = new Container();
  container.load(coreModule({ masterKey: generateMasterKey(), logging: { level: 'error', transports: [captureTransport(() => undefined)] }, ...options }));
  onTestFinished(() => container.unbindAllAsync());
  return container;
}

describe('choosing the storage', () => {
  it('takes a postgres: or postgresql: URL for PostgreSQL and anything else for SQLite', async () => {
    const url = await createTestDatabase();
    expect(load({ database: url }).get<ResolvedCoreOptions>(CORE.Options).storage).toBe('postgres');
    expect(load({ database: url.replace(/^postgres:/, 'postgresql:') }).get<ResolvedCoreOptions>(CORE.Options).storage).toBe('postgres');
    expect(load({ database: ':memory:' }).get<ResolvedCoreOptions>(CORE.Options).storage).toBe('sqlite');
    const viaPostgresql = load({ database: url.replace(/^postgres:/, 'postgresql:') });
    await viaPostgresql.get<SecretStore>(CORE.SecretStore).create({ name: 'via-postgresql', kind: 'general', params: { url: 'https://auth.example.com/token', username: 'u', password: 'p4ssw0rd-long' } });
    expect(await withClient(url, async (client) => (await client.query('SELECT name FROM secrets')).rows)).toEqual([{ name: 'via-postgresql' }]);
  });

  it('refuses memory storage with a PostgreSQL URL, and a PostgreSQL database without a shared key', async () => {
    const url = await createTestDatabase();
    expect(() => load({ database: url, storage: 'memory' })).toThrow(expect.objectContaining({ code: 'storage-conflict' }));
    const previous = process.env.TESSERA_MASTER_KEY;
    delete process.env.TESSERA_MASTER_KEY;
    try {
      expect(() => new Container().load(coreModule({ database: url, production: false }))).toThrow(expect.objectContaining({ code: 'master-key-missing', message: expect.stringMatching(/same key/) }));
    } finally {
      if (previous !== undefined) process.env.TESSERA_MASTER_KEY = previous;
    }
  });
});

describe('the pool', () => {
  it('opens at most poolSize connections and has the server cancel a statement past statementTimeoutMs', async () => {
    const world = await startTestTessera({ storage: 'postgres', postgres: { poolSize: 2, statementTimeoutMs: 300 } });
    const db = world.container.get<PostgresDatabase>(CORE.Postgres);
    let done = false;
    const busy = Promise.all(Array.from({ length: 6 }, () => db.query('SELECT pg_sleep(0.15)'))).finally(() => (done = true));
    // Watched from outside the pool, while the six statements queue for its connections.
    let most = 0;
    await withClient(world.databasePath, async (client) => {
      while (!done) {
        const { rows } = await client.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tessera' AND datname = current_database()");
        most = Math.max(most, rows[0]!.n);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
    await busy;
    expect(most).toBe(2);
    await expect(db.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014', message: expect.stringMatching(/statement timeout/) });
  });

  it('survives a connection lost in the middle of a transaction: the transaction fails, the process and the pool go on', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    const db = world.container.get<PostgresDatabase>(CORE.Postgres);
    const kill = (pid: number) => withClient(world.databasePath, (client) => client.query('SELECT pg_terminate_backend($1)', [pid]));
    // Lost between two statements (the connection is idle in the transaction), and lost during one.
    const between = db.transaction(async (tx) => {
      const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      await kill(pid);
      await waitFor(async () => (await withClient(world.databasePath, (client) => client.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]))).rowCount === 0, 5_000);
      // Let the client see its socket close before it is used again.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tx.query('SELECT 1');
    });
    await expect(between).rejects.toThrow();
    const during = db.transaction(async (tx) => {
      const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      const sleeping = tx.query('SELECT pg_sleep(5)');
      // Awaited below, once the connection is cut: not an unhandled rejection meanwhile.
      sleeping.catch(() => undefined);
      await waitFor(async () => (await withClient(world.databasePath, (client) => client.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'", [pid]))).rowCount === 1, 5_000);
      await kill(pid);
      await sleeping;
    });
    await expect(during).rejects.toThrow();
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(await db.transaction((tx) => tx.query('SELECT 2 AS two'))).toEqual([{ two: 2 }]);
  });

  it('listens again after its listening connection is lost and the database refuses connections for a while', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    const db = world.container.get<PostgresDatabase>(CORE.Postgres);
    const heard: string[] = [];
    db.listen('tessera_test_relisten', (payload) => heard.push(payload));
    const name = new URL(world.databasePath).pathname.slice(1);
    const admin = new URL(world.databasePath);
    admin.pathname = '/postgres';
    await withClient(world.databasePath, async (client) => {
      await waitFor(async () => {
        await client.query("SELECT pg_notify('tessera_test_relisten', 'first')");
        return heard.includes('first');
      }, 5_000);
      // No new connection to the database for a while (this one stays open), then the listening one is cut.
      await withClient(admin.toString(), (other) => other.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`));
      try {
        await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tessera-listen'");
        await waitFor(() => world.logs.filter((line) => String(line.message).startsWith('cannot LISTEN')).length >= 2, 10_000);
      } finally {
        await withClient(admin.toString(), (other) => other.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`));
      }
      await waitFor(async () => {
        await client.query("SELECT pg_notify('tessera_test_relisten', 'again')");
        return heard.includes('again');
      }, 20_000);
    });
  });

  it('leaves no listening connection behind when closed while that connection is still being opened', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    const db = world.container.get<PostgresDatabase>(CORE.Postgres);
    // A command that starts listening and is done at once (a CLI `secrets list`) closes during the connect.
    db.listen('tessera_test_channel', () => undefined);
    await db.close();
    const listening = () =>
      withClient(world.databasePath, async (client) => (await client.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tessera-listen' AND datname = current_database()")).rows[0]!.n);
    // close() waited for the connection being opened, which ended itself (its server process goes a
    // moment after the socket closes, so pg_stat_activity is asked until it is gone; a leaked one stays).
    await waitFor(async () => (await listening()) === 0, 10_000);
  });

  it('names an unreachable database with its password masked, in the error and in every log line', async () => {
    const url = new URL(await createTestDatabase());
    const password = `wrong-${generateMasterKey().slice(0, 12)}`;
    url.password = password;
    const lines: Array<Record<string, unknown>> = [];
    const container = new Container();
    container.load(coreModule({ database: url.toString(), masterKey: generateMasterKey(), logging: { level: 'debug', transports: [captureTransport((line) => lines.push(line))] } }));
    onTestFinished(() => container.unbindAllAsync());
    const error = await container.get<SecretStore>(CORE.SecretStore).list().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'database-unavailable', message: expect.stringMatching(/Cannot use the PostgreSQL database postgres:\/\/tessera:%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2@127\.0\.0\.1:\d+\/tessera_t_\w+: password authentication failed/) });
    const logger = container.get<Logger>(CORE.Logger);
    logger.error('startup failed', { error: (error as Error).message, url: url.toString() });
    const text = JSON.stringify(lines) + (error as Error).message + String((error as Error).stack);
    expect(text).not.toContain(password);
    expect(lines.at(-1)).toMatchObject({ message: 'startup failed' });
  });
});

describe('migrations', () => {
  it('ten instances starting at once on an empty database migrate it once', async () => {
    const url = await createTestDatabase();
    const masterKey = generateMasterKey();
    const instances = await Promise.all(Array.from({ length: 10 }, () => startInstanceProcess('core-instance.mjs', { DATABASE_URL: url, MASTER_KEY: masterKey })));
    const answers = await Promise.all(instances.map((instance) => instance.send<{ names: string[]; webhooks: string[]; migrations: string[] }>('list')));
    expect(answers.map((answer) => [answer.names, answer.webhooks])).toEqual(Array(10).fill([[], []]));
    // Every migration of every package applied by exactly one of the ten.
    const applied = answers.flatMap((answer) => answer.migrations).sort();
    expect(applied).toEqual(['core-pg-001-secrets', 'core-pg-002-token-cache', 'core-pg-003-secret-name-order', 'webhooks-pg-001-endpoints-events-deliveries', 'webhooks-pg-002-claim-function', 'webhooks-pg-003-outcome-functions', 'webhooks-pg-004-due-queue', 'webhooks-pg-005-retention', 'webhooks-pg-006-endpoint-secret-guard']);
    const recorded = await withClient(url, async (client) => (await client.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')).rows.map((r) => r.id));
    expect(recorded.filter((id) => id.includes('-pg-'))).toEqual(applied);
    expect(await Promise.all(instances.map((instance) => instance.end()))).toEqual(Array(10).fill(0));
  }, 120_000);
});
