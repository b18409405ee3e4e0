/** Secret rows in the SQLite `secrets` table. */
import { inject, injectable } from 'inversify';
import { nameKey } from '../input/name-key.js';
import { BatchedReads } from './batched-reads.js';
import { writeUniqueName } from './name-key-column.js';
import { CORE } from '../tokens.js';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './open-database.js';
import { nameTaken, type SealedValue, type SecretRecord, type SecretRecordFilter, type SecretRecords } from './secret-records.js';
import { secretInUseRefusal } from './secret-in-use-refusal.js';

/** Every column but the name key, which is the storage's own business. */
const COLUMNS = 'id, name, kind, description, origin, owner, params, sealed, revision, created_at, updated_at';

interface SecretRow {
  id: string;
  name: string;
  kind: string;
  description: string;
  origin: 'manual' | 'connector';
  owner: string | null;
  params: string;
  sealed: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
}

@injectable()
export class SqliteSecretRecords implements SecretRecords {
  /** Statements prepared once, on first use: preparing one costs more than running it (a token request reads its secret each time). */
  readonly #statements = new Map<string, Database.Statement>();

  /** Reads by id of one turn of the event loop, in one statement. */
  readonly #byId = new BatchedReads<SecretRow>((ids) => {
    const rows = (
      ids.length === 1
        ? [this.#prepare(`SELECT ${COLUMNS} FROM secrets WHERE id = ?`).get(ids[0])].filter((row) => row !== undefined)
        : this.#prepare(`SELECT ${COLUMNS} FROM secrets WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids))
    ) as SecretRow[];
    return new Map(rows.map((row) => [row.id, row]));
  });

  constructor(@inject(CORE.Database) private readonly db: SqliteDatabase) {}

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async insert(record: SecretRecord): Promise<void> {
    writeUniqueName(this.db, 'secrets', record, true, nameTaken, () =>
      this.#prepare(
        `INSERT INTO secrets (id, name, name_key, kind, description, origin, owner, params, sealed, revision, created_at, updated_at)
         VALUES (@id, @name, @name_key, @kind, @description, @origin, @owner, @params, @sealed, @revision, @created_at, @updated_at)`,
      ).run({ ...toRow(record), name_key: nameKey(record.name) }),
    );
  }

  async find(id: string): Promise<SecretRecord | undefined> {
    // A record of its own for each caller, even when several asked for the same id.
    const row = await this.#byId.get(id);
    return row && fromRow(row);
  }

  async list(filter: SecretRecordFilter): Promise<SecretRecord[]> {
    // `name > @after` on its own, not `(@after IS NULL OR …)`: only so does the name's index start at the page.
    const rows = this.#prepare(
      `SELECT ${COLUMNS} FROM secrets WHERE (@owner IS NULL OR owner = @owner) AND (@origin IS NULL OR origin = @origin)
       AND (@kind IS NULL OR kind = @kind) ${filter.after === undefined ? '' : 'AND name > @after'} ORDER BY name LIMIT @limit`,
    ).all({ owner: filter.owner ?? null, origin: filter.origin ?? null, kind: filter.kind ?? null, limit: filter.limit ?? -1, ...(filter.after === undefined ? {} : { after: filter.after }) }) as SecretRow[];
    return rows.map(fromRow);
  }

  async replace(record: SecretRecord, expectedRevision: number): Promise<boolean> {
    const renaming = this.#prepare('SELECT name FROM secrets WHERE id = ?').pluck().get(record.id) !== record.name;
    const result = writeUniqueName(this.db, 'secrets', record, renaming, nameTaken, () =>
      this.#prepare(
        // The key follows a new name only: a row that clashed before names were case-insensitive keeps its own until renamed.
        `UPDATE secrets SET name = @name, name_key = CASE WHEN name = @name THEN name_key ELSE @name_key END, description = @description,
         params = @params, sealed = @sealed, revision = @revision, updated_at = @updated_at WHERE id = @id AND revision = @expected`,
      ).run({ ...toRow(record), name_key: nameKey(record.name), expected: expectedRevision }),
    );
    return result.changes === 1;
  }

  async remove(id: string, expectedRevision?: number): Promise<boolean> {
    try {
      return this.#prepare('DELETE FROM secrets WHERE id = @id AND (@expected IS NULL OR revision = @expected)').run({ id, expected: expectedRevision ?? null }).changes === 1;
    } catch (error) {
      throw secretInUseRefusal(error);
    }
  }

  async sealedValues(page: { after?: string; limit?: number } = {}): Promise<SealedValue[]> {
    // In rowid order, the table's own: ids are random, so id order would rewrite one page per row (the
    // time per secret of a rotation grew by half from 1,000 secrets to 100,000).
    const after = page.after === undefined ? '' : 'AND rowid > @after';
    const rows = this.#prepare(`SELECT rowid AS cursor, id, sealed FROM secrets WHERE sealed IS NOT NULL ${after} ORDER BY rowid LIMIT @limit`).all({
      limit: page.limit ?? -1,
      ...(page.after === undefined ? {} : { after: rowidCursor(page.after) }),
    }) as Array<{ cursor: number; id: string; sealed: string }>;
    return rows.map((row) => ({ id: row.id, sealed: row.sealed, cursor: String(row.cursor) }));
  }

  async once(task: string, work: () => Promise<boolean>): Promise<void> {
    // Beside the schema migrations: a data migration is one too, just one that needs the key ring.
    if (this.#prepare('SELECT 1 FROM schema_migrations WHERE id = ?').get(task) !== undefined) return;
    if (await work()) this.#prepare('INSERT OR IGNORE INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(task, new Date().toISOString());
  }

  async reseal(changes: Array<{ id: string; from: string; to: string }>): Promise<void> {
    const write = this.#prepare('UPDATE secrets SET sealed = @to WHERE id = @id AND sealed = @from');
    this.db.transaction(() => {
      for (const change of changes) write.run(change);
    }).immediate();
  }
}

/** A cursor this class gave out, back to its rowid; anything else is a programming error. */
function rowidCursor(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor)) throw new TypeError(`Not a cursor from sealedValues: '${cursor}'`);
  return Number(cursor);
}

function toRow(record: SecretRecord): SecretRow {
  const { createdAt, updatedAt, ...rest } = record;
  return { ...rest, created_at: createdAt, updated_at: updatedAt };
}

/** Field by field: a rest-and-spread copy cost 7 % of reading a secret (a cold token request reads one). */
function fromRow(row: SecretRow): SecretRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    description: row.description,
    origin: row.origin,
    owner: row.owner,
    params: row.params,
    sealed: row.sealed,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
