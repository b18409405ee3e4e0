/** `connectorsModule(options)`: the connector manager plus the built-in connectors (Salesforce, Microsoft Graph) and any others given. */
import { ContainerModule } from 'inversify';
import type { ConnectorDefinition } from './framework/connector-definition.js';
import { ConnectorManager } from './framework/connector-manager.js';
import { bindConnector } from './framework/connector-module.js';
import { graphConnector } from './microsoft-graph/graph-connector.js';
import { salesforceConnector } from './salesforce/salesforce-connector.js';
import { CONNECTORS } from './tokens.js';

export interface ConnectorsOptions {
  /** More connectors to bind besides the built-in ones. */
  connectors?: ReadonlyArray<ConnectorDefinition<unknown, unknown>>;
  /** Bind Salesforce and Microsoft Graph. Default true. */
  builtIn?: boolean;
}

export function connectorsModule(options: ConnectorsOptions = {}): ContainerModule {
  const definitions = [...(options.builtIn === false ? [] : [salesforceConnector, graphConnector]), ...(options.connectors ?? [])] as ConnectorDefinition[];
  return new ContainerModule(({ bind }) => {
    for (const definition of definitions) bindConnector(bind, definition);
    bind(CONNECTORS.Manager).to(ConnectorManager).inSingletonScope();
  });
}
