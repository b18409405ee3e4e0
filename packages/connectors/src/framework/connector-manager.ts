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
  type HttpClient,
  type SecretKindRegistry,
  type SecretStore,
  type TokenProvider,
} from '@tessera/core';
import { CONNECTORS } from '../tokens.js';
import type { ConnectorContext, ConnectorDefinition } from './connector-definition.js';

export interface Connection<Client = unknown> {
  secretId: string;
  client: Client;
}

@injectable()
export class ConnectorManager {
  readonly #definitions = new Map<string, ConnectorDefinition>();
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(
    @multiInject(CONNECTORS.Definition) @optional() definitions: ConnectorDefinition[] = [],
    @inject(CORE.SecretStore) private readonly secrets: SecretStore,
    @inject(CORE.SecretKindRegistry) private readonly kinds: SecretKindRegistry,
    @inject(CORE.TokenProvider) private readonly tokens: TokenProvider,
    @inject(CORE.HttpClient) private readonly http: HttpClient,
    @inject(CORE.Logger) private readonly logger: Logger,
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
   */
  async connect<Client = unknown>(connectorId: string, instanceName: string, config: unknown): Promise<Connection<Client>> {
    const definition = this.#definition(connectorId);
    // One connect at a time per instance, so two callers cannot both create its secret.
    return this.#serialised(`${connectorId}:${instanceName}`, async () => {
      const { context, undo } = await this.#context(definition, instanceName, config);
      try {
        const client = (await definition.createClient(context)) as Client;
        return { secretId: context.secretId, client };
      } catch (error) {
        // Nothing half-saved: a config whose client cannot be built leaves the secret as it was.
        await undo().catch((undoError: unknown) => this.logger.error('restoring the connector secret failed', { connector: connectorId, instance: instanceName, error: (undoError as Error).message }));
        throw error;
      }
    });
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

  async #context(definition: ConnectorDefinition, instanceName: string, config: unknown): Promise<{ context: ConnectorContext<unknown>; undo: () => Promise<unknown> }> {
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
    let undo: () => Promise<unknown> = async () => undefined;
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
        undo = () => this.secrets.delete(created.id);
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
      const current = await this.secrets.reveal(existing.id);
      const wanted = this.kinds.parseParams(desired.kind, desired.params);
      if (canonicalJson(wanted) !== canonicalJson(current.params)) {
        // Replace, not merge: a parameter the config no longer has is removed.
        const removed = Object.fromEntries(Object.keys(current.params).filter((key) => !(key in wanted)).map((key) => [key, null]));
        await this.secrets.update(existing.id, { params: { ...removed, ...desired.params } });
        const added = Object.fromEntries(Object.keys(wanted).filter((key) => !(key in current.params)).map((key) => [key, null]));
        undo = () => this.secrets.update(existing.id, { params: { ...added, ...current.params } });
        this.logger.info('connector secret updated', { connector: definition.id, instance: instanceName, secretId });
      }
    }
    return { context: { secretId, config: parsed.data, tokens: this.tokens, logger: this.logger, http: this.http }, undo };
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
