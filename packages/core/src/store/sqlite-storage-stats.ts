/**
 * Storage statistics of the SQLite file: row counts (exact up to 100,000 rows, a count bounded so that it
 * never holds this thread long; beyond, estimated from the rowid range, or at least 100,000 for a table
 * without rowids; `StorageStatsCache` in front of it), the file's size with its WAL, the free pages, and
 * the oldest row of each table that declares one (one index entry).
 */
import { statSync } from 'node:fs';
import { inject, injectable, multiInject, optional } from 'inversify';
import type { Clock } from '../clock/clock.js';
import type { StoredTables } from '../contributions/stored-tables.js';
import { CORE } from '../tokens.js';
import type { SqliteDatabase } from './open-database.js';
import { ownedTables, type MeasureOptions, type OwnedTable, type StorageFigures, type StorageStats, type TableFigures } from './storage-stats.js';

/** Tables up to this many rows are counted exactly. */
const EXACT_UP_TO = 100_000;

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
      const { rows, exact } = there ? this.#rows(table.name) : { rows: 0, exact: true };
      const figures: TableFigures = { table: table.name, owner: table.owner, rows, exact, bytes: options.tableBytes ? (there ? this.#tableBytes(table.name) : 0) : null };
      if (table.oldest === undefined) return figures;
      const oldest = there ? (db.prepare(`SELECT "${table.oldest.createdAt}" AS at FROM "${table.name}" ORDER BY "${table.oldest.orderedBy}" LIMIT 1`).get() as { at: number } | undefined) : undefined;
      return { ...figures, oldestAt: oldest?.at ?? null };
    });
    return { storage: 'sqlite', measuredAt: this.clock.now(), bytes: pages * pageSize + this.#walBytes(), freeBytes: free * pageSize, tables };
  }

  /** Counted exactly while that is cheap; a big table's rows from its rowid range (deleted rows inside it make this high). */
  #rows(table: string): { rows: number; exact: boolean } {
    const counted = (this.db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM "${table}" LIMIT ${EXACT_UP_TO + 1})`).get() as { n: number }).n;
    if (counted <= EXACT_UP_TO) return { rows: counted, exact: true };
    try {
      const range = this.db.prepare(`SELECT max(rowid) - min(rowid) + 1 AS n FROM "${table}"`).get() as { n: number | null };
      return { rows: Math.max(counted, range.n ?? 0), exact: false };
    } catch {
      // A WITHOUT ROWID table: at least this many.
      return { rows: counted, exact: false };
    }
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
