/** Remembers the last test of each saved secret (when, ok or not, the first diagnostic), so lists can show it; in the core's database, SQLite or PostgreSQL. */
import type { TestReport } from '@tessera/core';

export interface LastTest {
  ok: boolean;
  testedAt: string;
  /** The first error diagnostic's message, or the status. */
  summary: string;
}

export interface TestResults {
  /** Keeps the report as the secret's last test unless one begun later is already kept (`at`: when this one began); answers what is kept. */
  record(secretId: string, report: TestReport, at: number): Promise<LastTest>;
  get(secretId: string): Promise<LastTest | null>;
  all(): Promise<Map<string, LastTest>>;
  forget(secretId: string): Promise<void>;
}

/** The row both storages keep. */
export interface TestRow {
  ok: number;
  tested_at: number;
  summary: string;
}

export function lastTestOf(report: TestReport, at: number): LastTest {
  const error = report.diagnostics.find((d) => d.level === 'error');
  const summary = report.ok ? `token issued${report.status ? ` (HTTP ${report.status})` : ''}` : (error?.message ?? 'the test failed');
  return { ok: report.ok, testedAt: new Date(at).toISOString(), summary };
}

export function toLastTest(row: TestRow): LastTest {
  return { ok: row.ok === 1, testedAt: new Date(row.tested_at).toISOString(), summary: row.summary };
}
