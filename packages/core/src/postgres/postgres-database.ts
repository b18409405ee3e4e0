/**
 * The PostgreSQL database every Tessera store of one process shares: a node-postgres pool (size and
 * statement timeout from the options), transactions, schema migrations applied once under a lock, and
 * LISTEN/NOTIFY; errors reaching the database name it with its password masked, and a write refused
 * for lack of space is a `StorageFullError` (told to `StorageHealth`).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type pg from 'pg';
import type { Logger } from 'winston';
import { DatabaseUnavailableError } from '../errors/database-unavailable-error.js';
import { StorageFullError } from '../errors/storage-full-error.js';
import type { Redactor } from '../logging/redactor.js';
import { isStorageFull } from '../store/is-storage-full.js';
import type { StorageHealth } from '../store/storage-health.js';
import { databasePassword, displayDatabase } from './database-url.js';
import type { ResolvedPostgresOptions } from './postgres-options.js';

/** node-postgres, loaded when a PostgreSQL database is first opened: a command on SQLite never pays for it. */
const requireHere = createRequire(import.meta.url);
let loadedPg: typeof pg | undefined;
const pgRuntime = (): typeof pg => (loadedPg ??= requireHere('pg') as typeof pg);

/** What a store runs its statements on: the pool, or the one connection of a transaction. */
export interface PostgresQueryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

export interface PostgresMigration {
  /** Unique across all packages sharing the database, e.g. `core-pg-001-secrets`. */
  readonly id: string;
  readonly sql: string;
}

/** One advisory lock for every package's migrations: instances starting together migrate one after another, so once. */
const MIGRATION_LOCK = 0x7e55e4a;
const INT8_OID = 20;
/** After the listening connection is lost (or cannot be opened), the first try to listen again; each failed one doubles the wait, up to the last. */
const RELISTEN_FIRST_MS = 500;
const RELISTEN_MAX_MS = 30_000;
/** The listening connection is checked once every this many poll intervals (5 s by default). */
const LISTEN_CHECK_POLLS = 5;
/** SQLSTATE classes that mean the database itself is unreachable or refuses us, not that a statement was wrong. */
const UNAVAILABLE_STATES = /^(08|28|3D|53|57P)/;
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

type Listener = (payload: string) => void;

export class PostgresDatabase implements PostgresQueryable {
  readonly display: string;
  /** Names this process in the NOTIFYs it sends, so it can tell its own from other instances'. */
  readonly origin = randomBytes(6).toString('hex');
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #schemas = new Map<string, Promise<string[]>>();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #gapListeners = new Set<() => void>();
  #listenClient: pg.Client | undefined;
  #listenConnecting: Promise<void> | undefined;
  /** The last LISTEN sent on the listening connection. */
  #listening: Promise<unknown> = Promise.resolve();
  #closed = false;
  #relistenTimer: NodeJS.Timeout | undefined;
  #listenCheck: NodeJS.Timeout | undefined;
  #relistenDelayMs = RELISTEN_FIRST_MS;

  constructor(
    url: string,
    readonly options: ResolvedPostgresOptions,
    private readonly logger: Logger,
    redactor: Redactor,
    /** Told of every write refused for lack of space (53100 `disk_full`), which becomes its `StorageFullError`. */
    private readonly storage?: StorageHealth,
  ) {
    this.#url = url;
    this.display = displayDatabase(url);
    const password = databasePassword(url);
    if (password !== undefined) redactor.register(password);
    this.#pool = new (pgRuntime().Pool)({
      connectionString: url,
      max: options.poolSize,
      statement_timeout: options.statementTimeoutMs,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'tessera',
      // Millisecond times and counters are BIGINT: read them as numbers (every value Tessera stores is below 2^53).
      types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pgRuntime().types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
    });
    // An idle connection the server dropped: the pool replaces it; without a listener this would crash the process.
    this.#pool.on('error', (error) => this.logger.warn('a PostgreSQL connection was lost; the pool opens another', { database: this.display, error: error.message }));
  }

  /** True once `close()` was called: nothing can be written any more. */
  get closed(): boolean {
    return this.#closed;
  }

  async query<R extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]> {
    try {
      const result = await this.#pool.query<R>(text, values as unknown[] | undefined);
      return result.rows;
    } catch (error) {
      throw this.#unavailable(error);
    }
  }

  /** Runs `work` in one transaction on one connection; rolled back if it throws. */
  async transaction<T>(work: (tx: PostgresQueryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw this.#unavailable(error);
    }
    const tx: PostgresQueryable = {
      query: async <R extends object>(text: string, values?: readonly unknown[]) => (await client.query<R>(text, values as unknown[] | undefined)).rows,
    };
    let broken: unknown;
    // A connection lost while it is checked out is told as an 'error' event too (besides the failed query):
    // pg-pool listens only to idle ones, and an 'error' nobody listens to ends the process.
    const lost = (error: Error) => {
      broken = error;
    };
    client.on('error', lost);
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError;
      });
      throw this.#unavailable(error);
    } finally {
      client.off('error', lost);
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /**
   * Brings one package's schema up to date, once per process (later calls share the first's promise);
   * resolves with the ids applied now. Every package's migrations run under one advisory lock in one
   * transaction, so instances starting together on an empty database migrate it exactly once.
   */
  ensureSchema(name: string, migrations: readonly PostgresMigration[]): Promise<string[]> {
    let ready = this.#schemas.get(name);
    if (ready === undefined) {
      ready = this.#migrate(migrations).then((applied) => {
        if (applied.length > 0) this.logger.info('applied database migrations', { database: this.display, migrations: applied });
        return applied;
      });
      // A failure (database down at start) is not remembered: the next use tries again.
      ready.catch(() => this.#schemas.delete(name));
      this.#schemas.set(name, ready);
    }
    return ready;
  }

  async #migrate(migrations: readonly PostgresMigration[]): Promise<string[]> {
    return this.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
      const done = new Set((await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id));
      const applied: string[] = [];
      for (const migration of migrations) {
        if (done.has(migration.id)) continue;
        await tx.query(migration.sql);
        await tx.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [migration.id, new Date().toISOString()]);
        applied.push(migration.id);
      }
      return applied;
    });
  }

  /** Sends a NOTIFY (delivered when the surrounding transaction commits, if `on` is one); a no-op with `notify: false`. */
  async notify(channel: string, payload: string, on: PostgresQueryable = this): Promise<void> {
    const to = this.notifyChannel(channel);
    if (to !== null) await on.query('SELECT pg_notify($1, $2)', [to, payload]);
  }

  /** For a statement that sends its own `pg_notify`: the channel, or null with `notify: false` (instances poll). */
  notifyChannel(channel: string): string | null {
    return this.options.notify ? channel : null;
  }

  /**
   * Calls `listener` for every NOTIFY on `channel` (none with `notify: false`: callers poll as well).
   * One dedicated connection listens for the whole process and reconnects when it is lost. Returns an unsubscribe function.
   */
  listen(channel: string, listener: Listener): () => void {
    let set = this.#listeners.get(channel);
    const fresh = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(channel, set);
    }
    set.add(listener);
    if (this.options.notify && fresh) void this.#listenOn(channel);
    return () => {
      set.delete(listener);
    };
  }

  /**
   * Calls `listener` each time the listening connection is back after a loss and listens again on every
   * channel: NOTIFYs sent while it was down never arrive, so whatever relied on them must look again.
   */
  onListenGap(listener: () => void): () => void {
    this.#gapListeners.add(listener);
    return () => {
      this.#gapListeners.delete(listener);
    };
  }

  /** Resolves true once LISTEN on `channel` is in place; false when it failed (another attempt is scheduled). */
  async #listenOn(channel: string): Promise<boolean> {
    try {
      const client = await this.#listenConnection();
      // One statement at a time on the listening connection (node-postgres queues them, but deprecates that).
      const listening = this.#listening.then(() => client.query(`LISTEN ${pgRuntime().escapeIdentifier(channel)}`));
      this.#listening = listening.catch(() => undefined);
      await listening;
      this.#relistenDelayMs = RELISTEN_FIRST_MS;
      return true;
    } catch (error) {
      if (this.#closed) return false;
      this.logger.warn('cannot LISTEN for changes; trying again shortly, polling meanwhile', { database: this.display, error: (error as Error).message, retryInMs: this.#relistenDelayMs });
      this.#relistenSoon();
      return false;
    }
  }

  /** One pending attempt to listen again, each later one waiting twice as long (up to RELISTEN_MAX_MS) until one succeeds. */
  #relistenSoon(): void {
    if (this.#closed || this.#relistenTimer !== undefined) return;
    const delay = this.#relistenDelayMs;
    this.#relistenDelayMs = Math.min(delay * 2, RELISTEN_MAX_MS);
    this.#relistenTimer = setTimeout(() => {
      this.#relistenTimer = undefined;
      this.#relisten();
    }, delay);
    this.#relistenTimer.unref();
  }

  #listenConnection(): Promise<pg.Client> {
    if (this.#listenClient !== undefined) return Promise.resolve(this.#listenClient);
    this.#listenConnecting ??= (async () => {
      const client = new (pgRuntime().Client)({ connectionString: this.#url, connectionTimeoutMillis: this.options.connectTimeoutMs, application_name: 'tessera-listen' });
      client.on('notification', (message) => {
        for (const listener of this.#listeners.get(message.channel) ?? []) listener(message.payload ?? '');
      });
      client.on('error', (error) => this.#lostListening(client, error));
      try {
        await client.connect();
      } catch (error) {
        throw this.#unavailable(error);
      }
      // Closed while connecting: this connection must not outlive the database (it would keep the process alive).
      if (this.#closed) {
        await client.end().catch(() => undefined);
        throw new Error('the database was closed while its listening connection was being opened');
      }
      this.#listenClient = client;
      this.#listening = Promise.resolve();
      this.#checkListeningEvery(client);
    })().finally(() => {
      this.#listenConnecting = undefined;
    });
    return this.#listenConnecting.then(() => this.#listenClient as pg.Client);
  }

  /** Lost (an error, or no answer to a check): listen again on a new connection shortly; callers poll meanwhile where they can. */
  #lostListening(client: pg.Client, error: unknown): void {
    if (this.#listenClient !== client) return;
    this.#listenClient = undefined;
    clearInterval(this.#listenCheck);
    this.logger.warn('lost the listening connection; opening another', { database: this.display, error: (error as Error).message });
    void endListening(client, 0);
    this.#relistenSoon();
  }

  /**
   * A connection cut without a word (a network partition, a server gone) raises no error on a socket
   * that only receives: the listening one is asked `SELECT 1` every LISTEN_CHECK_POLLS poll intervals, and
   * taken as lost when no answer comes within the connect timeout.
   */
  #checkListeningEvery(client: pg.Client): void {
    clearInterval(this.#listenCheck);
    let checking = false;
    this.#listenCheck = setInterval(() => {
      if (checking || this.#listenClient !== client) return;
      checking = true;
      let timer: NodeJS.Timeout | undefined;
      const silence = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to a check within ${this.options.connectTimeoutMs} ms`)), this.options.connectTimeoutMs);
        timer.unref();
      });
      const check = this.#listening.then(() => client.query('SELECT 1'));
      this.#listening = check.catch(() => undefined);
      Promise.race([check, silence])
        .catch((error: unknown) => this.#lostListening(client, error))
        .finally(() => {
          clearTimeout(timer);
          checking = false;
        });
    }, this.options.pollIntervalMs * LISTEN_CHECK_POLLS);
    this.#listenCheck.unref();
  }

  #relisten(): void {
    if (this.#closed) return;
    void Promise.all([...this.#listeners.keys()].map((channel) => this.#listenOn(channel))).then((listening) => {
      // A channel that failed scheduled the next attempt, which tells of the gap once every channel is back.
      if (this.#closed || !listening.every(Boolean)) return;
      this.logger.info('listening for changes again; what changed meanwhile is read afresh', { database: this.display });
      for (const listener of this.#gapListeners) {
        try {
          listener();
        } catch (error) {
          this.logger.error('a listener of the listening gap failed', { database: this.display, error: (error as Error).message });
        }
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#relistenTimer);
    clearInterval(this.#listenCheck);
    const listening = this.#listenClient;
    this.#listenClient = undefined;
    // A listening connection still being opened ends itself once it sees the database closed: wait for that too.
    await Promise.all([this.#pool.end(), listening && endListening(listening), this.#listenConnecting?.catch(() => undefined)]);
  }

  /**
   * A write refused for lack of space becomes a `StorageFullError` (before the class-53 check below, which
   * would call it unreachable); a failure to reach the database a `DatabaseUnavailableError` naming it
   * (password masked); others pass through.
   */
  #unavailable(error: unknown): unknown {
    if (!(error instanceof Error) || error instanceof DatabaseUnavailableError) return error;
    if (isStorageFull(error)) return this.storage?.failed(error) ?? new StorageFullError(this.display, { cause: error });
    const code = (error as { code?: unknown }).code;
    const unreachable =
      (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_ERRNOS.has(code))) ||
      /timeout exceeded when trying to connect|Connection terminated|connect ETIMEDOUT/i.test(error.message);
    if (!unreachable) return error;
    const why = error.message.split(this.#url).join(this.display);
    return new DatabaseUnavailableError(
      'database-unavailable',
      `Cannot use the PostgreSQL database ${this.display}: ${why}. Check that the server is running and that the URL, user and password are right.`,
      { cause: error },
    );
  }
}

/**
 * Ends a listening connection: politely, and if that has not finished within `graceMs` (a connection that
 * stopped answering may never finish: a cut network waits for TCP to give up), by destroying its socket.
 */
function endListening(client: pg.Client, graceMs = 1_000): Promise<void> {
  const destroy = () => (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
  const timer = setTimeout(destroy, graceMs);
  timer.unref();
  return client
    .end()
    .catch(() => undefined)
    .finally(() => clearTimeout(timer));
}
