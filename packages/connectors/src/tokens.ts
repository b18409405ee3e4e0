/** Service identifiers of `@tessera/connectors`. */
import type { ServiceIdentifier } from 'inversify';
import type { ConnectorDefinition } from './framework/connector-definition.js';
import type { ConnectorManager } from './framework/connector-manager.js';

function id<T>(name: string): ServiceIdentifier<T> {
  return Symbol.for(`tessera.connectors.${name}`);
}

export const CONNECTORS = {
  /** Contribution point: one binding per connector; collected with `@multiInject`. */
  Definition: id<ConnectorDefinition>('Definition'),
  Manager: id<ConnectorManager>('Manager'),
} as const;
