/** Remembers the last test of each saved secret (when, ok or not, the first diagnostic), so lists can show it. */
import { inject, injectable } from 'inversify';
import { CORE, migrate, type Migration, type SqliteDatabase, type TestReport } from '@tessera/core';

export interface LastTest {
  ok: boolean;
  testedAt: string;
  /** The first error diagnostic's message, or the status. */
  summary: string;
}

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

@injectable()
export class TestResults {
  readonly #upsert;
  readonly #get;
  readonly #all;
  readonly #remove;

  constructor(@inject(CORE.Database) db: SqliteDatabase) {
    migrate(db, migrations);
    this.#upsert = db.prepare(
      `INSERT INTO server_secret_tests (secret_id, ok, tested_at, summary) VALUES (@id, @ok, @at, @summary)
       ON CONFLICT (secret_id) DO UPDATE SET ok = excluded.ok, tested_at = excluded.tested_at, summary = excluded.summary`,
    );
    this.#get = db.prepare('SELECT ok, tested_at, summary FROM server_secret_tests WHERE secret_id = ?');
    this.#all = db.prepare('SELECT secret_id, ok, tested_at, summary FROM server_secret_tests');
    this.#remove = db.prepare('DELETE FROM server_secret_tests WHERE secret_id = ?');
  }

  record(secretId: string, report: TestReport, at: number): LastTest {
    const error = report.diagnostics.find((d) => d.level === 'error');
    const summary = report.ok ? `token issued${report.status ? ` (HTTP ${report.status})` : ''}` : (error?.message ?? 'the test failed');
    this.#upsert.run({ id: secretId, ok: report.ok ? 1 : 0, at, summary });
    return { ok: report.ok, testedAt: new Date(at).toISOString(), summary };
  }

  get(secretId: string): LastTest | null {
    const row = this.#get.get(secretId) as { ok: number; tested_at: number; summary: string } | undefined;
    return row ? toLastTest(row) : null;
  }

  all(): Map<string, LastTest> {
    const rows = this.#all.all() as Array<{ secret_id: string; ok: number; tested_at: number; summary: string }>;
    return new Map(rows.map((row) => [row.secret_id, toLastTest(row)]));
  }

  forget(secretId: string): void {
    this.#remove.run(secretId);
  }
}

function toLastTest(row: { ok: number; tested_at: number; summary: string }): LastTest {
  return { ok: row.ok === 1, testedAt: new Date(row.tested_at).toISOString(), summary: row.summary };
}
