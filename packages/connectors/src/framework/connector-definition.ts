/** The contribution point for connectors: a declaration of config, secret kinds, how config becomes a secret, and how the client is built. */
import type { Logger } from 'winston';
import type { z } from 'zod';
import type { AccessToken, HttpClient, SecretKind, TokenProvider } from '@tessera/core';

/** The secret a connector's config becomes: created or updated automatically, with `origin: 'connector'`. */
export interface ConnectorSecret {
  kind: string;
  params: Record<string, unknown>;
  description?: string;
}

/** What a connector gets to build its client. */
export interface ConnectorContext<Config> {
  secretId: string;
  config: Config;
  tokens: TokenProvider;
  logger: Logger;
  http: HttpClient;
}

export interface ConnectorDefinition<Config = unknown, Client = unknown> {
  /** Stable id, e.g. `salesforce`; the owner of its secrets is `<id>:<instance name>`. */
  readonly id: string;
  readonly displayName: string;
  readonly configSchema: z.ZodType<Config>;
  /** Kinds of secret the connector brings; collected by core like the built-in ones. */
  readonly secretKinds?: readonly SecretKind[];
  toSecret(config: Config): ConnectorSecret | Promise<ConnectorSecret>;
  createClient(context: ConnectorContext<Config>): Client | Promise<Client>;
  /** Called on disconnect, after the secret is deleted, with the session it had, where the remote API can revoke it. */
  revoke?(context: ConnectorContext<Config | undefined>, token: AccessToken): Promise<void>;
}

/** Declares a connector (typed); bind it with `connectorModule(definition)`. */
export function defineConnector<Config, Client>(definition: ConnectorDefinition<Config, Client>): ConnectorDefinition<Config, Client> {
  return definition;
}
