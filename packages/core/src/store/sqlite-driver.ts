/** Loads the better-sqlite3 build that works on the running Node.js: 12 on Node 20, 13 on Node 22 and later. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';

const require = createRequire(import.meta.url);

/**
 * The package the SQLite connection comes from. better-sqlite3 13 crashes on Node 20 (segmentation fault
 * on first use), and 12 aborts Node 24.19+ whenever the garbage collector frees one of its statements
 * (`Assertion failed: (env) != nullptr` in `RemoveEnvironmentCleanupHook`). Both have the same API; 13 is
 * installed under the alias `better-sqlite3-node22` and ships Node-API binaries, so it needs no build.
 */
export const sqliteDriver: string = Number(process.versions.node.split('.')[0]) >= 22 ? 'better-sqlite3-node22' : 'better-sqlite3';

/** The better-sqlite3 `Database` class of {@link sqliteDriver}. */
export const SqliteConnection = require(sqliteDriver) as typeof Database;

/**
 * Options for a new connection: better-sqlite3 12 is given its compiled addon's path when it is where
 * its build puts it, so that opening a database does not probe a dozen places for it (the `bindings`
 * package); 13 (its own loader) takes no such option.
 */
export const sqliteConnectionOptions: Database.Options = ((): Database.Options => {
  if (sqliteDriver !== 'better-sqlite3') return {};
  const addon = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  return existsSync(addon) ? { nativeBinding: addon } : {};
})();
