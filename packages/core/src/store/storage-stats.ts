/**
 * The storage statistics seam: how many rows Tessera's tables hold, how big the database is and how old
 * the oldest row kept is, measured by `SqliteStorageStats` or `PostgresStorageStats` over the tables every
 * package contributes (`CORE.StoredTables`). A measure reads the database; `StorageStatsCache` is what
 * `/metrics` and the API read, so a scrape does not count big tables.
 */
import { ConfigurationError } from '../errors/configuration-error.js';
import type { StoredTable, StoredTables } from '../contributions/stored-tables.js';

export interface TableFigures {
  readonly table: string;
  /** The package (or plugin) that contributed the table. */
  readonly owner: string;
  /** Rows in the table (0 for a table its package has not created yet). */
  readonly rows: number;
  /** False when `rows` is PostgreSQL's planner estimate (`pg_class.reltuples`) rather than a count. */
  readonly exact: boolean;
  /** The table with its indexes (and TOAST on PostgreSQL), in bytes; null where that is not measured (SQLite unless asked, see `MeasureOptions`). */
  readonly bytes: number | null;
  /** The creation time (ms) of the oldest row kept, for tables that declare `oldest`; null when the table is empty, undefined when it declares none. */
  readonly oldestAt?: number | null;
}

export interface StorageFigures {
  readonly storage: 'sqlite' | 'postgres';
  /** When the figures were measured (ms, the container's clock). */
  readonly measuredAt: number;
  /**
   * The database's size in bytes. SQLite: the file (`page_count × page_size`) plus its `-wal` file.
   * PostgreSQL: the sum of `pg_total_relation_size` of the contributed tables (tables, indexes, TOAST), not
   * `pg_database_size`, since the database may hold the product's own tables too.
   */
  readonly bytes: number;
  /** SQLite: bytes of free pages in the file (`freelist_count × page_size`), reused before the file grows; null on PostgreSQL. */
  readonly freeBytes: number | null;
  readonly tables: readonly TableFigures[];
}

export interface MeasureOptions {
  /**
   * Also measure each table's bytes on SQLite (the `dbstat` table, which reads every page of the table and its
   * indexes): for `tessera db stats`, not for a scrape. PostgreSQL always measures them (from file sizes, cheap).
   */
  readonly tableBytes?: boolean;
}

export interface StorageStats {
  /** Measures now: exact counts on SQLite (O(rows), on this thread); on PostgreSQL see `PostgresStorageStats`. */
  measure(options?: MeasureOptions): Promise<StorageFigures>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A contributed table with its owner, its names checked (they are written into statements). */
export interface OwnedTable extends StoredTable {
  readonly owner: string;
}

/** Every contributed table once, in the order bound; a bad name or a table claimed by two owners is a configuration error. */
export function ownedTables(contributions: readonly StoredTables[]): OwnedTable[] {
  const seen = new Map<string, string>();
  const tables: OwnedTable[] = [];
  for (const { owner, tables: list } of contributions) {
    for (const table of list) {
      for (const name of [table.name, table.oldest?.createdAt, table.oldest?.orderedBy]) {
        if (name !== undefined && !IDENTIFIER.test(name)) {
          throw new ConfigurationError('invalid-stored-table', `${owner} contributes the stored table or column '${name}': a name is lower-case letters, digits and _, starting with a letter or _.`);
        }
      }
      const earlier = seen.get(table.name);
      if (earlier !== undefined) throw new ConfigurationError('invalid-stored-table', `${owner} contributes the stored table '${table.name}', which ${earlier} already contributes: one table, one owner.`);
      seen.set(table.name, owner);
      tables.push({ ...table, owner });
    }
  }
  return tables;
}
