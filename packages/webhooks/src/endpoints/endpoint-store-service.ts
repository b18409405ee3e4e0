/**
 * The rules of `EndpointStore` over either storage (EndpointRecords): validation, the secret check,
 * signing secrets sealed with the core key ring, failing periods, and a small cache for the hot paths.
 */
import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import {
  CORE,
  INPUT_LIMITS,
  ConflictError,
  NotFoundError,
  ValidationError,
  type Clock,
  type KeyRing,
  type SecretStore,
  httpUrlSchema,
  zodIssues,
} from '@tessera/core';
import type { DeliveryQueue } from '../delivery/delivery-queue.js';
import { WEBHOOKS } from '../tokens.js';
import type { ResolvedWebhooksOptions } from '../webhooks-options.js';
import type { EndpointRecords, EndpointRow } from './endpoint-records.js';
import type { DeliveryTarget, EndpointPatch, EndpointStore, EndpointView, EndpointWithSecret, NewEndpoint } from './endpoint-store.js';
import { EVENT_PATTERN, matchesEvent } from './event-filter.js';
import { SIGNING_SECRET, SIGNING_SECRET_MASK, generateSigningSecret } from './signing-secret.js';

const RESERVED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'content-type',
  'content-length',
  'host',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);

const urlSchema = httpUrlSchema('url', "send a credential in a header (headers) or through the endpoint's secret instead");
const eventsSchema = z
  .array(
    z
      .string()
      .max(INPUT_LIMITS.eventType, `an event filter is at most ${INPUT_LIMITS.eventType} characters`)
      .regex(EVENT_PATTERN, "each event filter is an event type (invoice.paid), '*', or a prefix (invoice.*)"),
  )
  .min(1, 'events needs at least one filter')
  .max(100, 'at most 100 event filters');
/** What a header value may hold: printable Latin-1 and tabs; no control characters, line breaks (CR, LF, U+2028) or anything past U+00FF. */
const HEADER_VALUE = /^[\t\x20-\x7e\xa0-\xff]*$/;
const headersSchema = z
  .record(
    z.string().max(INPUT_LIMITS.entryName, `header names are at most ${INPUT_LIMITS.entryName} characters`).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'header names are tokens'),
    z
      .string()
      .max(INPUT_LIMITS.entryValue, `header values are at most ${INPUT_LIMITS.entryValue} characters`)
      .regex(HEADER_VALUE, 'header values may hold only printable Latin-1 characters: no control characters, no line breaks (CR, LF, U+2028), nothing past U+00FF'),
  )
  .refine((headers) => Object.keys(headers).length <= INPUT_LIMITS.entries, { message: `at most ${INPUT_LIMITS.entries} headers` })
  .refine((headers) => !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization'), {
    message: "an Authorization header is refused: it comes from the endpoint's secret",
  })
  .refine((headers) => !Object.keys(headers).some((name) => RESERVED_HEADERS.has(name.toLowerCase()) && name.toLowerCase() !== 'authorization'), {
    message: `headers may not set ${[...RESERVED_HEADERS].filter((h) => h !== 'authorization').join(', ')}`,
  });
const scheduleSchema = z.array(z.number().nonnegative().max(7 * 86_400)).max(50);

const newEndpointSchema = z
  .object({
    name: z.string().trim().min(1).max(INPUT_LIMITS.name).optional(),
    url: urlSchema,
    secretId: z.string({ error: 'secretId is required' }).min(1, 'secretId is required'),
    events: eventsSchema.optional(),
    enabled: z.boolean().optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    retrySchedule: scheduleSchema.optional(),
    headers: headersSchema.optional(),
    signing: z
      .union([z.literal('generate'), z.literal('none'), z.object({ secret: z.string().regex(SIGNING_SECRET, 'a signing secret looks like whsec_ followed by base64') }).strict()])
      .optional(),
  })
  .strict();

const patchSchema = z
  .object({
    name: z.string().trim().min(1).max(INPUT_LIMITS.name).optional(),
    url: urlSchema.optional(),
    secretId: z.string().min(1).optional(),
    events: eventsSchema.optional(),
    enabled: z.boolean().optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    retrySchedule: scheduleSchema.nullable().optional(),
    headers: headersSchema.optional(),
  })
  .strict();

/** Failures further apart than this are separate failing periods, not one long one. */
const FAILING_GAP_MS = 86_400_000;
/** Endpoints are re-read at least this often, so changes made by another process are seen. */
const CACHE_TTL_MS = 2_000;

/** A rotated-out signing secret (sealed in the row as a JSON list) and when its grace period ends. */
interface PreviousSigningSecret {
  secret: string;
  until: number;
}

@injectable()
export class EndpointStoreService implements EndpointStore {
  #cache: { at: number; targets: Map<string, DeliveryTarget> } | undefined;
  /** Endpoints whose rotated-out signing secrets may still be in their grace periods. */
  readonly #signing = new Map<string, PreviousSigningSecret[]>();

  constructor(
    @inject(WEBHOOKS.EndpointRecords) private readonly records: EndpointRecords,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
    @inject(WEBHOOKS.Options) private readonly options: ResolvedWebhooksOptions,
    @inject(CORE.SecretStore) private readonly secrets: SecretStore,
    @inject(CORE.KeyRing) private readonly keys: KeyRing,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {}

  async create(input: NewEndpoint): Promise<EndpointWithSecret> {
    const parsed = parse(newEndpointSchema, input, 'The webhook endpoint');
    await this.#assertSecret(parsed.secretId);
    const id = 'ep_' + randomBytes(10).toString('hex');
    const signingSecret = parsed.signing === 'none' ? undefined : parsed.signing === undefined || parsed.signing === 'generate' ? generateSigningSecret() : parsed.signing.secret;
    const now = this.clock.now();
    const row: EndpointRow = {
      id,
      name: parsed.name ?? new URL(parsed.url).host,
      url: parsed.url,
      secret_id: parsed.secretId,
      events: JSON.stringify(parsed.events ?? ['*']),
      enabled: parsed.enabled === false ? 0 : 1,
      disabled_reason: parsed.enabled === false ? 'disabled when created' : null,
      timeout_ms: parsed.timeoutMs ?? this.options.timeoutMs,
      retry_schedule: parsed.retrySchedule ? JSON.stringify(parsed.retrySchedule) : null,
      headers: JSON.stringify(parsed.headers ?? {}),
      signing_secret: signingSecret ? this.keys.encrypt(signingSecret, id) : null,
      previous_signing_secret: null,
      previous_signing_expires_at: null,
      failing_since: null,
      last_failed_at: null,
      revision: 1,
      created_at: now,
      updated_at: now,
    };
    this.records.insert(row);
    this.#cache = undefined;
    return { endpoint: this.#view(row), ...(signingSecret !== undefined && { signingSecret }) };
  }

  async get(id: string): Promise<EndpointView> {
    return this.#view(this.#row(id));
  }

  async list(): Promise<EndpointView[]> {
    return this.records.all().map((row) => this.#view(row));
  }

  async update(id: string, patch: EndpointPatch): Promise<EndpointView> {
    const parsed = parse(patchSchema, patch, 'The change to the webhook endpoint');
    const current = this.#row(id);
    if (parsed.secretId !== undefined) await this.#assertSecret(parsed.secretId);
    const next: EndpointRow = {
      ...current,
      name: parsed.name ?? current.name,
      url: parsed.url ?? current.url,
      secret_id: parsed.secretId ?? current.secret_id,
      events: parsed.events ? JSON.stringify(parsed.events) : current.events,
      timeout_ms: parsed.timeoutMs ?? current.timeout_ms,
      retry_schedule: parsed.retrySchedule === undefined ? current.retry_schedule : parsed.retrySchedule === null ? null : JSON.stringify(parsed.retrySchedule),
      headers: parsed.headers ? JSON.stringify(parsed.headers) : current.headers,
      revision: current.revision + 1,
      updated_at: this.clock.now(),
    };
    if (parsed.enabled !== undefined) {
      next.enabled = parsed.enabled ? 1 : 0;
      next.disabled_reason = parsed.enabled ? null : 'disabled by an operator';
    }
    this.#write(next);
    // Enabling by hand starts afresh: the failing period that disabled it is over.
    if (parsed.enabled === true) this.records.markFailing(id, false, this.clock.now(), FAILING_GAP_MS);
    return this.#view(this.#row(id));
  }

  async delete(id: string): Promise<void> {
    this.#row(id);
    // Its waiting deliveries fail first: should that fail, the endpoint is still there to try again.
    this.queue.failEndpoint(id, this.clock.now(), () => this.records.remove(id));
    this.#cache = undefined;
  }

  async rotateSigningSecret(id: string, options: { graceMs?: number } = {}): Promise<EndpointWithSecret> {
    const current = this.#row(id);
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
    this.#write(next);
    return { endpoint: this.#view(next), signingSecret };
  }

  async disable(id: string, reason: string): Promise<EndpointView> {
    const current = this.#row(id);
    const next: EndpointRow = { ...current, enabled: 0, disabled_reason: reason, revision: current.revision + 1, updated_at: this.clock.now() };
    this.#write(next);
    return this.#view(next);
  }

  async resealSigningSecrets(): Promise<number> {
    let changed = 0;
    for (const row of this.records.all()) {
      const stale = (value: string | null) => value !== null && this.keys.needsRotation(value);
      if (!stale(row.signing_secret) && !stale(row.previous_signing_secret)) continue;
      const reseal = (value: string | null) => (value === null ? null : this.keys.encrypt(this.keys.decrypt(value, row.id), row.id));
      this.#write({ ...row, signing_secret: reseal(row.signing_secret), previous_signing_secret: reseal(row.previous_signing_secret), revision: row.revision + 1 });
      changed++;
    }
    return changed;
  }

  matching(type: string): DeliveryTarget[] {
    const out: DeliveryTarget[] = [];
    for (const target of this.#targets().values()) if (target.enabled && matchesEvent(target.events, type)) out.push(this.target(target.id) as DeliveryTarget);
    return out;
  }

  disabledIds(): string[] {
    const ids: string[] = [];
    for (const target of this.#targets().values()) if (!target.enabled) ids.push(target.id);
    return ids;
  }

  target(id: string): DeliveryTarget | undefined {
    const target = this.#targets().get(id);
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
  markFailing(id: string, failing: boolean): { failingSince: number | null } {
    const cached = this.#targets().get(id);
    // The common case, on every success of a healthy endpoint: nothing to write.
    if (!failing && cached && cached.failingSince === null) return { failingSince: null };
    const failingSince = this.records.markFailing(id, failing, this.clock.now(), FAILING_GAP_MS) ?? null;
    if (cached) cached.failingSince = failingSince === null ? null : new Date(failingSince).toISOString();
    return { failingSince };
  }

  #targets(): Map<string, DeliveryTarget> {
    const wall = Date.now();
    if (this.#cache && wall - this.#cache.at < CACHE_TTL_MS) return this.#cache.targets;
    const targets = new Map<string, DeliveryTarget>();
    this.#signing.clear();
    for (const row of this.records.all()) {
      const current = row.signing_secret ? [this.keys.decrypt(row.signing_secret, row.id)] : [];
      const target = { ...this.#view(row), signingSecrets: current };
      targets.set(row.id, target);
      const previous = this.#previousSigningSecrets(row);
      if (previous.length > 0) this.#signing.set(row.id, previous);
    }
    this.#cache = { at: wall, targets };
    return targets;
  }

  /** The rotated-out signing secrets, newest first, expired ones included. */
  #previousSigningSecrets(row: EndpointRow): PreviousSigningSecret[] {
    if (row.previous_signing_secret === null || row.previous_signing_expires_at === null) return [];
    const opened = this.keys.decrypt(row.previous_signing_secret, row.id);
    // Rows written before several grace periods could overlap hold one bare secret, valid until the column's time.
    return opened.startsWith('[') ? (JSON.parse(opened) as PreviousSigningSecret[]) : [{ secret: opened, until: row.previous_signing_expires_at }];
  }

  async #assertSecret(secretId: string): Promise<void> {
    try {
      await this.secrets.get(secretId);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new ValidationError('The webhook endpoint', [{ field: 'secretId', message: `secret '${secretId}' does not exist; create it first or pick an existing one` }]);
      }
      throw error;
    }
  }

  #row(id: string): EndpointRow {
    const row = this.records.find(id);
    if (!row) throw new NotFoundError('webhook endpoint', id);
    return row;
  }

  #write(next: EndpointRow): void {
    if (!this.records.replace(next)) throw new ConflictError('revision-mismatch', `Webhook endpoint '${next.name}' was changed meanwhile. Reload it and try again.`);
    this.#cache = undefined;
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
      headers: JSON.parse(row.headers) as Record<string, string>,
      signing: {
        enabled: row.signing_secret !== null,
        preview: row.signing_secret ? SIGNING_SECRET_MASK : null,
        previousValidUntil: previousValid ? new Date(row.previous_signing_expires_at as number).toISOString() : null,
      },
      failingSince: row.failing_since === null ? null : new Date(row.failing_since).toISOString(),
      revision: row.revision,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }
}

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(what, zodIssues(result.error));
  return result.data;
}
