/**
 * Endpoint rows in the PostgreSQL `webhook_endpoints` table. The change counter (bumped by a trigger
 * on every write) is read again when the trigger's NOTIFY arrives, and at least once per poll interval.
 */
import { ConflictError, nameKey, type PostgresDatabase } from '@tessera/core';
import { ENDPOINT_CHANNEL } from '../store/webhook-postgres-migrations.js';
import { ensureWebhookSchema } from '../store/ensure-webhook-schema.js';
import { nameTaken, type EndpointRecords, type EndpointRow } from './endpoint-records.js';
import { missingSecretRefusal } from './missing-secret-refusal.js';

const COLUMNS = [
  'id', 'name', 'url', 'secret_id', 'events', 'enabled', 'disabled_reason', 'timeout_ms', 'retry_schedule', 'headers', 'sealed_headers', 'signing_secret',
  'previous_signing_secret', 'previous_signing_expires_at', 'failing_since', 'last_failed_at', 'revision', 'created_at', 'updated_at', 'retention',
] as const;
/** The failing period is only ever changed by `markFailing`, so a save that read the row earlier cannot undo it. */
const REPLACED = COLUMNS.filter((c) => c !== 'id' && c !== 'failing_since' && c !== 'last_failed_at');
const SELECTED = COLUMNS.join(', ');
const UNIQUE_VIOLATION = '23505';

export class PostgresEndpointRecords implements EndpointRecords {
  readonly inDatabase = true;
  /** The counter as last read, and when (`performance.now()`); a NOTIFY makes the next `version()` read it again. */
  #version: { value: number; at: number } | undefined;
  #listening = false;

  constructor(private readonly db: PostgresDatabase) {}

  async #ready(): Promise<PostgresDatabase> {
    await ensureWebhookSchema(this.db);
    if (!this.#listening) {
      this.#listening = true;
      this.db.listen(ENDPOINT_CHANNEL, () => {
        this.#version = undefined;
      });
    }
    return this.db;
  }

  async insert(row: EndpointRow): Promise<void> {
    const db = await this.#ready();
    await this.#uniqueName(row, () =>
      db.query(`INSERT INTO webhook_endpoints (${SELECTED}, name_key) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}, $${COLUMNS.length + 1})`, [
        ...COLUMNS.map((c) => row[c]),
        nameKey(row.name),
      ]),
    );
    this.#version = undefined;
  }

  async find(id: string): Promise<EndpointRow | undefined> {
    const db = await this.#ready();
    const [row] = await db.query<EndpointRow>(`SELECT ${SELECTED} FROM webhook_endpoints WHERE id = $1`, [id]);
    return row;
  }

  async all(): Promise<EndpointRow[]> {
    const db = await this.#ready();
    return db.query<EndpointRow>(`SELECT ${SELECTED} FROM webhook_endpoints ORDER BY created_at, id`);
  }

  async enabled(): Promise<Array<{ id: string; events: string }>> {
    const db = await this.#ready();
    return db.query<{ id: string; events: string }>('SELECT id, events FROM webhook_endpoints WHERE enabled = 1');
  }

  async replace(row: EndpointRow): Promise<boolean> {
    const db = await this.#ready();
    const rows = await this.#uniqueName(row, () =>
      db.query(
        `UPDATE webhook_endpoints SET name_key = $${REPLACED.length + 2}, ${REPLACED.map((c, i) => `${c} = $${i + 2}`).join(', ')}
         WHERE id = $1 AND revision = $${REPLACED.length + 3}`.replace(/\s+/g, ' ') + ' RETURNING id',
        [row.id, ...REPLACED.map((c) => row[c]), nameKey(row.name), row.revision - 1],
      ),
    );
    this.#version = undefined;
    return rows.length > 0;
  }

  async remove(id: string): Promise<void> {
    const db = await this.#ready();
    await db.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
    this.#version = undefined;
  }

  async markFailing(id: string, failing: boolean, now: number, gapMs: number): Promise<number | null | undefined> {
    const db = await this.#ready();
    const rows = failing
      ? await db.query<{ failing_since: number | null }>(
          `UPDATE webhook_endpoints SET failing_since = CASE WHEN failing_since IS NULL OR last_failed_at < $2::bigint - $3::bigint THEN $2 ELSE failing_since END,
           last_failed_at = $2 WHERE id = $1 RETURNING failing_since`,
          [id, now, gapMs],
        )
      : await db.query<{ failing_since: number | null }>('UPDATE webhook_endpoints SET failing_since = NULL, last_failed_at = NULL WHERE id = $1 RETURNING failing_since', [id]);
    return rows[0]?.failing_since;
  }

  async usingSecret(secretId: string): Promise<Array<{ id: string; name: string }>> {
    const db = await this.#ready();
    return db.query<{ id: string; name: string }>('SELECT id, name FROM webhook_endpoints WHERE secret_id = $1 ORDER BY name COLLATE "C"', [secretId]);
  }

  async byName(name: string): Promise<{ id: string; name: string } | undefined> {
    const db = await this.#ready();
    const [row] = await db.query<{ id: string; name: string }>('SELECT id, name FROM webhook_endpoints WHERE name_key = $1', [nameKey(name)]);
    return row;
  }

  /**
   * Read from the database when a NOTIFY said it moved, after this instance's own write, and at least
   * once per poll interval (the backstop, and the only way with `notify: false`); else the value as last read.
   */
  async version(): Promise<number> {
    const db = await this.#ready();
    const tick = performance.now();
    if (this.#version !== undefined && tick - this.#version.at < db.options.pollIntervalMs) return this.#version.value;
    const [row] = await db.query<{ value: number }>('SELECT value FROM webhook_endpoint_version WHERE id = 1');
    this.#version = { value: row?.value ?? 0, at: tick };
    return this.#version.value;
  }

  async #uniqueName<T>(row: EndpointRow, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION || (error as { constraint?: unknown }).constraint !== 'webhook_endpoints_name_key') throw missingSecretRefusal(error, row.secret_id);
      const taken = nameTaken(row.name, (await this.byName(row.name))?.name);
      throw new ConflictError(taken.code, taken.message);
    }
  }
}
