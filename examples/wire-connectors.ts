// Product code wiring Salesforce and Microsoft Graph at startup from one configuration object
// (test/connectors/wiring.test.ts runs it and counts its lines).
import 'reflect-metadata';
import type { AxiosInstance } from 'axios';
import { Container } from 'inversify';
import type { Connection } from 'jsforce';
import { coreModule, type CoreOptions } from '@tessera/core';
import { CONNECTORS, connectorsModule, type ConnectorManager, type GraphConfigInput, type SalesforceConfigInput } from '@tessera/connectors';

// wiring:start
export async function wireConnectors(config: { tessera: CoreOptions; salesforce: SalesforceConfigInput; graph: GraphConfigInput }) {
  const container = new Container();
  container.load(coreModule(config.tessera), connectorsModule());
  const connectors = container.get<ConnectorManager>(CONNECTORS.Manager);
  const salesforce = await connectors.connect<Connection>('salesforce', 'main', config.salesforce);
  const graph = await connectors.connect<AxiosInstance>('microsoft-graph', 'main', config.graph);
  return { container, salesforce: salesforce.client, graph: graph.client };
}
// wiring:end
