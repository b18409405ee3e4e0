/** Endpoint rows in a Map: for tests and embedded use where nothing about endpoints must outlive the process. */
import { injectable } from 'inversify';
import { ConflictError, nameKey } from '@tessera/core';
import { nameTaken, type EndpointRecords, type EndpointRow } from './endpoint-records.js';

@injectable()
export class MemoryEndpointRecords implements EndpointRecords {
  readonly inDatabase = false;
  /** Copies in and out, so a caller holding a row can never change what is stored. */
  readonly #rows = new Map<string, EndpointRow>();
  #version = 0;

  async insert(row: EndpointRow): Promise<void> {
    if (this.#rows.has(row.id)) throw new Error(`endpoint ${row.id} already exists`);
    this.#assertNameFree(row);
    this.#rows.set(row.id, { ...row });
    this.#version++;
  }

  async find(id: string): Promise<EndpointRow | undefined> {
    const row = this.#rows.get(id);
    return row && { ...row };
  }

  async all(): Promise<EndpointRow[]> {
    return [...this.#rows.values()].sort((a, b) => a.created_at - b.created_at || binary(a.id, b.id)).map((row) => ({ ...row }));
  }

  async enabled(): Promise<Array<{ id: string; events: string }>> {
    return [...this.#rows.values()].filter((row) => row.enabled === 1).map(({ id, events }) => ({ id, events }));
  }

  async replace(row: EndpointRow): Promise<boolean> {
    const current = this.#rows.get(row.id);
    if (!current || current.revision !== row.revision - 1) return false;
    if (current.name !== row.name) this.#assertNameFree(row);
    // The failing period is only ever changed by markFailing (as in SQLite).
    this.#rows.set(row.id, { ...row, failing_since: current.failing_since, last_failed_at: current.last_failed_at });
    this.#version++;
    return true;
  }

  async remove(id: string): Promise<void> {
    if (this.#rows.delete(id)) this.#version++;
  }

  async byName(name: string): Promise<{ id: string; name: string } | undefined> {
    return this.#byName(name);
  }

  #byName(name: string): { id: string; name: string } | undefined {
    const key = nameKey(name);
    const row = [...this.#rows.values()].find((r) => nameKey(r.name) === key);
    return row && { id: row.id, name: row.name };
  }

  async version(): Promise<number> {
    return this.#version;
  }

  #assertNameFree(row: EndpointRow): void {
    const other = this.#byName(row.name);
    if (other && other.id !== row.id) {
      const taken = nameTaken(row.name, other.name);
      throw new ConflictError(taken.code, taken.message);
    }
  }

  async markFailing(id: string, failing: boolean, now: number, gapMs: number): Promise<number | null | undefined> {
    const row = this.#rows.get(id);
    if (!row) return undefined;
    if (!failing) {
      row.failing_since = null;
      row.last_failed_at = null;
    } else {
      if (row.failing_since === null || (row.last_failed_at ?? now) < now - gapMs) row.failing_since = now;
      row.last_failed_at = now;
    }
    return row.failing_since;
  }

  async usingSecret(secretId: string): Promise<Array<{ id: string; name: string }>> {
    return [...this.#rows.values()]
      .filter((row) => row.secret_id === secretId)
      .sort((a, b) => binary(a.name, b.name))
      .map(({ id, name }) => ({ id, name }));
  }
}

/** The order SQLite's default BINARY collation gives, so both storages list alike. */
function binary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
