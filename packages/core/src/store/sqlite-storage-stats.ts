/**
 * Storage statistics of the SQLite file: exact row counts (`count(*)`, which reads the table's smallest
 * index: O(rows) on this thread, hence `StorageStatsCache` in front of it), the file's size with its WAL,
 * the free pages, and the oldest row of each table that declares one (one index entry).
 */
import { statSync } from 'node:fs';
import { inject, injectable, multiInject, optional } from 'inversify';
import type { Clock } from '../clock/clock.js';
import type { StoredTables } from '../contributions/stored-tables.js';
import { CORE } from '../tokens.js';
import type { SqliteDatabase } from './open-database.js';
import { ownedTables, type MeasureOptions, type OwnedTable, type StorageFigures, type StorageStats, type TableFigures } from './storage-stats.js';

@injectable()
export class SqliteStorageStats implements StorageStats {
  readonly #tables: OwnedTable[];

  constructor(
    @inject(CORE.Database) private readonly db: SqliteDatabase,
    @inject(CORE.Clock) private readonly clock: Clock,
    @multiInject(CORE.StoredTables) @optional() contributions: StoredTables[] = [],
  ) {
    this.#tables = ownedTables(contributions);
  }

  async measure(options: MeasureOptions = {}): Promise<StorageFigures> {
    const db = this.db;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const existing = new Set((db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name));
    const tables = this.#tables.map((table): TableFigures => {
      const there = existing.has(table.name);
      const rows = there ? (db.prepare(`SELECT count(*) AS n FROM "${table.name}"`).get() as { n: number }).n : 0;
      const figures: TableFigures = { table: table.name, owner: table.owner, rows, exact: true, bytes: options.tableBytes ? (there ? this.#tableBytes(table.name) : 0) : null };
      if (table.oldest === undefined) return figures;
      const oldest = there ? (db.prepare(`SELECT "${table.oldest.createdAt}" AS at FROM "${table.name}" ORDER BY "${table.oldest.orderedBy}" LIMIT 1`).get() as { at: number } | undefined) : undefined;
      return { ...figures, oldestAt: oldest?.at ?? null };
    });
    return { storage: 'sqlite', measuredAt: this.clock.now(), bytes: pages * pageSize + this.#walBytes(), freeBytes: free * pageSize, tables };
  }

  /** The pages of the table and of its indexes, from `dbstat` (null in a build of SQLite without it). */
  #tableBytes(table: string): number | null {
    try {
      const btrees = this.db.prepare('SELECT name FROM sqlite_schema WHERE tbl_name = ? AND rootpage > 0').all(table) as Array<{ name: string }>;
      const size = this.db.prepare('SELECT coalesce(sum(pgsize), 0) AS bytes FROM dbstat WHERE name = ? AND aggregate = 1');
      return btrees.reduce((sum, { name }) => sum + (size.get(name) as { bytes: number }).bytes, 0);
    } catch (error) {
      if (error instanceof Error && /no such table: dbstat/.test(error.message)) return null;
      throw error;
    }
  }

  /** The write-ahead log not yet checkpointed into the file: part of what the database takes on disk. */
  #walBytes(): number {
    if (this.db.memory) return 0;
    try {
      return statSync(`${this.db.name}-wal`).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }
}
