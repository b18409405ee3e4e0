/**
 * A write refused for lack of space (issue 15 point 4): recognised by one helper whichever storage refused
 * it, translated into `storage-full`, remembered by `StorageHealth` until a write succeeds, told in the
 * log once a minute with the failures folded in. The real SQLite proof is test/server/storage-full.test.ts
 * (a real full tmpfs); here PostgreSQL raises its own `disk_full` on a real server.
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import winston from 'winston';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, coreModule, generateMasterKey, isStorageFull, StorageFullError, StorageHealth, type HealthCheck, type PostgresDatabase, type SecretStore } from '@tessera/core';
import { FakeClock } from '../support/fake-clock.js';
import { captureTransport } from '../support/start-test-tessera.js';
import { createTestDatabase } from '../support/test-postgres.js';

function capturingLogger(): { logger: winston.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: winston.createLogger({ format: winston.format.json(), transports: [captureTransport((line) => lines.push(line))] }), lines };
}

describe('recognising a full disk', () => {
  it('knows SQLite, PostgreSQL and file-system out-of-space errors, and nothing else', () => {
    for (const error of [
      Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
      Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }),
      Object.assign(new Error('could not extend file "base/16384/16385": No space left on device'), { code: '53100' }),
      Object.assign(new Error('insufficient resources'), { code: '53000' }),
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    ]) {
      expect(isStorageFull(error), error.message).toBe(true);
    }
    for (const error of [
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
      Object.assign(new Error('out of memory'), { code: '53200' }),
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
      new Error('something else'),
      'database or disk is full? a string is no error',
      undefined,
    ]) {
      expect(isStorageFull(error), String(error)).toBe(false);
    }
  });
});

describe('StorageHealth', () => {
  it('is full from the first refused write until one succeeds, and says so in the log once a minute with the failures folded in', () => {
    const clock = new FakeClock();
    const { logger, lines } = capturingLogger();
    const health = new StorageHealth('/data/tessera.db', logger, clock);
    onTestFinished(() => health.close());
    const full = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

    const first = full();
    const translated = health.failed(first);
    expect(translated).toBeInstanceOf(StorageFullError);
    expect(translated).toMatchObject({ code: 'storage-full', retryAfterSeconds: 30, message: expect.stringContaining("The disk of Tessera's database is full"), where: '/data/tessera.db', cause: first });
    // The answer names no path or host; the log line does (`database`).
    expect((translated as Error).message).not.toContain('/data/');
    // The same error seen again (by a queue, then by its caller) is the same failure, counted once.
    expect(health.failed(first)).toBe(translated);
    expect(health.failed(translated)).toBe(translated);
    // Any other error passes through untouched, and changes nothing.
    const other = new Error('database is locked');
    expect(health.failed(other)).toBe(other);
    expect(health.full).toEqual({ since: clock.now(), failures: 1 });
    expect(health.reason).toMatch(/^the disk of the database is full since 2026-01-01T00:00:00.000Z \(1 write refused\): free disk space/);
    expect(lines.map((line) => [line.message, line.failures])).toEqual([['storage is full: writes are refused (503 storage-full) until there is space again', 1]]);

    for (let i = 0; i < 50; i++) {
      clock.advance(1_000);
      health.failed(full());
    }
    // 50 more within 50 seconds: folded, not logged; the 61st second's failure is told with the 60 since the line.
    expect(lines).toHaveLength(1);
    for (let i = 0; i < 10; i++) {
      clock.advance(1_000);
      health.failed(full());
    }
    expect(lines.map((line) => [line.message, line.failures])).toEqual([
      ['storage is full: writes are refused (503 storage-full) until there is space again', 1],
      ['storage is still full: writes are refused', 60],
    ]);
    expect(health.full?.failures).toBe(61);

    health.succeeded();
    expect(health.full).toBeUndefined();
    expect(health.reason).toBeUndefined();
    expect(lines.at(-1)).toMatchObject({ level: 'info', message: 'storage is writable again', failures: 61, fullForMs: 60_000 });
    health.succeeded();
    expect(lines).toHaveLength(3);

    // Full again within the minute: the state is set at once, the log waits for its minute.
    clock.advance(10_000);
    health.failed(full());
    expect(health.full).toEqual({ since: clock.now(), failures: 1 });
    expect(lines).toHaveLength(3);
  });

  it('runs a write: its success clears the state, its failure for lack of space is thrown as storage-full', async () => {
    const { logger } = capturingLogger();
    const health = new StorageHealth('/data/tessera.db', logger, new FakeClock());
    await expect(health.write(() => Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })))).rejects.toBeInstanceOf(StorageFullError);
    expect(health.full?.failures).toBe(1);
    await expect(health.write(() => Promise.reject(new Error('constraint')))).rejects.toThrow('constraint');
    expect(await health.write(() => 42)).toBe(42);
    expect(health.full).toBeUndefined();
  });
});

describe('a full disk on PostgreSQL', () => {
  it('turns a real disk_full (53100) into storage-full, not database-unavailable, degrades the database health check, and clears with the next write', async () => {
    const url = await createTestDatabase();
    const container = new Container();
    container.load(coreModule({ database: url, masterKey: generateMasterKey(), logging: { level: 'error', transports: [captureTransport(() => undefined)] } }));
    onTestFinished(() => container.unbindAllAsync());
    const db = container.get<PostgresDatabase>(CORE.Postgres);
    const health = container.get<StorageHealth>(CORE.StorageHealth);
    const databaseCheck = container.getAll<HealthCheck>(CORE.HealthCheck).find((check) => check.name === 'database') as HealthCheck;
    expect(await databaseCheck.check()).toEqual({ state: 'ok', healthy: true });

    // What PostgreSQL raises when it cannot extend a file, raised by the server itself.
    const raise = (state: string) => `DO $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '${state}'; END $$`;
    await expect(db.query(raise('53100'))).rejects.toMatchObject({ code: 'storage-full', message: expect.stringMatching(/^The disk of Tessera's database is full/) });
    await expect(db.transaction((tx) => tx.query(raise('disk_full')))).rejects.toBeInstanceOf(StorageFullError);
    expect(health.full?.failures).toBe(2);
    // The rest of class 53 (too many connections) still means the database cannot be used now.
    await expect(db.query(raise('53300'))).rejects.toMatchObject({ code: 'database-unavailable' });
    expect(await databaseCheck.check()).toMatchObject({ state: 'storage-full', healthy: true, degraded: true, reason: expect.stringContaining('(2 writes refused)') });

    await container.get<SecretStore>(CORE.SecretStore).create({ name: 'after-space-returned', kind: 'general', params: { url: 'https://auth.example.com/token', username: 'u', password: 'p4ssw0rd-long' } });
    expect(health.full).toBeUndefined();
    expect(await databaseCheck.check()).toEqual({ state: 'ok', healthy: true });
  });
});
