/**
 * The `SecretStore`: validates input against the kind's declaration, seals sensitive params with the
 * key ring, returns masked views, bumps revisions and announces changes; rows live in `SecretRecords`.
 */
import { randomBytes } from 'node:crypto';
import { inject, injectable, multiInject, optional } from 'inversify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { ConflictError } from '../errors/conflict-error.js';
import { CredentialsRequiredError } from '../errors/credentials-required-error.js';
import { KindNotLoadedError } from '../errors/kind-not-loaded-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { zodIssues } from '../errors/zod-issues.js';
import { INPUT_LIMITS } from '../input/input-limits.js';
import { lazily } from '../input/lazily.js';
import { textError } from '../input/text-error.js';
import { isSecretParamName, type Redactor } from '../logging/redactor.js';
import { MASK } from '../secrets/field-declaration.js';
import type { SecretKindRegistry } from '../secrets/secret-kind-registry.js';
import type { SecretParams } from '../secrets/secret-kind.js';
import { CORE } from '../tokens.js';
import { carriedCredentials } from './carried-credentials.js';
import type { SealedValue, SecretRecord, SecretRecords } from './secret-records.js';
import type { SecretUsage } from './secret-usage.js';
import { withoutControls } from '../input/without-controls.js';
import type { StorageHealth } from './storage-health.js';
import type {
  NewSecret,
  RevealedSecret,
  RotationProgress,
  SecretChange,
  SecretListFilter,
  SecretPatch,
  SecretStore,
  SecretView,
} from './secret-store.js';

function nameSchema() {
  return z
    .string({ error: textError('name') })
    .trim()
    .min(1, 'name is required')
    .max(INPUT_LIMITS.name, `name must be at most ${INPUT_LIMITS.name} characters`)
    .regex(/^([A-Za-z0-9][A-Za-z0-9._:@ -]*)?$/, 'name may contain letters, digits, spaces and . _ : @ -, starting with a letter or digit');
}

/** A description is shown (views, the CLI): line ends and tabs, no other control character. */
function descriptionSchema() {
  return z
    .string()
    .max(INPUT_LIMITS.description)
    .refine((text) => withoutControls(text, { lines: true }), { message: 'description may not contain control characters' });
}

// Built on first use (see lazily).
const newSecretSchema = lazily(() =>
  z
    .object({
      name: nameSchema(),
      kind: z.string({ error: 'kind is required' }).min(1, 'kind is required').max(100, 'kind is at most 100 characters'),
      params: z.record(z.string(), z.unknown(), { error: 'params must be an object' }),
      description: descriptionSchema().optional(),
      origin: z.enum(['manual', 'connector']).optional(),
      owner: z.string().min(1).max(200).optional(),
    })
    .strict(),
);

const patchSchema = lazily(() =>
  z
    .object({
      name: nameSchema().optional(),
      description: descriptionSchema().optional(),
      params: z.record(z.string(), z.unknown(), { error: 'params must be an object' }).optional(),
      expectedRevision: z.number().int().positive().optional(),
    })
    .strict(),
);

/** The largest page `list` returns. */
export const SECRET_PAGE_MAX = 1_000;

/** A page of `list`: its size and the name it starts after. */
const pageSchema = lazily(() =>
  z.object({
    limit: z.number().int('limit must be a whole number').min(1, 'limit must be at least 1').max(SECRET_PAGE_MAX, `limit must be at most ${SECRET_PAGE_MAX}`).optional(),
    after: z.string({ error: 'after must be a secret name' }).max(INPUT_LIMITS.name, `after must be at most ${INPUT_LIMITS.name} characters`).optional(),
  }),
);

const ROTATION_BATCH = 200;
/** The data task that seals extras whose names count as secret since secret words count anywhere in a name. */
const SEAL_SECRET_EXTRAS_TASK = 'core-data-001-seal-secret-extras';
/** Key, inside the sealed envelope, of the extra parameters whose names say they are secret. */
const SEALED_EXTRAS = '$extraParams';
/** Key, in the clear params, of those parameters' names: a view shows them masked without decrypting. */
const SEALED_EXTRA_NAMES = '$sealedExtraNames';

function splitExtras(extras: Record<string, string> | undefined): { clear?: Record<string, string>; sensitive?: Record<string, string> } {
  if (!extras) return {};
  const clear = Object.entries(extras).filter(([name]) => !isSecretParamName(name));
  const sensitive = Object.entries(extras).filter(([name]) => isSecretParamName(name));
  return {
    ...(clear.length > 0 && { clear: Object.fromEntries(clear) }),
    ...(sensitive.length > 0 && { sensitive: Object.fromEntries(sensitive) }),
  };
}

@injectable()
export class SecretStoreService implements SecretStore {
  readonly #listeners = new Set<(change: SecretChange) => void>();
  #prepared: Promise<void> | undefined;

  constructor(
    @inject(CORE.SecretRecords) private readonly records: SecretRecords,
    @inject(CORE.KeyRing) private readonly keys: KeyRing,
    @inject(CORE.SecretKindRegistry) private readonly kinds: SecretKindRegistry,
    @inject(CORE.Redactor) private readonly redactor: Redactor,
    @inject(CORE.Clock) private readonly clock: Clock,
    /** A write refused for lack of space is a `StorageFullError`, and the state it sets is cleared by the next that succeeds. */
    @inject(CORE.StorageHealth) private readonly storage: StorageHealth,
    @multiInject(CORE.SecretUsage) @optional() private readonly usages: SecretUsage[] = [],
  ) {
    // Changes made by other instances reach this one's caches (the token provider's) within a NOTIFY.
    records.watch?.((id) => this.#emit({ type: 'updated', id, paramsChanged: true, remote: true }));
  }

  async create(input: NewSecret): Promise<SecretView> {
    await this.#prepare();
    const parsed = parseOrThrow(newSecretSchema(), input, 'The secret');
    const params = this.kinds.parseParams(parsed.kind, parsed.params);
    const id = 'sec_' + randomBytes(10).toString('hex');
    const now = new Date(this.clock.now()).toISOString();
    const record: SecretRecord = {
      id,
      name: parsed.name,
      kind: parsed.kind,
      description: parsed.description ?? '',
      origin: parsed.origin ?? 'manual',
      owner: parsed.owner ?? null,
      ...this.#seal(id, parsed.kind, params),
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.storage.write(() => this.records.insert(record));
    this.#emit({ type: 'created', id, paramsChanged: true });
    return this.#view(record);
  }

  async get(id: string): Promise<SecretView> {
    await this.#prepare();
    return this.#view(await this.#find(id));
  }

  async list(filter: SecretListFilter = {}): Promise<SecretView[]> {
    await this.#prepare();
    const page = parseOrThrow(pageSchema(), { limit: filter.limit, after: filter.after }, 'The page');
    return (await this.records.list({ ...filter, ...page })).map((record) => this.#view(record));
  }

  async update(id: string, patch: SecretPatch): Promise<SecretView> {
    await this.#prepare();
    const parsed = parseOrThrow(patchSchema(), patch, 'The change');
    const current = this.#loaded(await this.#find(id));
    if (parsed.expectedRevision !== undefined && parsed.expectedRevision !== current.revision) {
      throw new ConflictError(
        'revision-mismatch',
        `Secret '${current.name}' changed since you read it (revision ${current.revision}, you sent ${parsed.expectedRevision}). Reload it and apply your change again.`,
      );
    }
    let stored = { params: current.params, sealed: current.sealed };
    let paramsChanged = false;
    if (parsed.params) {
      const previous = this.#reveal(current).params;
      const params = this.kinds.parseParams(current.kind, this.#merge(current.kind, previous, parsed.params));
      this.#refuseCarriedCredentials(current, previous, parsed.params);
      paramsChanged = JSON.stringify(params) !== JSON.stringify(previous);
      // Sealed afresh even when unchanged: a row from an older version may hold in clear an extra
      // parameter whose name now counts as secret.
      stored = this.#seal(id, current.kind, params);
    }
    const name = parsed.name ?? current.name;
    const description = parsed.description ?? current.description;
    // A write that changes nothing still takes a revision (a connector claims a secret so), but the secret
    // was not updated: its time stays.
    const changed = paramsChanged || name !== current.name || description !== current.description;
    const next: SecretRecord = {
      ...current,
      name,
      description,
      ...stored,
      revision: current.revision + 1,
      updatedAt: changed ? new Date(this.clock.now()).toISOString() : current.updatedAt,
    };
    if (!(await this.storage.write(() => this.records.replace(next, current.revision, paramsChanged)))) {
      throw new ConflictError('revision-mismatch', `Secret '${current.name}' was changed by someone else meanwhile. Reload it and try again.`);
    }
    this.#emit({ type: 'updated', id, paramsChanged });
    return this.#view(next);
  }

  /** Refused with `secret-in-use` while anything (a webhook endpoint, a connector) still uses the secret. */
  async delete(id: string, options: { expectedRevision?: number } = {}): Promise<void> {
    const record = await this.#find(id);
    const { expectedRevision } = options;
    if (expectedRevision !== undefined && expectedRevision !== record.revision) throw this.#changedMeanwhile(record);
    await this.#refuseWhileUsed(record);
    let removed: boolean;
    try {
      removed = await this.storage.write(() => this.records.remove(id, expectedRevision));
    } catch (error) {
      // Given to a webhook after the check above: the database refused (a trigger or a foreign key of the user's package).
      if (error instanceof ConflictError && error.code === 'secret-in-use') await this.#refuseWhileUsed(record);
      throw error;
    }
    if (!removed) {
      const now = await this.records.find(id);
      throw now === undefined ? new NotFoundError('secret', id) : this.#changedMeanwhile(now);
    }
    this.redactor.forget(id);
    this.#emit({ type: 'deleted', id, paramsChanged: true });
  }

  #changedMeanwhile(record: SecretRecord): ConflictError {
    return new ConflictError('revision-mismatch', `Secret '${record.name}' was changed by someone else meanwhile (now revision ${record.revision}). Reload it and try again.`);
  }

  async #refuseWhileUsed(record: SecretRecord): Promise<void> {
    const users = (await Promise.all(this.usages.map((usage) => usage.usersOf(record.id)))).flat();
    if (users.length === 0) return;
    throw new ConflictError('secret-in-use', `Secret '${record.name}' is used by ${users.join(', ')}. Point them at another secret or delete them first.`, { users });
  }

  async reveal(id: string): Promise<RevealedSecret> {
    await this.#prepare();
    return this.#reveal(this.#loaded(await this.#find(id)));
  }

  async draftWithChanges(id: string, params: Record<string, unknown>): Promise<{ kind: string; params: Record<string, unknown> }> {
    await this.#prepare();
    const current = this.#loaded(await this.#find(id));
    const previous = this.#reveal(current).params;
    this.#refuseCarriedCredentials(current, previous, params);
    return { kind: current.kind, params: this.#merge(current.kind, previous, params) };
  }

  async rotateKeys(onProgress?: (progress: RotationProgress) => void): Promise<{ reencrypted: number; total: number }> {
    const sealedAfresh = (await this.#sealClearSecretExtras()).sealed;
    // Two passes, a page of ROTATION_BATCH at a time, so memory holds one page however many secrets are
    // stored: the first counts what needs re-sealing (for the progress shown), the second re-seals it.
    let total = 0;
    let stale = 0;
    for await (const page of this.#sealedPages()) {
      total += page.length;
      stale += page.filter((value) => this.keys.needsRotation(value.sealed)).length;
    }
    let done = 0;
    onProgress?.({ done, total: stale });
    for await (const page of this.#sealedPages()) {
      const batch = page.filter((value) => this.keys.needsRotation(value.sealed));
      if (batch.length === 0) continue;
      await this.records.reseal(batch.map(({ id, sealed }) => ({ id, from: sealed, to: this.keys.encrypt(this.keys.decrypt(sealed, id), id) })));
      done += batch.length;
      // Another process may have written under an old key meanwhile: the count shown never runs behind.
      onProgress?.({ done, total: Math.max(stale, done) });
      // Let other work run between batches of a large rotation.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { reencrypted: done + sealedAfresh, total };
  }

  /** The sealed envelopes, ROTATION_BATCH at a time in the order the storage rewrites cheapest. */
  async *#sealedPages(): AsyncGenerator<SealedValue[]> {
    for (let after: string | undefined; ; ) {
      const page = await this.records.sealedValues({ limit: ROTATION_BATCH, ...(after === undefined ? {} : { after }) });
      if (page.length > 0) yield page;
      if (page.length < ROTATION_BATCH) return;
      after = page.at(-1)?.cursor;
    }
  }

  /**
   * Seals the extra parameters that rows from an older version hold in clear although their names now
   * count as secret. `strict`: a row that cannot be opened (its key or kind missing) fails the whole;
   * else it is left for later (and `skipped` counts it).
   */
  async #sealClearSecretExtras(strict = true): Promise<{ sealed: number; skipped: number }> {
    let sealed = 0;
    let skipped = 0;
    for await (const record of this.#everyRecord()) {
      const extras = (JSON.parse(record.params) as Record<string, unknown>).extraParams as Record<string, unknown> | undefined;
      if (!extras || !Object.keys(extras).some(isSecretParamName)) continue;
      try {
        const next = { ...record, ...this.#seal(record.id, record.kind, this.#reveal(record).params), revision: record.revision + 1, updatedAt: new Date(this.clock.now()).toISOString() };
        if (await this.records.replace(next, record.revision)) sealed++;
      } catch (error) {
        if (strict) throw error;
        skipped++;
      }
    }
    return { sealed, skipped };
  }

  /** Every stored record, a page of ROTATION_BATCH at a time in name order (memory holds one page). */
  async *#everyRecord(): AsyncGenerator<SecretRecord> {
    for (let after: string | undefined; ; ) {
      const page = await this.records.list({ limit: ROTATION_BATCH, ...(after === undefined ? {} : { after }) });
      yield* page;
      if (page.length < ROTATION_BATCH) return;
      after = page.at(-1)?.name;
    }
  }

  /**
   * Before the store is first used, once per database (not on every start of a CLI command): what older
   * rows hold in clear and should not, sealed (DESIGN §7). Done again at a later start if a row could not be opened.
   */
  #prepare(): Promise<void> {
    // Shared by concurrent first calls; a failure (database unreachable) is tried again by the next call.
    this.#prepared ??= this.records.once(SEAL_SECRET_EXTRAS_TASK, async () => (await this.#sealClearSecretExtras(false)).skipped === 0).catch((error: unknown) => {
      this.#prepared = undefined;
      throw error;
    });
    return this.#prepared;
  }

  onChange(listener: (change: SecretChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A secret is used (its token, a test, a change) only with its kind loaded; listing and deleting need no kind. */
  #loaded(record: SecretRecord): SecretRecord {
    if (!this.kinds.has(record.kind)) throw new KindNotLoadedError(record.kind, record.name);
    return record;
  }

  async #find(id: string): Promise<SecretRecord> {
    const record = await this.records.find(id);
    if (!record) throw new NotFoundError('secret', id);
    return record;
  }

  /** DESIGN §7: a change that moves where the credentials go must give every stored one again. */
  #refuseCarriedCredentials(record: SecretRecord, previous: SecretParams, patch: Record<string, unknown>): void {
    const carried = carriedCredentials(this.kinds.get(record.kind), previous, patch);
    if (carried.credentials.length === 0) return;
    const path = (name: string) => `params.${name}`;
    throw new CredentialsRequiredError(`Secret '${record.name}'`, carried.destinations.map(path), carried.credentials.map(path));
  }

  /** Applies a patch to params: a sensitive field left out or sent masked keeps its value; null clears a field. */
  #merge(kind: string, previous: SecretParams, patch: Record<string, unknown>): Record<string, unknown> {
    const merged = new Map(Object.entries(previous));
    const sensitive = new Set(this.kinds.sensitiveFields(kind));
    for (const [key, value] of Object.entries(patch)) {
      if (sensitive.has(key) && (value === undefined || value === MASK)) continue;
      if (key === 'extraParams' && value !== null && typeof value === 'object') {
        // An extra parameter sent back masked keeps its stored value.
        const before = (previous.extraParams ?? {}) as Record<string, unknown>;
        merged.set(key, Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === MASK ? before[k] : v])));
        continue;
      }
      if (value === undefined || value === null) merged.delete(key);
      else merged.set(key, value);
    }
    return Object.fromEntries(merged);
  }

  /** Splits params into clear JSON and one sealed envelope: sensitive fields, and extra parameters with sensitive names. */
  #seal(id: string, kind: string, params: SecretParams): { params: string; sealed: string | null } {
    const sensitive = new Set(this.kinds.sensitiveFields(kind));
    const clear: Record<string, unknown> = {};
    const secret: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) {
      if (sensitive.has(key)) secret[key] = value;
      else clear[key] = value;
    }
    const extras = splitExtras(params.extraParams as Record<string, string> | undefined);
    if (extras.sensitive) secret[SEALED_EXTRAS] = extras.sensitive;
    clear[SEALED_EXTRA_NAMES] = Object.keys(extras.sensitive ?? {});
    if (extras.clear) clear.extraParams = extras.clear;
    else delete clear.extraParams;
    const sealed = Object.keys(secret).length > 0 ? this.keys.encrypt(JSON.stringify(secret), id) : null;
    return { params: JSON.stringify(clear), sealed };
  }

  #reveal(record: SecretRecord): RevealedSecret {
    const sealed = record.sealed ? (JSON.parse(this.keys.decrypt(record.sealed, record.id)) as Record<string, unknown>) : {};
    const { [SEALED_EXTRAS]: sealedExtras, ...secret } = sealed;
    const { [SEALED_EXTRA_NAMES]: _names, ...clear } = JSON.parse(record.params) as Record<string, unknown>;
    const params: Record<string, unknown> = { ...clear, ...secret };
    if (sealedExtras) params.extraParams = { ...(clear.extraParams as Record<string, string> | undefined), ...(sealedExtras as Record<string, string>) };
    // By name, not by where they are stored: a row from an older version may hold in clear an extra
    // parameter whose name now counts as secret.
    this.redactor.registerCredentials(record.id, this.kinds.sensitiveValues(record.kind, params));
    return { id: record.id, name: record.name, kind: record.kind, revision: record.revision, params };
  }

  #view(record: SecretRecord): SecretView {
    const { [SEALED_EXTRA_NAMES]: names, ...params } = JSON.parse(record.params) as Record<string, unknown>;
    // A kind not loaded: what it stored in clear is what it did not declare sensitive; the rest is sealed.
    const kindKnown = this.kinds.has(record.kind);
    if (kindKnown) for (const name of this.kinds.sensitiveFields(record.kind)) params[name] = MASK;
    // Which sealed extra parameters exist is not secret; their values are. A view never decrypts, so one
    // row whose key is missing cannot break a list; clear extras named like secrets are masked too.
    const extras = Object.entries((params.extraParams ?? {}) as Record<string, string>).map(([k, v]) => [k, isSecretParamName(k) ? MASK : v]);
    const sealedNames = Array.isArray(names) ? (names as string[]) : this.#sealedExtraNamesOf(record);
    for (const name of sealedNames) extras.push([name, MASK]);
    if (extras.length > 0) params.extraParams = Object.fromEntries(extras);
    return {
      id: record.id,
      name: record.name,
      kind: record.kind,
      description: record.description,
      origin: record.origin,
      owner: record.owner,
      params,
      kindKnown,
      revision: record.revision,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  /** For rows written before the names were kept in the clear: read them from the envelope, if it opens. */
  #sealedExtraNamesOf(record: SecretRecord): string[] {
    if (!record.sealed) return [];
    try {
      const sealed = JSON.parse(this.keys.decrypt(record.sealed, record.id)) as Record<string, unknown>;
      return Object.keys((sealed[SEALED_EXTRAS] ?? {}) as Record<string, string>);
    } catch {
      return [];
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
