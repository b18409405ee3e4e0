/**
 * The conformance suite's switch: `describeOnEachStorage` runs a block of storage tests once on SQLite
 * and once on PostgreSQL; every test world started inside it (startTestTessera, startTestWebhooks,
 * startTestServer) uses that storage unless the test names another.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { DATABASE_STORAGES, type DatabaseStorage } from './test-postgres.js';

let current: DatabaseStorage = 'sqlite';

export function storageUnderTest(): DatabaseStorage {
  return current;
}

export function describeOnEachStorage(name: string, body: (storage: DatabaseStorage) => void): void {
  describe.each(DATABASE_STORAGES)(`${name} (%s)`, (storage) => {
    beforeEach(() => {
      current = storage;
    });
    afterEach(() => {
      current = 'sqlite';
    });
    body(storage);
  });
}
