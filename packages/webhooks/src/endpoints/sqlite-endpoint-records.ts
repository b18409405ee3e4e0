/** Endpoint rows in the `webhook_endpoints` table of the shared SQLite database. */
import { inject, injectable } from 'inversify';
import type { SqliteDatabase } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';
import type { EndpointRecords, EndpointRow } from './endpoint-records.js';

const COLUMNS = [
  'id', 'name', 'url', 'secret_id', 'events', 'enabled', 'disabled_reason', 'timeout_ms', 'retry_schedule', 'headers', 'signing_secret',
  'previous_signing_secret', 'previous_signing_expires_at', 'failing_since', 'last_failed_at', 'revision', 'created_at', 'updated_at',
] as const;
/** The failing period is only ever changed by `markFailing`, so a save that read the row earlier cannot undo it. */
const NOT_REPLACED = new Set<string>(['id', 'failing_since', 'last_failed_at']);

@injectable()
export class SqliteEndpointRecords implements EndpointRecords {
  readonly #insert;
  readonly #find;
  readonly #all;
  readonly #enabled;
  readonly #replace;
  readonly #remove;
  readonly #fail;
  readonly #recover;
  readonly #usingSecret;

  constructor(@inject(WEBHOOKS.Database) db: SqliteDatabase) {
    this.#insert = db.prepare(`INSERT INTO webhook_endpoints (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})`);
    this.#find = db.prepare('SELECT * FROM webhook_endpoints WHERE id = ?');
    this.#all = db.prepare('SELECT * FROM webhook_endpoints ORDER BY created_at, id');
    this.#enabled = db.prepare('SELECT id, events FROM webhook_endpoints WHERE enabled = 1');
    this.#replace = db.prepare(
      `UPDATE webhook_endpoints SET ${COLUMNS.filter((c) => !NOT_REPLACED.has(c)).map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id AND revision = @revision - 1`,
    );
    this.#remove = db.prepare('DELETE FROM webhook_endpoints WHERE id = ?');
    this.#fail = db.prepare(
      `UPDATE webhook_endpoints SET failing_since = CASE WHEN failing_since IS NULL OR last_failed_at < @now - @gap THEN @now ELSE failing_since END,
         last_failed_at = @now WHERE id = @id RETURNING failing_since`,
    );
    this.#recover = db.prepare('UPDATE webhook_endpoints SET failing_since = NULL, last_failed_at = NULL WHERE id = @id RETURNING failing_since');
    this.#usingSecret = db.prepare('SELECT id, name FROM webhook_endpoints WHERE secret_id = ? ORDER BY name');
  }

  insert(row: EndpointRow): void {
    this.#insert.run(row);
  }

  find(id: string): EndpointRow | undefined {
    return this.#find.get(id) as EndpointRow | undefined;
  }

  all(): EndpointRow[] {
    return this.#all.all() as EndpointRow[];
  }

  enabled(): Array<{ id: string; events: string }> {
    return this.#enabled.all() as Array<{ id: string; events: string }>;
  }

  replace(row: EndpointRow): boolean {
    return this.#replace.run(row).changes > 0;
  }

  remove(id: string): void {
    this.#remove.run(id);
  }

  markFailing(id: string, failing: boolean, now: number, gapMs: number): number | null | undefined {
    const row = (failing ? this.#fail.get({ id, now, gap: gapMs }) : this.#recover.get({ id })) as { failing_since: number | null } | undefined;
    return row?.failing_since;
  }

  usingSecret(secretId: string): Array<{ id: string; name: string }> {
    return this.#usingSecret.all(secretId) as Array<{ id: string; name: string }>;
  }
}
