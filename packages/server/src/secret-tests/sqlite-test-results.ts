/** The last test of each secret in the SQLite database. */
import { migrate, type Migration, type SqliteDatabase, type TestReport } from '@tessera/core';
import { lastTestOf, toLastTest, type LastTest, type TestResults, type TestRow } from './test-results.js';

const migrations: readonly Migration[] = [
  {
    id: 'server-001-secret-tests',
    sql: `CREATE TABLE server_secret_tests (
            secret_id TEXT PRIMARY KEY,
            ok INTEGER NOT NULL,
            tested_at INTEGER NOT NULL,
            summary TEXT NOT NULL
          );`,
  },
];

export class SqliteTestResults implements TestResults {
  readonly #upsert;
  readonly #get;
  readonly #all;
  readonly #remove;

  constructor(db: SqliteDatabase) {
    migrate(db, migrations);
    this.#upsert = db.prepare(
      `INSERT INTO server_secret_tests (secret_id, ok, tested_at, summary) VALUES (@id, @ok, @at, @summary)
       ON CONFLICT (secret_id) DO UPDATE SET ok = excluded.ok, tested_at = excluded.tested_at, summary = excluded.summary
       WHERE server_secret_tests.tested_at <= excluded.tested_at`,
    );
    this.#get = db.prepare('SELECT ok, tested_at, summary FROM server_secret_tests WHERE secret_id = ?');
    this.#all = db.prepare('SELECT secret_id, ok, tested_at, summary FROM server_secret_tests');
    this.#remove = db.prepare('DELETE FROM server_secret_tests WHERE secret_id = ?');
  }

  async record(secretId: string, report: TestReport, at: number): Promise<LastTest> {
    const last = lastTestOf(report, at);
    if (this.#upsert.run({ id: secretId, ok: report.ok ? 1 : 0, at, summary: last.summary }).changes === 1) return last;
    return (await this.get(secretId)) ?? last;
  }

  async get(secretId: string): Promise<LastTest | null> {
    const row = this.#get.get(secretId) as TestRow | undefined;
    return row ? toLastTest(row) : null;
  }

  async all(): Promise<Map<string, LastTest>> {
    const rows = this.#all.all() as Array<TestRow & { secret_id: string }>;
    return new Map(rows.map((row) => [row.secret_id, toLastTest(row)]));
  }

  async forget(secretId: string): Promise<void> {
    this.#remove.run(secretId);
  }
}
