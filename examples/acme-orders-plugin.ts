// The example connector shipped as a Tessera plugin (docs/connectors.md, "Ship it as a plugin"):
//   tessera --plugin ./examples/dist/acme-orders-plugin.js serve
// and its `acme-orders` secrets can be created, tested and used from the API, the CLI and the console.
import { connectorModule } from '@tessera/connectors';
import type { TesseraPlugin } from '@tessera/server';
import { acmeOrdersConnector } from './acme-orders-connector.js';

export const tesseraPlugin: TesseraPlugin = {
  name: 'acme-orders',
  version: '1.0.0',
  modules: [connectorModule(acmeOrdersConnector)],
};
