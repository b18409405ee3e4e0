/** The last test of each secret in the PostgreSQL database: every instance's lists show the same. */
import type { PostgresDatabase, PostgresMigration, TestReport } from '@tessera/core';
import { lastTestOf, toLastTest, type LastTest, type TestResults, type TestRow } from './test-results.js';

const migrations: readonly PostgresMigration[] = [
  {
    id: 'server-pg-001-secret-tests',
    sql: `CREATE TABLE server_secret_tests (
            secret_id TEXT PRIMARY KEY,
            ok INTEGER NOT NULL,
            tested_at BIGINT NOT NULL,
            summary TEXT NOT NULL
          );`,
  },
];

export class PostgresTestResults implements TestResults {
  constructor(private readonly db: PostgresDatabase) {}

  async #ready(): Promise<PostgresDatabase> {
    await this.db.ensureSchema('server', migrations);
    return this.db;
  }

  async record(secretId: string, report: TestReport, at: number): Promise<LastTest> {
    const last = lastTestOf(report, at);
    const db = await this.#ready();
    const written = await db.query(
      `INSERT INTO server_secret_tests (secret_id, ok, tested_at, summary) VALUES ($1, $2, $3, $4)
       ON CONFLICT (secret_id) DO UPDATE SET ok = EXCLUDED.ok, tested_at = EXCLUDED.tested_at, summary = EXCLUDED.summary
       WHERE server_secret_tests.tested_at <= EXCLUDED.tested_at RETURNING secret_id`,
      [secretId, report.ok ? 1 : 0, at, last.summary],
    );
    if (written.length === 1) return last;
    return (await this.get(secretId)) ?? last;
  }

  async get(secretId: string): Promise<LastTest | null> {
    const db = await this.#ready();
    const [row] = await db.query<TestRow>('SELECT ok, tested_at, summary FROM server_secret_tests WHERE secret_id = $1', [secretId]);
    return row ? toLastTest(row) : null;
  }

  async all(): Promise<Map<string, LastTest>> {
    const db = await this.#ready();
    const rows = await db.query<TestRow & { secret_id: string }>('SELECT secret_id, ok, tested_at, summary FROM server_secret_tests');
    return new Map(rows.map((row) => [row.secret_id, toLastTest(row)]));
  }

  async forget(secretId: string): Promise<void> {
    const db = await this.#ready();
    await db.query('DELETE FROM server_secret_tests WHERE secret_id = $1', [secretId]);
  }
}
