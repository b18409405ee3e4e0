/** The SQLite connection comes from the better-sqlite3 build that survives the running Node.js. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sqliteDriver } from '@tessera/core';

describe('SQLite driver', () => {
  it('is better-sqlite3 12 on Node 20 and 13 from Node 22 on', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(sqliteDriver).toBe(major >= 22 ? 'better-sqlite3-node22' : 'better-sqlite3');
  });

  it('lets the garbage collector free many statements without aborting the process', () => {
    // better-sqlite3 12 on Node 24.19+ aborts in RemoveEnvironmentCleanupHook once a freed statement is
    // finalised; CI runs this suite on Node 24 too (npm run test:node24), where this test shows the fix.
    const dir = mkdtempSync(join(tmpdir(), 'tessera-driver-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const script = `
      import { openDatabase } from '@tessera/core';
      const db = openDatabase(process.env.DB);
      let sum = 0;
      for (let i = 0; i < 100000; i++) sum += db.prepare('SELECT ' + i + ' AS n').get().n;
      db.close();
      console.log('done ' + sum);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), env: { ...process.env, DB: join(dir, 't.db') }, encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).not.toContain('Assertion failed');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe(`done ${(99_999 * 100_000) / 2}`);
  });
});
