/** Endpoint rows in the `webhook_endpoints` table of the shared SQLite database. */
import { inject, injectable } from 'inversify';
import { nameKey, writeUniqueName, type SqliteDatabase } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';
import { nameTaken, type EndpointRecords, type EndpointRow } from './endpoint-records.js';
import { missingSecretRefusal } from './missing-secret-refusal.js';

const COLUMNS = [
  'id', 'name', 'url', 'secret_id', 'events', 'enabled', 'disabled_reason', 'timeout_ms', 'retry_schedule', 'headers', 'sealed_headers', 'signing_secret',
  'previous_signing_secret', 'previous_signing_expires_at', 'failing_since', 'last_failed_at', 'revision', 'created_at', 'updated_at', 'retention',
] as const;
/** The failing period is only ever changed by `markFailing`, so a save that read the row earlier cannot undo it. */
const NOT_REPLACED = new Set<string>(['id', 'failing_since', 'last_failed_at']);
const SELECTED = COLUMNS.join(', ');

@injectable()
export class SqliteEndpointRecords implements EndpointRecords {
  readonly inDatabase = true;
  readonly #insert;
  readonly #find;
  readonly #all;
  readonly #enabled;
  readonly #replace;
  readonly #remove;
  readonly #fail;
  readonly #recover;
  readonly #usingSecret;
  readonly #byName;
  readonly #version;
  readonly #nameOf;

  constructor(@inject(WEBHOOKS.Database) private readonly db: SqliteDatabase) {
    this.#insert = db.prepare(`INSERT INTO webhook_endpoints (${SELECTED}, name_key) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')}, @name_key)`);
    this.#find = db.prepare(`SELECT ${SELECTED} FROM webhook_endpoints WHERE id = ?`);
    this.#all = db.prepare(`SELECT ${SELECTED} FROM webhook_endpoints ORDER BY created_at, id`);
    this.#enabled = db.prepare('SELECT id, events FROM webhook_endpoints WHERE enabled = 1');
    // The name key follows a new name only: a row that clashed before names were case-insensitive keeps its own until renamed.
    this.#replace = db.prepare(
      `UPDATE webhook_endpoints SET name_key = CASE WHEN name = @name THEN name_key ELSE @name_key END,
         ${COLUMNS.filter((c) => !NOT_REPLACED.has(c)).map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id AND revision = @revision - 1`,
    );
    this.#remove = db.prepare('DELETE FROM webhook_endpoints WHERE id = ?');
    this.#fail = db.prepare(
      `UPDATE webhook_endpoints SET failing_since = CASE WHEN failing_since IS NULL OR last_failed_at < @now - @gap THEN @now ELSE failing_since END,
         last_failed_at = @now WHERE id = @id RETURNING failing_since`,
    );
    this.#recover = db.prepare('UPDATE webhook_endpoints SET failing_since = NULL, last_failed_at = NULL WHERE id = @id RETURNING failing_since');
    this.#usingSecret = db.prepare('SELECT id, name FROM webhook_endpoints WHERE secret_id = ? ORDER BY name');
    // The key itself, or a key of a row that clashed before names were case-insensitive (`<key>\0<id>`).
    this.#byName = db.prepare('SELECT id, name FROM webhook_endpoints WHERE name_key >= @key AND name_key < @key || char(1) ORDER BY name_key LIMIT 1');
    this.#version = db.prepare('SELECT value FROM webhook_endpoint_version WHERE id = 1').pluck();
    this.#nameOf = db.prepare('SELECT name FROM webhook_endpoints WHERE id = ?').pluck();

  }

  async insert(row: EndpointRow): Promise<void> {
    try {
      writeUniqueName(this.db, 'webhook_endpoints', row, true, nameTaken, () => this.#insert.run({ ...row, name_key: nameKey(row.name) }));
    } catch (error) {
      throw missingSecretRefusal(error, row.secret_id);
    }
  }

  async find(id: string): Promise<EndpointRow | undefined> {
    return this.#find.get(id) as EndpointRow | undefined;
  }

  async all(): Promise<EndpointRow[]> {
    return this.#all.all() as EndpointRow[];
  }

  async enabled(): Promise<Array<{ id: string; events: string }>> {
    return this.#enabled.all() as Array<{ id: string; events: string }>;
  }

  async replace(row: EndpointRow): Promise<boolean> {
    const renaming = this.#nameOf.get(row.id) !== row.name;
    try {
      return writeUniqueName(this.db, 'webhook_endpoints', row, renaming, nameTaken, () => this.#replace.run({ ...row, name_key: nameKey(row.name) })).changes > 0;
    } catch (error) {
      throw missingSecretRefusal(error, row.secret_id);
    }
  }

  async remove(id: string): Promise<void> {
    this.#remove.run(id);
  }

  async markFailing(id: string, failing: boolean, now: number, gapMs: number): Promise<number | null | undefined> {
    const row = (failing ? this.#fail.get({ id, now, gap: gapMs }) : this.#recover.get({ id })) as { failing_since: number | null } | undefined;
    return row?.failing_since;
  }

  async usingSecret(secretId: string): Promise<Array<{ id: string; name: string }>> {
    return this.#usingSecret.all(secretId) as Array<{ id: string; name: string }>;
  }

  async byName(name: string): Promise<{ id: string; name: string } | undefined> {
    return this.#byName.get({ key: nameKey(name) }) as { id: string; name: string } | undefined;
  }

  async version(): Promise<number> {
    return this.#version.get() as number;
  }
}
