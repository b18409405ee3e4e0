/** Binds one connector: its definition and the secret kinds it contributes; no core file changes. */
import { ContainerModule, type Bind } from 'inversify';
import { CORE } from '@tessera/core';
import { CONNECTORS } from '../tokens.js';
import type { ConnectorDefinition } from './connector-definition.js';

export function connectorModule<Config, Client>(definition: ConnectorDefinition<Config, Client>): ContainerModule {
  return new ContainerModule(({ bind }) => bindConnector(bind, definition));
}

export function bindConnector<Config, Client>(bind: Bind, definition: ConnectorDefinition<Config, Client>): void {
  bind(CONNECTORS.Definition).toConstantValue(definition as ConnectorDefinition);
  for (const kind of definition.secretKinds ?? []) bind(CORE.SecretKind).toConstantValue(kind);
}
