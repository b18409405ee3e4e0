/**
 * The rules of `EndpointStore` over either storage (EndpointRecords): validation, the secret check,
 * signing secrets sealed with the core key ring, failing periods, and a small cache for the hot paths.
 */
import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import {
  CORE,
  INPUT_LIMITS,
  ConflictError,
  CredentialsRequiredError,
  NotFoundError,
  ValidationError,
  type Clock,
  type KeyRing,
  type Redactor,
  type SecretStore,
  zodIssues,
} from '@tessera/core';
import type { DeliveryQueue } from '../delivery/delivery-queue.js';
import { WEBHOOKS } from '../tokens.js';
import { readRetention, storedRetention } from '../retention/endpoint-retention.js';
import type { ResolvedWebhooksOptions } from '../webhooks-options.js';
import { keptHeaders, legacyClearHeaders, maskedHeaders, mergeHeaders, openHeaders, sealHeaders } from './endpoint-headers.js';
import type { EndpointRecords, EndpointRow } from './endpoint-records.js';
import { endpointSchemas } from './endpoint-schemas.js';
import type { DeliveryTarget, EndpointDeletion, EndpointPatch, EndpointStore, EndpointView, EndpointWithSecret, NewEndpoint } from './endpoint-store.js';
import { matchesEvent } from './event-filter.js';
import { SIGNING_SECRET_MASK, generateSigningSecret } from './signing-secret.js';

/** Failures further apart than this are separate failing periods, not one long one. */
const FAILING_GAP_MS = 86_400_000;
/**
 * The endpoint cache is reloaded when any process changes an endpoint (the records' version moves),
 * and at the latest after this long, as a backstop.
 */
const CACHE_BACKSTOP_MS = 30_000;
/** The change counter is read at most this often. */
const VERSION_READ_EVERY_MS = 1;

/** A rotated-out signing secret (sealed in the row as a JSON list) and when its grace period ends. */
interface PreviousSigningSecret {
  secret: string;
  until: number;
}

@injectable()
export class EndpointStoreService implements EndpointStore {
  #cache: { version: number; at: number; targets: Map<string, DeliveryTarget> } | undefined;
  /** Endpoints whose rotated-out signing secrets may still be in their grace periods. */
  #signing = new Map<string, PreviousSigningSecret[]>();
  #loading: Promise<Map<string, DeliveryTarget>> | undefined;
  /** Counts the times the cache was found stale (`#invalidate`), so a reload that overlapped one is not kept. */
  #writes = 0;
  /** When the records' version was last read (`performance.now()`). */
  #versionReadAt = -Infinity;

  constructor(
    @inject(WEBHOOKS.EndpointRecords) private readonly records: EndpointRecords,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
    @inject(WEBHOOKS.Options) private readonly options: ResolvedWebhooksOptions,
    @inject(CORE.SecretStore) private readonly secrets: SecretStore,
    @inject(CORE.KeyRing) private readonly keys: KeyRing,
    @inject(CORE.Redactor) private readonly redactor: Redactor,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {}

  async create(input: NewEndpoint): Promise<EndpointWithSecret> {
    const parsed = parse(endpointSchemas().newEndpoint, input, 'The webhook endpoint');
    await this.#assertSecret(parsed.secretId);
    const id = 'ep_' + randomBytes(10).toString('hex');
    const signingSecret = parsed.signing === 'none' ? undefined : parsed.signing === undefined || parsed.signing === 'generate' ? generateSigningSecret() : parsed.signing.secret;
    const now = this.clock.now();
    const row: EndpointRow = {
      id,
      name: parsed.name ?? (await this.#freeName(new URL(parsed.url).host)),
      url: parsed.url,
      secret_id: parsed.secretId,
      events: JSON.stringify(parsed.events ?? ['*']),
      enabled: parsed.enabled === false ? 0 : 1,
      disabled_reason: parsed.enabled === false ? 'disabled when created' : null,
      timeout_ms: parsed.timeoutMs ?? this.options.timeoutMs,
      retry_schedule: parsed.retrySchedule ? JSON.stringify(parsed.retrySchedule) : null,
      ...sealHeaders(this.keys, id, parsed.headers ?? {}),
      signing_secret: signingSecret ? this.keys.encrypt(signingSecret, id) : null,
      previous_signing_secret: null,
      previous_signing_expires_at: null,
      failing_since: null,
      last_failed_at: null,
      revision: 1,
      created_at: now,
      updated_at: now,
      retention: storedRetention(parsed.retention),
    };
    await this.records.insert(row);
    this.#invalidate();
    return { endpoint: this.#view(row), ...(signingSecret !== undefined && { signingSecret }) };
  }

  async get(id: string): Promise<EndpointView> {
    return this.#view(await this.#row(id));
  }

  async list(): Promise<EndpointView[]> {
    return (await this.records.all()).map((row) => this.#view(row));
  }

  async update(id: string, patch: EndpointPatch): Promise<EndpointView> {
    const parsed = parse(endpointSchemas().endpointPatch, patch, 'The change to the webhook endpoint');
    const current = await this.#row(id);
    if (parsed.expectedRevision !== undefined && parsed.expectedRevision !== current.revision) {
      throw new ConflictError(
        'revision-mismatch',
        `Webhook endpoint '${current.name}' changed since you read it (revision ${current.revision}, you sent ${parsed.expectedRevision}). Reload it and apply your change again.`,
      );
    }
    // A form that sends every field sends the secret unchanged too: only a new one is checked.
    if (parsed.secretId !== undefined && parsed.secretId !== current.secret_id) await this.#assertSecret(parsed.secretId);
    const stored = openHeaders(this.keys, current);
    // DESIGN §7: header values are credentials entered for this URL; moving the URL needs them again.
    if (parsed.url !== undefined && parsed.url !== current.url) {
      const kept = keptHeaders(parsed.headers, stored);
      if (kept.length > 0) throw new CredentialsRequiredError(`Webhook endpoint '${current.name}'`, ['url'], kept);
    }
    // Sealed afresh even when unchanged: a row from an older version may hold its values in clear.
    const headers = sealHeaders(this.keys, id, parsed.headers ? mergeHeaders(parsed.headers, stored) : stored);
    const next: EndpointRow = {
      ...current,
      name: parsed.name ?? current.name,
      url: parsed.url ?? current.url,
      secret_id: parsed.secretId ?? current.secret_id,
      events: parsed.events ? JSON.stringify(parsed.events) : current.events,
      timeout_ms: parsed.timeoutMs ?? current.timeout_ms,
      retry_schedule: parsed.retrySchedule === undefined ? current.retry_schedule : parsed.retrySchedule === null ? null : JSON.stringify(parsed.retrySchedule),
      ...(parsed.headers !== undefined || legacyClearHeaders(current) !== undefined ? headers : {}),
      retention: parsed.retention === undefined ? current.retention : storedRetention(parsed.retention),
      revision: current.revision + 1,
      updated_at: this.clock.now(),
    };
    if (parsed.enabled !== undefined) {
      next.enabled = parsed.enabled ? 1 : 0;
      next.disabled_reason = parsed.enabled ? null : 'disabled by an operator';
    }
    await this.#write(next);
    // Enabling by hand starts afresh: the failing period that disabled it is over.
    if (parsed.enabled === true) {
      await this.records.markFailing(id, false, this.clock.now(), FAILING_GAP_MS);
      next.failing_since = null;
      next.last_failed_at = null;
    }
    // What this call wrote, not a read after it (which may show another process's change, or a deletion, as this one's).
    return this.#view(next);
  }

  async delete(id: string): Promise<EndpointDeletion> {
    await this.#row(id);
    // Its waiting deliveries fail first: should that fail, the endpoint is still there to try again.
    // (One published in between fails when a dispatcher finds its endpoint gone.)
    // (A queue of another package that says nothing counts as none.)
    const failedDeliveries = (await this.queue.failEndpoint(id, this.clock.now())) ?? 0;
    await this.records.remove(id);
    this.#invalidate();
    this.redactor.forget(redactionOwner(id));
    return { failedDeliveries };
  }

  async rotateSigningSecret(id: string, options: { graceMs?: number } = {}): Promise<EndpointWithSecret> {
    const current = await this.#row(id);
    const signingSecret = generateSigningSecret();
    const now = this.clock.now();
    // Every rotated-out secret keeps its own grace period, so rotating twice in a row drops neither; a
    // shorter grace cuts the older ones short too (graceMs: 0 after a leak ends them all at once).
    const until = now + (options.graceMs ?? this.options.signingGraceMs);
    const previous = this.#previousSigningSecrets(current)
      .map((p) => ({ secret: p.secret, until: Math.min(p.until, until) }))
      .filter((p) => p.until > now);
    if (current.signing_secret && until > now) previous.unshift({ secret: this.keys.decrypt(current.signing_secret, id), until });
    const next: EndpointRow = {
      ...current,
      signing_secret: this.keys.encrypt(signingSecret, id),
      previous_signing_secret: previous.length > 0 ? this.keys.encrypt(JSON.stringify(previous), id) : null,
      previous_signing_expires_at: previous.length > 0 ? Math.max(...previous.map((p) => p.until)) : null,
      revision: current.revision + 1,
      updated_at: now,
    };
    await this.#write(next);
    return { endpoint: this.#view(next), signingSecret };
  }

  async disable(id: string, reason: string): Promise<EndpointView> {
    const current = await this.#row(id);
    const next: EndpointRow = { ...current, enabled: 0, disabled_reason: reason, revision: current.revision + 1, updated_at: this.clock.now() };
    await this.#write(next);
    return this.#view(next);
  }

  async resealSigningSecrets(): Promise<number> {
    let changed = 0;
    for (const row of await this.records.all()) {
      const stale = (value: string | null) => value !== null && this.keys.needsRotation(value);
      if (!stale(row.signing_secret) && !stale(row.previous_signing_secret) && !stale(row.sealed_headers) && legacyClearHeaders(row) === undefined) continue;
      await this.#write(this.#resealed(row));
      changed++;
    }
    return changed;
  }

  /** The row with every sealed value under the primary key, and header values from an older version sealed. */
  #resealed(row: EndpointRow): EndpointRow {
    const reseal = (value: string | null) => (value === null ? null : this.keys.encrypt(this.keys.decrypt(value, row.id), row.id));
    return {
      ...row,
      signing_secret: reseal(row.signing_secret),
      previous_signing_secret: reseal(row.previous_signing_secret),
      ...sealHeaders(this.keys, row.id, openHeaders(this.keys, row)),
      revision: row.revision + 1,
    };
  }

  async matching(type: string): Promise<DeliveryTarget[]> {
    const out: DeliveryTarget[] = [];
    for (const target of (await this.#targets()).values()) if (target.enabled && matchesEvent(target.events, type)) out.push((await this.target(target.id)) as DeliveryTarget);
    return out;
  }

  async disabledIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const target of (await this.#targets()).values()) if (!target.enabled) ids.push(target.id);
    return ids;
  }

  async target(id: string): Promise<DeliveryTarget | undefined> {
    let target = (await this.#targets()).get(id);
    // Not in the cache: read the row itself. Only an endpoint that is really gone decides a delivery's fate.
    if (!target && (await this.records.find(id)) !== undefined) {
      this.#invalidate();
      target = (await this.#targets()).get(id);
    }
    if (!target) return undefined;
    // An old signing secret is sent only until its grace period ends, even from a cached entry.
    const previous = this.#signing.get(id);
    if (!previous) return target;
    const now = this.clock.now();
    const valid = previous.filter((p) => p.until > now).map((p) => p.secret);
    return valid.length > 0 ? { ...target, signingSecrets: [...target.signingSecrets, ...valid] } : target;
  }

  /**
   * A failure starts a failing period, or continues it if the previous failure was recent (within a
   * day); a success ends it. Auto-disable looks at how long the period has lasted.
   */
  async markFailing(id: string, failing: boolean): Promise<{ failingSince: number | null }> {
    const cached = (await this.#targets()).get(id);
    // The common case, on every success of a healthy endpoint: nothing to write.
    if (!failing && cached && cached.failingSince === null) return { failingSince: null };
    const failingSince = (await this.records.markFailing(id, failing, this.clock.now(), FAILING_GAP_MS)) ?? null;
    if (cached) cached.failingSince = failingSince === null ? null : new Date(failingSince).toISOString();
    return { failingSince };
  }

  /** The cache, reloaded when the version moved (several callers at once share one reload). */
  #targets(): Map<string, DeliveryTarget> | Promise<Map<string, DeliveryTarget>> {
    // Every process's change moves the version: read it (SQLite: one row, about 2 µs; PostgreSQL: kept
    // current by NOTIFY) at most once a millisecond, so a change committed anywhere is seen at once
    // without a read per delivery.
    const tick = performance.now();
    if (this.#cache && tick - this.#versionReadAt < VERSION_READ_EVERY_MS) return this.#cache.targets;
    if (this.#loading) return this.#loading;
    const loading = this.#reload(tick).finally(() => {
      if (this.#loading === loading) this.#loading = undefined;
    });
    this.#loading = loading;
    return loading;
  }

  /**
   * The cache may be older than the database (this process wrote an endpoint, or found a row the cache
   * lacks): the next use reloads, and a reload already under way is neither joined nor kept.
   */
  #invalidate(): void {
    this.#cache = undefined;
    this.#loading = undefined;
    this.#writes++;
  }

  async #reload(tick: number): Promise<Map<string, DeliveryTarget>> {
    const writes = this.#writes;
    const version = await this.records.version();
    this.#versionReadAt = tick;
    const wall = Date.now();
    if (this.#cache && this.#cache.version === version && wall - this.#cache.at < CACHE_BACKSTOP_MS) return this.#cache.targets;
    const before = this.#cache?.targets;
    const targets = new Map<string, DeliveryTarget>();
    const signing = new Map<string, PreviousSigningSecret[]>();
    for (const row of await this.records.all()) {
      // Header values an older version wrote in clear are sealed as soon as they are seen.
      if (legacyClearHeaders(row) !== undefined) await this.#sealLegacyHeaders(row);
      const signingSecrets = row.signing_secret ? [this.keys.decrypt(row.signing_secret, row.id)] : [];
      const headers = openHeaders(this.keys, row);
      const previous = this.#previousSigningSecrets(row);
      if (previous.length > 0) signing.set(row.id, previous);
      // Every value that authenticates is masked in logs, wherever it would appear.
      this.redactor.registerCredentials(redactionOwner(row.id), [...Object.values(headers), ...signingSecrets, ...previous.map((p) => p.secret)]);
      targets.set(row.id, { ...this.#view(row), headers, signingSecrets });
    }
    for (const id of before?.keys() ?? []) if (!targets.has(id)) this.redactor.forget(redactionOwner(id));
    this.#signing = signing;
    // A write of this process landed while these rows were read: they may be older than it.
    if (writes === this.#writes) this.#cache = { version, at: wall, targets };
    return targets;
  }

  /** Seals the header values of a row an older version wrote in clear (another process may do it first: then nothing is written). */
  async #sealLegacyHeaders(row: EndpointRow): Promise<void> {
    await this.records.replace({ ...row, ...sealHeaders(this.keys, row.id, openHeaders(this.keys, row)), revision: row.revision + 1, updated_at: this.clock.now() });
  }

  /** A name for an endpoint created without one: its host, or the host with a number when that name is taken. */
  async #freeName(host: string): Promise<string> {
    const base = host.slice(0, INPUT_LIMITS.name - 8);
    if ((await this.records.byName(base)) === undefined) return base;
    for (let n = 2; ; n++) if ((await this.records.byName(`${base}-${n}`)) === undefined) return `${base}-${n}`;
  }

  /** The rotated-out signing secrets, newest first, expired ones included. */
  #previousSigningSecrets(row: EndpointRow): PreviousSigningSecret[] {
    if (row.previous_signing_secret === null || row.previous_signing_expires_at === null) return [];
    const opened = this.keys.decrypt(row.previous_signing_secret, row.id);
    // Rows written before several grace periods could overlap hold one bare secret, valid until the column's time.
    return opened.startsWith('[') ? (JSON.parse(opened) as PreviousSigningSecret[]) : [{ secret: opened, until: row.previous_signing_expires_at }];
  }

  async #assertSecret(secretId: string): Promise<void> {
    let secret;
    try {
      secret = await this.secrets.get(secretId);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new ValidationError('The webhook endpoint', [{ field: 'secretId', message: `secret '${secretId}' does not exist; create it first or pick an existing one` }]);
      }
      throw error;
    }
    // DESIGN §7: a connector's tokens open the API it connects to (a Salesforce session, say); sent to a
    // webhook's URL, they would go wherever whoever edits webhooks points it.
    if (secret.origin === 'connector') {
      throw new ValidationError('The webhook endpoint', [
        { field: 'secretId', message: `secret '${secret.name}' is maintained by a connector and its tokens are for that connector's API only; give the webhook a secret of its own` },
      ]);
    }
  }

  async #row(id: string): Promise<EndpointRow> {
    const row = await this.records.find(id);
    if (!row) throw new NotFoundError('webhook endpoint', id);
    return row;
  }

  async #write(next: EndpointRow): Promise<void> {
    if (!(await this.records.replace(next))) throw new ConflictError('revision-mismatch', `Webhook endpoint '${next.name}' was changed meanwhile. Reload it and try again.`);
    this.#invalidate();
  }

  #view(row: EndpointRow): EndpointView {
    const previousValid = row.previous_signing_secret !== null && (row.previous_signing_expires_at ?? 0) > this.clock.now();
    return {
      id: row.id,
      name: row.name,
      url: row.url,
      secretId: row.secret_id,
      events: JSON.parse(row.events) as string[],
      enabled: row.enabled === 1,
      disabledReason: row.disabled_reason,
      timeoutMs: row.timeout_ms,
      retrySchedule: row.retry_schedule ? (JSON.parse(row.retry_schedule) as number[]) : null,
      headers: maskedHeaders(row),
      signing: {
        enabled: row.signing_secret !== null,
        preview: row.signing_secret ? SIGNING_SECRET_MASK : null,
        previousValidUntil: previousValid ? new Date(row.previous_signing_expires_at as number).toISOString() : null,
      },
      failingSince: row.failing_since === null ? null : new Date(row.failing_since).toISOString(),
      retention: readRetention(row.retention),
      revision: row.revision,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }
}

/** Under whose name the Redactor keeps an endpoint's credentials. */
function redactionOwner(endpointId: string): string {
  return `endpoint:${endpointId}`;
}

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(what, zodIssues(result.error));
  return result.data;
}
