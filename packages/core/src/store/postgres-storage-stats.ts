/**
 * Storage statistics of the PostgreSQL database, cheap enough for a scrape: a table's rows are counted
 * exactly while the planner puts it below `EXACT_BELOW` rows or has never analysed it, and above that are
 * the planner's estimate (`pg_class.reltuples`, kept by autovacuum; `exact: false`); sizes are
 * `pg_total_relation_size` (file sizes, no scan); the oldest row is one index entry.
 */
import { inject, injectable, multiInject, optional } from 'inversify';
import type { Clock } from '../clock/clock.js';
import type { StoredTables } from '../contributions/stored-tables.js';
import type { PostgresDatabase } from '../postgres/postgres-database.js';
import { CORE } from '../tokens.js';
import { ownedTables, type OwnedTable, type StorageFigures, type StorageStats, type TableFigures } from './storage-stats.js';

/** Below this many rows (by the planner's estimate) a table is counted; a count of 100,000 rows takes a few milliseconds. */
export const EXACT_BELOW = 100_000;

interface TableRow {
  name: string;
  there: boolean;
  estimate: number;
  bytes: number;
}

@injectable()
export class PostgresStorageStats implements StorageStats {
  readonly #tables: OwnedTable[];

  constructor(
    @inject(CORE.Postgres) private readonly db: PostgresDatabase,
    @inject(CORE.Clock) private readonly clock: Clock,
    @multiInject(CORE.StoredTables) @optional() contributions: StoredTables[] = [],
  ) {
    this.#tables = ownedTables(contributions);
  }

  async measure(): Promise<StorageFigures> {
    // to_regclass: NULL for a table its package has not created yet (resolved on the search path, as the stores' statements are).
    const rows = await this.db.query<TableRow>(
      `SELECT t.name, c.oid IS NOT NULL AS there, coalesce(c.reltuples, 0)::float8 AS estimate,
              CASE WHEN c.oid IS NULL THEN 0 ELSE pg_total_relation_size(c.oid) END AS bytes
       FROM unnest($1::text[]) AS t(name) LEFT JOIN pg_class c ON c.oid = to_regclass(t.name)`,
      [this.#tables.map((table) => table.name)],
    );
    const byName = new Map(rows.map((row) => [row.name, row]));
    const tables: TableFigures[] = [];
    for (const table of this.#tables) {
      const row = byName.get(table.name);
      const there = row !== undefined && row.there;
      // reltuples is -1 until the table is first vacuumed or analysed: counted then too.
      const estimated = there && row.estimate >= EXACT_BELOW;
      const count = !there ? 0 : estimated ? Math.round(row.estimate) : Number((await this.db.query<{ n: number }>(`SELECT count(*) AS n FROM "${table.name}"`))[0]?.n ?? 0);
      const figures: TableFigures = { table: table.name, owner: table.owner, rows: count, exact: !estimated, bytes: there ? row.bytes : 0 };
      if (table.oldest === undefined) {
        tables.push(figures);
        continue;
      }
      const [oldest] = there ? await this.db.query<{ at: number }>(`SELECT "${table.oldest.createdAt}" AS at FROM "${table.name}" ORDER BY "${table.oldest.orderedBy}" LIMIT 1`) : [];
      tables.push({ ...figures, oldestAt: oldest === undefined ? null : Number(oldest.at) });
    }
    return { storage: 'postgres', measuredAt: this.clock.now(), bytes: tables.reduce((sum, table) => sum + (table.bytes ?? 0), 0), freeBytes: null, tables };
  }
}
