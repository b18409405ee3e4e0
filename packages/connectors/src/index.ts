/** The public API of `@tessera/connectors`. */
export { connectorsModule, type ConnectorsOptions } from './connectors-module.js';
export { CONNECTORS } from './tokens.js';
export { defineConnector, type ConnectorDefinition, type ConnectorContext, type ConnectorSecret } from './framework/connector-definition.js';
export { connectorModule } from './framework/connector-module.js';
export type { ConnectorManager, Connection } from './framework/connector-manager.js';
export { createBearerAxios } from './framework/bearer-axios.js';
export { graphConnector, graphConfigSchema, type GraphConfig, type GraphConfigInput } from './microsoft-graph/graph-connector.js';
export { salesforceConnector, salesforceConfigSchema, type SalesforceConfig, type SalesforceConfigInput } from './salesforce/salesforce-connector.js';
export { salesforceKind } from './salesforce/salesforce-kind.js';
export { SALESFORCE_FLOWS, FLOW_ALIASES, type SalesforceFlow } from './salesforce/salesforce-flows.js';
export { defaultAudience } from './salesforce/default-audience.js';
