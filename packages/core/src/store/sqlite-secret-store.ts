/** `SecretStore` on SQLite: sensitive params sealed with the key ring, everything else in clear JSON. */
import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { zodIssues } from '../errors/zod-issues.js';
import type { Redactor } from '../logging/redactor.js';
import { MASK } from '../secrets/field-declaration.js';
import type { SecretKindRegistry } from '../secrets/secret-kind-registry.js';
import type { SecretParams } from '../secrets/secret-kind.js';
import { CORE } from '../tokens.js';
import type { SqliteDatabase } from './open-database.js';
import type {
  NewSecret,
  RevealedSecret,
  RotationProgress,
  SecretChange,
  SecretPatch,
  SecretStore,
  SecretView,
} from './secret-store.js';

interface SecretRow {
  id: string;
  name: string;
  kind: string;
  description: string;
  origin: 'manual' | 'connector';
  owner: string | null;
  params: string;
  sealed: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
}

const nameSchema = z
  .string({ error: 'name must be text' })
  .trim()
  .min(1, 'name is required')
  .max(100, 'name must be at most 100 characters')
  .regex(/^([A-Za-z0-9][A-Za-z0-9._:@ -]*)?$/, "name may contain letters, digits, spaces and . _ : @ -, starting with a letter or digit");

const newSecretSchema = z
  .object({
    name: nameSchema,
    kind: z.string({ error: 'kind is required' }).min(1, 'kind is required'),
    params: z.record(z.string(), z.unknown(), { error: 'params must be an object' }),
    description: z.string().max(1000).optional(),
    origin: z.enum(['manual', 'connector']).optional(),
    owner: z.string().min(1).max(200).optional(),
  })
  .strict();

const patchSchema = z
  .object({
    name: nameSchema.optional(),
    description: z.string().max(1000).optional(),
    params: z.record(z.string(), z.unknown(), { error: 'params must be an object' }).optional(),
    expectedRevision: z.number().int().positive().optional(),
  })
  .strict();

const ROTATION_BATCH = 200;

@injectable()
export class SqliteSecretStore implements SecretStore {
  readonly #listeners = new Set<(change: SecretChange) => void>();

  constructor(
    @inject(CORE.Database) private readonly db: SqliteDatabase,
    @inject(CORE.KeyRing) private readonly keys: KeyRing,
    @inject(CORE.SecretKindRegistry) private readonly kinds: SecretKindRegistry,
    @inject(CORE.Redactor) private readonly redactor: Redactor,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {}

  async create(input: NewSecret): Promise<SecretView> {
    const parsed = parseOrThrow(newSecretSchema, input, 'The secret');
    const params = this.kinds.parseParams(parsed.kind, parsed.params);
    const id = 'sec_' + randomBytes(10).toString('hex');
    const now = new Date(this.clock.now()).toISOString();
    const row: SecretRow = {
      id,
      name: parsed.name,
      kind: parsed.kind,
      description: parsed.description ?? '',
      origin: parsed.origin ?? 'manual',
      owner: parsed.owner ?? null,
      ...this.#split(id, parsed.kind, params),
      revision: 1,
      created_at: now,
      updated_at: now,
    };
    this.#writeUnique(row.name, () =>
      this.db
        .prepare(
          `INSERT INTO secrets (id, name, kind, description, origin, owner, params, sealed, revision, created_at, updated_at)
           VALUES (@id, @name, @kind, @description, @origin, @owner, @params, @sealed, @revision, @created_at, @updated_at)`,
        )
        .run(row),
    );
    this.#emit({ type: 'created', id, paramsChanged: true });
    return this.#view(row);
  }

  async get(id: string): Promise<SecretView> {
    return this.#view(this.#row(id));
  }

  async list(filter: { owner?: string; origin?: string; kind?: string } = {}): Promise<SecretView[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM secrets WHERE (@owner IS NULL OR owner = @owner) AND (@origin IS NULL OR origin = @origin)
         AND (@kind IS NULL OR kind = @kind) ORDER BY name`,
      )
      .all({ owner: filter.owner ?? null, origin: filter.origin ?? null, kind: filter.kind ?? null }) as SecretRow[];
    return rows.map((row) => this.#view(row));
  }

  async update(id: string, patch: SecretPatch): Promise<SecretView> {
    const parsed = parseOrThrow(patchSchema, patch, 'The change');
    const current = this.#row(id);
    if (parsed.expectedRevision !== undefined && parsed.expectedRevision !== current.revision) {
      throw new ConflictError(
        'revision-mismatch',
        `Secret '${current.name}' changed since you read it (revision ${current.revision}, you sent ${parsed.expectedRevision}). Reload it and apply your change again.`,
      );
    }
    let stored = { params: current.params, sealed: current.sealed };
    let paramsChanged = false;
    if (parsed.params) {
      const previous = this.#revealRow(current).params;
      const merged = new Map(Object.entries(previous));
      const sensitive = new Set(this.kinds.sensitiveFields(current.kind));
      for (const [key, value] of Object.entries(parsed.params)) {
        if (sensitive.has(key) && (value === undefined || value === MASK)) continue;
        if (value === undefined || value === null) merged.delete(key);
        else merged.set(key, value);
      }
      const params = this.kinds.parseParams(current.kind, Object.fromEntries(merged));
      paramsChanged = JSON.stringify(params) !== JSON.stringify(previous);
      if (paramsChanged) stored = this.#split(id, current.kind, params);
    }
    const next: SecretRow = {
      ...current,
      name: parsed.name ?? current.name,
      description: parsed.description ?? current.description,
      ...stored,
      revision: current.revision + 1,
      updated_at: new Date(this.clock.now()).toISOString(),
    };
    const result = this.#writeUnique(next.name, () =>
      this.db
        .prepare(
          `UPDATE secrets SET name = @name, description = @description, params = @params, sealed = @sealed,
           revision = @revision, updated_at = @updated_at WHERE id = @id AND revision = ${current.revision}`,
        )
        .run(next),
    );
    if (result.changes === 0) {
      throw new ConflictError('revision-mismatch', `Secret '${current.name}' was changed by someone else meanwhile. Reload it and try again.`);
    }
    this.#emit({ type: 'updated', id, paramsChanged });
    return this.#view(next);
  }

  async delete(id: string): Promise<void> {
    const result = this.db.prepare('DELETE FROM secrets WHERE id = ?').run(id);
    if (result.changes === 0) throw new NotFoundError('secret', id);
    this.#emit({ type: 'deleted', id, paramsChanged: true });
  }

  async reveal(id: string): Promise<RevealedSecret> {
    return this.#revealRow(this.#row(id));
  }

  async rotateKeys(onProgress?: (progress: RotationProgress) => void): Promise<{ reencrypted: number; total: number }> {
    const rows = this.db.prepare('SELECT id, sealed FROM secrets WHERE sealed IS NOT NULL ORDER BY id').all() as Pick<SecretRow, 'id' | 'sealed'>[];
    const stale = rows.filter((row) => this.keys.needsRotation(row.sealed as string));
    const write = this.db.prepare('UPDATE secrets SET sealed = ? WHERE id = ? AND sealed = ?');
    let done = 0;
    onProgress?.({ done, total: stale.length });
    for (let start = 0; start < stale.length; start += ROTATION_BATCH) {
      const batch = stale.slice(start, start + ROTATION_BATCH);
      this.db.transaction(() => {
        for (const row of batch) {
          const sealed = row.sealed as string;
          write.run(this.keys.encrypt(this.keys.decrypt(sealed, row.id), row.id), row.id, sealed);
        }
      })();
      done += batch.length;
      onProgress?.({ done, total: stale.length });
      // Let other work run between batches of a large rotation.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { reencrypted: done, total: rows.length };
  }

  onChange(listener: (change: SecretChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #row(id: string): SecretRow {
    const row = this.db.prepare('SELECT * FROM secrets WHERE id = ?').get(id) as SecretRow | undefined;
    if (!row) throw new NotFoundError('secret', id);
    return row;
  }

  #split(id: string, kind: string, params: SecretParams): { params: string; sealed: string | null } {
    const sensitive = new Set(this.kinds.sensitiveFields(kind));
    const clear: Record<string, unknown> = {};
    const secret: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) {
      if (sensitive.has(key)) secret[key] = value;
      else clear[key] = value;
    }
    const sealed = Object.keys(secret).length > 0 ? this.keys.encrypt(JSON.stringify(secret), id) : null;
    return { params: JSON.stringify(clear), sealed };
  }

  #revealRow(row: SecretRow): RevealedSecret {
    const secret = row.sealed ? (JSON.parse(this.keys.decrypt(row.sealed, row.id)) as Record<string, unknown>) : {};
    for (const value of Object.values(secret)) if (typeof value === 'string') this.redactor.register(value);
    const params = { ...(JSON.parse(row.params) as Record<string, unknown>), ...secret };
    return { id: row.id, name: row.name, kind: row.kind, revision: row.revision, params };
  }

  #view(row: SecretRow): SecretView {
    const params = JSON.parse(row.params) as Record<string, unknown>;
    for (const name of this.kinds.sensitiveFields(row.kind)) params[name] = MASK;
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      description: row.description,
      origin: row.origin,
      owner: row.owner,
      params,
      revision: row.revision,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  #writeUnique<T>(name: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError('secret-name-taken', `A secret named '${name}' already exists. Choose another name or update that secret.`);
      }
      throw error;
    }
  }

  #emit(change: SecretChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(what, zodIssues(result.error));
  return result.data;
}
