/**
 * `tessera db stats`: what the database holds, measured now: rows and size per table (each package's,
 * `CORE.StoredTables`), the database's size, its free pages (SQLite) and the oldest row kept; `--json`
 * gives the same figures as `GET /api/storage`.
 */
import { CORE, humanAge, humanBytes, parseFlags, printJson, printTable, runAction, STORAGE_STATS_MAX_AGE_MS, type CommandContext, type StorageStats } from '@tessera/core';
import { storageReport } from '../../storage/storage-report.js';

export const DB_USAGE = ['tessera db stats [--json]   (rows and size per table, the database size, the oldest delivery kept)'];

async function stats(args: string[], context: CommandContext): Promise<void> {
  const parsed = parseFlags(args, { json: { type: 'boolean' } }, DB_USAGE[0] as string);
  // Measured now (the CLI keeps no cache), with each table's bytes: SQLite reads every page for them, once.
  const figures = await context.get<StorageStats>(CORE.StorageStats).measure({ tableBytes: true });
  const report = storageReport(figures, Date.now(), STORAGE_STATS_MAX_AGE_MS);
  if (parsed.values.json) return printJson(context.output, report);
  printTable(
    context.output,
    ['TABLE', 'OWNER', 'ROWS', 'SIZE', 'OLDEST ROW'],
    report.tables.map((table) => [
      table.table,
      table.owner,
      `${table.exact ? '' : '~'}${table.rows.toLocaleString('en-US')}`,
      table.bytes === null ? '—' : humanBytes(table.bytes),
      table.oldest === undefined ? '' : table.oldest === null ? 'none' : `${humanAge(table.oldest.ageSeconds)} ago`,
    ]),
    'No tables contributed.',
  );
  const what = report.storage === 'sqlite' ? 'the SQLite file with its WAL' : "Tessera's tables with their indexes";
  const free = report.freeBytes === null ? '' : `, ${humanBytes(report.freeBytes)} of it free pages (reused before the file grows)`;
  context.output.out(`Database: ${humanBytes(report.bytes)} (${what})${free}.${report.tables.some((table) => !table.exact) ? ' ~ marks PostgreSQL planner estimates.' : ''}`);
}

export function dbCommand(action: string | undefined, args: string[], context: CommandContext): Promise<void> {
  return runAction({ name: 'db', usage: DB_USAGE }, { stats }, action, args, context);
}
