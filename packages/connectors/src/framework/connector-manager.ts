/**
 * Connects product code to remote systems: validates a connector's config, creates or updates its
 * secret idempotently (`origin: 'connector'`, owner `<connector>:<instance>`), and builds its client.
 */
import { inject, injectable, multiInject, optional } from 'inversify';
import type { Logger } from 'winston';
import {
  CORE,
  ConflictError,
  ValidationError,
  NotFoundError,
  canonicalJson,
  zodIssues,
  type Clock,
  type HttpClient,
  type SecretKindRegistry,
  type SecretStore,
  type TokenProvider,
} from '@tessera/core';
import { CONNECTORS } from '../tokens.js';
import type { ConnectorContext, ConnectorDefinition } from './connector-definition.js';

/**
 * A connect whose client cannot be built undoes what it wrote to the secret: a secret written this
 * recently may still be undone by the connect of another process that wrote it. Who uses one claims
 * it first (a conditional write such an undo then loses to).
 */
const CLAIM_WINDOW_MS = 10 * 60_000;
/** A claim beaten by other writes bumps the revision again up to this many times. */
const CLAIM_BUMPS = 20;
/** Connects that find their claimed secret undone (or changed) meanwhile start again, this many times in all. */
const CONNECT_ROUNDS = 3;

/** What a connect wrote or took, for undoing it or claiming it. */
interface ConnectPlan {
  context: ConnectorContext<unknown>;
  /** The params the secret holds for this config (canonical JSON). */
  params: string;
  /** The secret's revision as this connect wrote or found it. */
  revision: number;
  /** Restores the secret as it was, unless someone has written it since (then it is theirs). */
  undo: () => Promise<unknown>;
  /** Written moments ago by another connect, which may still undo it: the revision seen. */
  claim?: { id: string; revision: number };
}

export interface Connection<Client = unknown> {
  secretId: string;
  client: Client;
}

@injectable()
export class ConnectorManager {
  readonly #definitions = new Map<string, ConnectorDefinition>();
  readonly #locks = new Map<string, Promise<unknown>>();
  /**
   * The revision each secret had at this manager's last successful connect with it (written, claimed or
   * found): found so again, no write since can be undone, and it needs no claim.
   */
  readonly #settled = new Map<string, number>();

  constructor(
    @multiInject(CONNECTORS.Definition) @optional() definitions: ConnectorDefinition[] = [],
    @inject(CORE.SecretStore) private readonly secrets: SecretStore,
    @inject(CORE.SecretKindRegistry) private readonly kinds: SecretKindRegistry,
    @inject(CORE.TokenProvider) private readonly tokens: TokenProvider,
    @inject(CORE.HttpClient) private readonly http: HttpClient,
    @inject(CORE.Logger) private readonly logger: Logger,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {
    for (const definition of definitions) {
      if (this.#definitions.has(definition.id)) throw new Error(`Two connectors are bound with the id '${definition.id}'.`);
      this.#definitions.set(definition.id, definition);
    }
  }

  /** The connectors bound in this container. */
  list(): Array<{ id: string; displayName: string }> {
    return [...this.#definitions.values()].map(({ id, displayName }) => ({ id, displayName }));
  }

  /**
   * Validates `config`, makes sure the instance's secret matches it (same config: same secret, nothing
   * written; changed credentials: updated, and its cached token dropped), and returns a ready client.
   * A secret another process wrote in the last 10 minutes is claimed first (its revision bumped), so
   * that process's undo, should its own connect fail, leaves it alone.
   */
  async connect<Client = unknown>(connectorId: string, instanceName: string, config: unknown): Promise<Connection<Client>> {
    const definition = this.#definition(connectorId);
    // One connect at a time per instance, so two callers cannot both create its secret.
    return this.#serialised(`${connectorId}:${instanceName}`, async () => {
      for (let round = 1; ; round++) {
        const { context, params, revision, undo, claim } = await this.#plan(definition, instanceName, config);
        let client: Client | undefined;
        try {
          client = (await definition.createClient(context)) as Client;
        } catch (error) {
          // The secret it found was undone (or changed) by the process that wrote it, while this one signed in with it: start again.
          if (claim !== undefined && round < CONNECT_ROUNDS && !(await this.#stillAsPlanned(claim, params))) {
            this.logger.info('connector secret changed or undone by another process while connecting; connecting again', { connector: connectorId, instance: instanceName, secretId: context.secretId });
            continue;
          }
          // Nothing half-saved: a config whose client cannot be built leaves the secret as it was.
          await undo().catch((undoError: unknown) => this.logger.error('restoring the connector secret failed', { connector: connectorId, instance: instanceName, error: (undoError as Error).message }));
          throw error;
        }
        const settled = claim === undefined ? revision : await this.#claim(claim, params);
        if (settled !== undefined) {
          this.#settled.set(context.secretId, settled);
          return { secretId: context.secretId, client };
        }
        if (round >= CONNECT_ROUNDS) {
          throw new ConflictError('revision-mismatch', `The ${definition.displayName} connection ${connectorId}:${instanceName} kept changing while it was being connected (${round} times); connect again.`);
        }
        this.logger.info('connector secret changed or undone by another process while connecting; connecting again', { connector: connectorId, instance: instanceName, secretId: context.secretId });
      }
    });
  }

  /**
   * Claims the secret by bumping its revision (nothing else changes, nor its time): the revision written
   * when this connect may keep it, undefined when it must connect again. Beaten by another write, it bumps
   * once more, unconditionally: every undo pending then targets an older revision and fails, so the secret
   * is this connect's if it still holds its params.
   */
  async #claim(claim: NonNullable<ConnectPlan['claim']>, params: string): Promise<number | undefined> {
    try {
      return (await this.secrets.update(claim.id, { expectedRevision: claim.revision })).revision;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      if (!(error instanceof ConflictError && error.code === 'revision-mismatch')) throw error;
    }
    // Each bump reads the revision afresh; one that loses to yet another write simply goes again.
    for (let bumps = 1; ; bumps++) {
      try {
        const bumped = await this.secrets.update(claim.id, {});
        return (await this.#holds(claim.id, params)) ? bumped.revision : undefined;
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        if (!(error instanceof ConflictError && error.code === 'revision-mismatch') || bumps >= CLAIM_BUMPS) throw error;
      }
    }
  }

  /** Whether the secret is still at the revision this connect found. */
  async #stillAsPlanned(claim: NonNullable<ConnectPlan['claim']>, params: string): Promise<boolean> {
    const now = await this.secrets.get(claim.id).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    return now !== undefined && (now.revision === claim.revision || (await this.#holds(claim.id, params)));
  }

  /** Whether the secret exists and holds `params` (canonical JSON). */
  async #holds(id: string, params: string): Promise<boolean> {
    try {
      return canonicalJson((await this.secrets.reveal(id)).params) === params;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  async #serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === settled) this.#locks.delete(key);
    }
  }

  /** Revokes the token where the remote API supports it and deletes the instance's secret. */
  async disconnect(connectorId: string, instanceName: string): Promise<void> {
    const definition = this.#definition(connectorId);
    const existing = await this.#existing(connectorId, instanceName);
    if (!existing) throw new NotFoundError(`${definition.displayName} connection`, `${connectorId}:${instanceName}`);
    // The session to revoke is read first: deleting the secret forgets its token.
    const token = this.tokens.peek(existing.id);
    await this.secrets.delete(existing.id);
    if (definition.revoke && token) {
      await definition.revoke({ secretId: existing.id, config: undefined, tokens: this.tokens, logger: this.logger, http: this.http }, token).catch((error: unknown) => {
        this.logger.warn('revoking the connector session failed; its secret is deleted', { connector: connectorId, instance: instanceName, error: (error as Error).message });
      });
    }
    this.logger.info('connector disconnected', { connector: connectorId, instance: instanceName });
  }

  async #plan(definition: ConnectorDefinition, instanceName: string, config: unknown): Promise<ConnectPlan> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(instanceName)) {
      throw new ValidationError(`The ${definition.displayName} connector (${definition.id})`, [{ field: 'instanceName', message: 'use letters, digits, . _ - (at most 64)' }]);
    }
    const parsed = definition.configSchema.safeParse(config);
    if (!parsed.success) throw new ValidationError(`The ${definition.displayName} connector config (${definition.id}:${instanceName})`, zodIssues(parsed.error, 'config'));
    const desired = await definition.toSecret(parsed.data);
    const owner = `${definition.id}:${instanceName}`;
    try {
      this.kinds.parseParams(desired.kind, desired.params, 'secret');
    } catch (error) {
      // The secret the config becomes is checked too (e.g. a token URL): say so in the connector's words.
      if (error instanceof ValidationError) throw new ValidationError(`The ${definition.displayName} connector config (${owner})`, error.issues);
      throw error;
    }
    let existing = await this.#existing(definition.id, instanceName);
    let secretId = '';
    let revision = 0;
    const wanted = this.kinds.parseParams(desired.kind, desired.params);
    let undo: () => Promise<unknown> = async () => undefined;
    let claim: ConnectPlan['claim'];
    if (!existing) {
      try {
        const created = await this.secrets.create({
          name: owner,
          kind: desired.kind,
          params: desired.params,
          description: desired.description ?? `Maintained by the ${definition.displayName} connector (${owner}).`,
          origin: 'connector',
          owner,
        });
        secretId = created.id;
        revision = created.revision;
        // Measured from the write's own time, as other processes measure their claim window.
        const writtenAt = Date.parse(created.updatedAt);
        undo = () => this.#undoUnlessClaimed(() => this.secrets.delete(created.id, { expectedRevision: created.revision }), writtenAt, definition.id, instanceName);
        this.logger.info('connector secret created', { connector: definition.id, instance: instanceName, secretId });
      } catch (error) {
        // Another instance of the fleet (or process on the file) created it a moment ago, as fleets do on
        // their first start: that secret is this one's too. A secret of that name made by hand is a real conflict.
        if (!(error instanceof ConflictError && error.code === 'secret-name-taken')) throw error;
        existing = await this.#existing(definition.id, instanceName);
        if (!existing) throw error;
      }
    }
    if (existing) {
      secretId = existing.id;
      revision = existing.revision;
      const current = await this.secrets.reveal(existing.id);
      if (canonicalJson(wanted) !== canonicalJson(current.params)) {
        // Replace, not merge: a parameter the config no longer has is removed.
        const removed = Object.fromEntries(Object.keys(current.params).filter((key) => !(key in wanted)).map((key) => [key, null]));
        const updated = await this.secrets.update(existing.id, { params: { ...removed, ...desired.params } });
        revision = updated.revision;
        const writtenAt = Date.parse(updated.updatedAt);
        const added = Object.fromEntries(Object.keys(wanted).filter((key) => !(key in current.params)).map((key) => [key, null]));
        undo = () => this.#undoUnlessClaimed(() => this.secrets.update(updated.id, { params: { ...added, ...current.params }, expectedRevision: updated.revision }), writtenAt, definition.id, instanceName);
        this.logger.info('connector secret updated', { connector: definition.id, instance: instanceName, secretId });
      } else if (this.#settled.get(existing.id) !== existing.revision && this.clock.now() - Date.parse(existing.updatedAt) < CLAIM_WINDOW_MS) {
        claim = { id: existing.id, revision: existing.revision };
      }
    }
    return { context: { secretId, config: parsed.data, tokens: this.tokens, logger: this.logger, http: this.http }, params: canonicalJson(wanted), revision, undo, ...(claim && { claim }) };
  }

  /**
   * An undo that finds the secret written since (claimed by a process that connected with it) leaves it to
   * them. So does one later than the claim window after its write: another process may use it unclaimed.
   */
  async #undoUnlessClaimed(undo: () => Promise<unknown>, writtenAt: number, connector: string, instance: string): Promise<void> {
    if (this.clock.now() - writtenAt >= CLAIM_WINDOW_MS) {
      this.logger.warn('connector secret kept: its client took longer to fail than other processes wait before using it unclaimed', { connector, instance });
      return;
    }
    try {
      await undo();
    } catch (error) {
      if (!(error instanceof ConflictError && error.code === 'revision-mismatch')) throw error;
      this.logger.info('connector secret kept: another process connected with it meanwhile', { connector, instance });
    }
  }

  async #existing(connectorId: string, instanceName: string) {
    return (await this.secrets.list({ owner: `${connectorId}:${instanceName}`, origin: 'connector' }))[0];
  }

  #definition(connectorId: string): ConnectorDefinition {
    const definition = this.#definitions.get(connectorId);
    if (!definition) {
      throw new ValidationError('The connection', [{ field: 'connectorId', message: `unknown connector '${connectorId}'; bound connectors: ${[...this.#definitions.keys()].join(', ') || 'none'}` }]);
    }
    return definition;
  }
}
