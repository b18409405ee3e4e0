/** Secret rows in the PostgreSQL `secrets` table; every write announces the secret's id on `tessera_secrets` so other instances drop what they cached. */
import { ConflictError } from '../errors/conflict-error.js';
import { nameKey } from '../input/name-key.js';
import type { PostgresDatabase, PostgresQueryable } from '../postgres/postgres-database.js';
import { BatchedReads } from './batched-reads.js';
import { corePostgresMigrations } from './core-postgres-migrations.js';
import { nameTaken, type SealedValue, type SecretRecord, type SecretRecordFilter, type SecretRecords } from './secret-records.js';
import { secretInUseRefusal } from './secret-in-use-refusal.js';

/** The channel on which every secret write is announced (payload: `<origin> <secret id>`). */
export const SECRET_CHANNEL = 'tessera_secrets';

const COLUMNS = 'id, name, kind, description, origin, owner, params, sealed, revision, created_at AS "createdAt", updated_at AS "updatedAt"';
const UNIQUE_VIOLATION = '23505';

export class PostgresSecretRecords implements SecretRecords {
  /** Reads by id of one turn of the event loop, in one round trip. */
  readonly #byId = new BatchedReads<SecretRecord>(async (ids) => {
    const db = await this.#ready();
    const rows = await db.query<SecretRecord>(`SELECT ${COLUMNS} FROM secrets WHERE id = ANY($1::text[])`, [ids]);
    return new Map(rows.map((row) => [row.id, row]));
  });

  constructor(private readonly db: PostgresDatabase) {}

  /** The schema, brought up to date on first use (once per process, under the migration lock). */
  async #ready(): Promise<PostgresDatabase> {
    await this.db.ensureSchema('core', corePostgresMigrations);
    return this.db;
  }

  async insert(record: SecretRecord): Promise<void> {
    const db = await this.#ready();
    await this.#uniqueName(record, () =>
      db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO secrets (id, name, name_key, kind, description, origin, owner, params, sealed, revision, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [record.id, record.name, nameKey(record.name), record.kind, record.description, record.origin, record.owner, record.params, record.sealed, record.revision, record.createdAt, record.updatedAt],
        );
        await db.notify(SECRET_CHANNEL, `${db.origin} ${record.id}`, tx);
      }),
    );
  }

  async find(id: string): Promise<SecretRecord | undefined> {
    const row = await this.#byId.get(id);
    // A record of its own for each caller, even when several asked for the same id.
    return row && { ...row };
  }

  async list(filter: SecretRecordFilter): Promise<SecretRecord[]> {
    const db = await this.#ready();
    // COLLATE "C": ordered by code point, as SQLite orders, whatever collation the database was created with,
    // and by the index of that order (`name > $5` on its own, so the index starts at the page).
    const after = filter.after === undefined ? '' : 'AND name COLLATE "C" > $5';
    return db.query<SecretRecord>(
      `SELECT ${COLUMNS} FROM secrets WHERE ($1::text IS NULL OR owner = $1) AND ($2::text IS NULL OR origin = $2) AND ($3::text IS NULL OR kind = $3)
       ${after} ORDER BY name COLLATE "C" LIMIT $4`,
      [filter.owner ?? null, filter.origin ?? null, filter.kind ?? null, filter.limit ?? null, ...(filter.after === undefined ? [] : [filter.after])],
    );
  }

  async replace(record: SecretRecord, expectedRevision: number, paramsChanged = false): Promise<boolean> {
    const db = await this.#ready();
    return this.#uniqueName(record, () =>
      db.transaction(async (tx) => {
        const rows = await tx.query(
          `UPDATE secrets SET name = $2, name_key = $3, description = $4, params = $5, sealed = $6, revision = $7, updated_at = $8
           WHERE id = $1 AND revision = $9 RETURNING id`,
          [record.id, record.name, nameKey(record.name), record.description, record.params, record.sealed, record.revision, record.updatedAt, expectedRevision],
        );
        if (rows.length === 1 && paramsChanged) await dropSharedToken(tx, record.id);
        if (rows.length === 1) await db.notify(SECRET_CHANNEL, `${db.origin} ${record.id}`, tx);
        return rows.length === 1;
      }),
    );
  }

  async remove(id: string, expectedRevision?: number): Promise<boolean> {
    const db = await this.#ready();
    return db
      .transaction(async (tx) => {
        const rows = await tx.query('DELETE FROM secrets WHERE id = $1 AND ($2::int IS NULL OR revision = $2::int) RETURNING id', [id, expectedRevision ?? null]);
        if (rows.length === 1) await dropSharedToken(tx, id);
        if (rows.length === 1) await db.notify(SECRET_CHANNEL, `${db.origin} ${id}`, tx);
        return rows.length === 1;
      })
      .catch((error: unknown) => {
        throw secretInUseRefusal(error);
      });
  }

  async sealedValues(page: { after?: string; limit?: number } = {}): Promise<SealedValue[]> {
    const db = await this.#ready();
    // In id order: an update writes a new row version wherever there is room, so the heap has no order worth following.
    const after = page.after === undefined ? '' : 'AND id > $2';
    return db.query<SealedValue>(`SELECT id, sealed, id AS cursor FROM secrets WHERE sealed IS NOT NULL ${after} ORDER BY id LIMIT $1`, [
      page.limit ?? null,
      ...(page.after === undefined ? [] : [page.after]),
    ]);
  }

  async reseal(changes: Array<{ id: string; from: string; to: string }>): Promise<void> {
    const db = await this.#ready();
    // One statement for the page, each row still only if its envelope is unchanged.
    await db.query(
      'UPDATE secrets AS s SET sealed = c.to_sealed FROM unnest($1::text[], $2::text[], $3::text[]) AS c (id, from_sealed, to_sealed) WHERE s.id = c.id AND s.sealed = c.from_sealed',
      [changes.map((c) => c.id), changes.map((c) => c.from), changes.map((c) => c.to)],
    );
  }

  async once(task: string, work: () => Promise<boolean>): Promise<void> {
    const db = await this.#ready();
    if ((await db.query('SELECT 1 FROM schema_migrations WHERE id = $1', [task])).length > 0) return;
    if (await work()) await db.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [task, new Date().toISOString()]);
  }

  /**
   * Calls `listener` with the id of every secret another process writes: heard through NOTIFY, or, with
   * `notify: false`, found by comparing every secret's revision once per poll interval.
   */
  watch(listener: (id: string) => void): () => void {
    if (this.db.options.notify) {
      return this.db.listen(SECRET_CHANNEL, (payload) => {
        const [origin, id] = payload.split(' ');
        if (origin !== this.db.origin && id !== undefined) listener(id);
      });
    }
    let known: Map<string, number> | undefined;
    const look = () => {
      if (this.db.closed) return clearInterval(timer);
      this.#revisions().then(
        (now) => {
          // The first look only learns what is there; from then on, what moved or went is a change.
          if (known !== undefined) {
            for (const [id, revision] of now) if (known.get(id) !== revision) listener(id);
            for (const id of known.keys()) if (!now.has(id)) listener(id);
          }
          known = now;
        },
        () => undefined,
      );
    };
    const timer = setInterval(look, this.db.options.pollIntervalMs);
    timer.unref();
    // The first look at once: a change made right after this instance started is seen as one.
    look();
    return () => clearInterval(timer);
  }

  async #revisions(): Promise<Map<string, number>> {
    const db = await this.#ready();
    return new Map((await db.query<{ id: string; revision: number }>('SELECT id, revision FROM secrets')).map((row) => [row.id, row.revision]));
  }

  /** A unique-index violation on the name key becomes `secret-name-taken`, naming the secret that has it. */
  async #uniqueName<T>(record: SecretRecord, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION || (error as { constraint?: unknown }).constraint !== 'secrets_name_key') throw error;
      const [existing] = await this.db.query<{ name: string }>('SELECT name FROM secrets WHERE name_key = $1', [nameKey(record.name)]);
      const taken = nameTaken(record.name, existing?.name);
      throw new ConflictError(taken.code, taken.message);
    }
  }
}

/**
 * In the transaction that changes a secret's params or deletes it: the fleet's token goes with them,
 * and the fence moves, so a request made with the old params cannot store its answer.
 */
async function dropSharedToken(tx: PostgresQueryable, secretId: string): Promise<void> {
  await tx.query(
    'UPDATE token_cache SET sealed = NULL, token_hash = NULL, failure = NULL, failure_until = NULL, lease_owner = NULL, lease_until = NULL, fence = fence + 1 WHERE secret_id = $1',
    [secretId],
  );
}
