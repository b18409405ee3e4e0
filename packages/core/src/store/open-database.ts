/** Opens the SQLite database (WAL, foreign keys, busy timeout, incremental vacuum for a new file) and brings its schema up to date. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { migrate, type Migration } from './migrate.js';
import { coreMigrations } from './core-migrations.js';
import { SqliteConnection, sqliteConnectionOptions } from './sqlite-driver.js';

/** The better-sqlite3 connection every Tessera store shares. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named type, so declarations can refer to it
export interface SqliteDatabase extends Database.Database {}

/** `onNote` hears what a migration applied now had to report (names that clash, say). */
export function openDatabase(path: string, migrations: readonly Migration[] = coreMigrations, onNote: (note: string) => void = () => undefined): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new SqliteConnection(path, sqliteConnectionOptions);
  // The busy timeout first: switching a new file to WAL takes a lock another process may hold.
  db.pragma('busy_timeout = 5000');
  // A new file can hand the pages that pruning frees back to the file system (PRAGMA incremental_vacuum);
  // this can only be chosen before its first table. (An older file keeps reusing freed pages for new rows.)
  if (path !== ':memory:' && (db.pragma('page_count', { simple: true }) as number) === 0) db.pragma('auto_vacuum = INCREMENTAL');
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  // After a checkpoint the write-ahead log is cut back to this, so one big write (a burst, an incremental
  // vacuum) does not leave it large for as long as the connection is open.
  db.pragma('journal_size_limit = 33554432');
  for (const note of migrate(db, migrations)) onNote(note);
  return db;
}
