/** Secret rows in process memory, for embedding without a database file; lost when the process ends. */
import { injectable } from 'inversify';
import { ConflictError } from '../errors/conflict-error.js';
import { nameKey } from '../input/name-key.js';
import { nameTaken, type SealedValue, type SecretRecord, type SecretRecordFilter, type SecretRecords } from './secret-records.js';

@injectable()
export class MemorySecretRecords implements SecretRecords {
  readonly #records = new Map<string, SecretRecord>();

  async insert(record: SecretRecord): Promise<void> {
    this.#assertNameFree(record);
    this.#records.set(record.id, { ...record });
  }

  async find(id: string): Promise<SecretRecord | undefined> {
    const record = this.#records.get(id);
    return record && { ...record };
  }

  async list(filter: SecretRecordFilter): Promise<SecretRecord[]> {
    return [...this.#records.values()]
      .filter((r) => (filter.owner === undefined || r.owner === filter.owner) && (filter.origin === undefined || r.origin === filter.origin) && (filter.kind === undefined || r.kind === filter.kind))
      .filter((r) => filter.after === undefined || r.name > filter.after)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, filter.limit ?? Infinity)
      .map((r) => ({ ...r }));
  }

  async replace(record: SecretRecord, expectedRevision: number): Promise<boolean> {
    const current = this.#records.get(record.id);
    if (current?.revision !== expectedRevision) return false;
    this.#assertNameFree(record);
    this.#records.set(record.id, { ...record });
    return true;
  }

  async remove(id: string, expectedRevision?: number): Promise<boolean> {
    if (expectedRevision !== undefined && this.#records.get(id)?.revision !== expectedRevision) return false;
    return this.#records.delete(id);
  }

  async sealedValues(page: { after?: string; limit?: number } = {}): Promise<SealedValue[]> {
    return [...this.#records.values()]
      .filter((r) => r.sealed !== null && (page.after === undefined || r.id > page.after))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, page.limit ?? Infinity)
      .map((r) => ({ id: r.id, sealed: r.sealed as string, cursor: r.id }));
  }

  async reseal(changes: Array<{ id: string; from: string; to: string }>): Promise<void> {
    for (const change of changes) {
      const record = this.#records.get(change.id);
      if (record?.sealed === change.from) record.sealed = change.to;
    }
  }

  /** Memory holds no rows from an older version: nothing to remember between runs. */
  async once(_task: string, work: () => Promise<boolean>): Promise<void> {
    await work();
  }

  #assertNameFree(record: SecretRecord): void {
    for (const other of this.#records.values()) {
      if (nameKey(other.name) === nameKey(record.name) && other.id !== record.id) {
        const taken = nameTaken(record.name, other.name);
        throw new ConflictError(taken.code, taken.message);
      }
    }
  }
}
