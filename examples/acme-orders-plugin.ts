// The example connector shipped as a Tessera plugin (docs/connectors.md, "Ship it as a plugin"):
//   tessera --plugin ./examples/dist/acme-orders-plugin.js serve
// and its `acme-orders` secrets can be created, tested and used from the API, the CLI and the console;
// `tessera --plugin ./examples/dist/acme-orders-plugin.js acme-orders list` is a command of its own.
import { ContainerModule } from 'inversify';
import { CORE, UsageError, parseFlags, printJson, printTable, type CommandGroup, type SecretStore } from '@tessera/core';
import { connectorModule } from '@tessera/connectors';
import type { TesseraPlugin } from '@tessera/server';
import { acmeOrdersConnector } from './acme-orders-connector.js';

const usage = 'tessera acme-orders list [--json]';

const acmeOrdersCommands: CommandGroup = {
  name: 'acme-orders',
  usage: [usage],
  run: async (action, args, context) => {
    if (action !== 'list') throw new UsageError(`Unknown acme-orders command '${action ?? ''}'. Usage: ${usage}`);
    const parsed = parseFlags(args, { json: { type: 'boolean' } }, usage);
    // Opens the data directory's services now, with this plugin's modules loaded.
    const secrets = await context.get<SecretStore>(CORE.SecretStore).list({ kind: 'acme-orders' });
    const rows = secrets.map((secret) => ({ name: secret.name, clientId: String(secret.params.clientId ?? ''), tokenUrl: String(secret.params.url ?? '') }));
    if (parsed.values.json) return printJson(context.output, rows);
    printTable(context.output, ['NAME', 'CLIENT ID', 'TOKEN URL'], rows.map((row) => [row.name, row.clientId, row.tokenUrl]), 'No Acme Orders secrets yet.');
  },
};

export const tesseraPlugin: TesseraPlugin = {
  name: 'acme-orders',
  version: '1.0.0',
  modules: [connectorModule(acmeOrdersConnector)],
  commands: [new ContainerModule(({ bind }) => void bind(CORE.CommandGroup).toConstantValue(acmeOrdersCommands))],
};
