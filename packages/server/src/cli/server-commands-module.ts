/** `serverCommandsModule()`: the server's own command groups (`serve`, `secrets`, `keys`, `plugins`, `db`), bound like any package's. */
import { ContainerModule } from 'inversify';
import { CORE, type CommandContext, type CommandGroup } from '@tessera/core';
import { CliContext } from './cli-context.js';
import { DB_USAGE, dbCommand } from './commands/db-command.js';
import { KEYS_USAGE, keysCommand } from './commands/keys-command.js';
import { PLUGINS_USAGE, pluginsCommand } from './commands/plugins-command.js';
import { SECRETS_USAGE, secretsCommand, secretsUsageOf } from './commands/secrets-command.js';
import { SERVE_USAGE, serveCommand } from './commands/serve-command.js';

/** These commands also read the server's configuration (the data directory, the key files): they run on the CLI's own context. */
function onServerContext(context: CommandContext): CliContext {
  if (!(context instanceof CliContext)) throw new TypeError("The server's commands run on the tessera CLI's context.");
  return context;
}

const groups: CommandGroup[] = [
  { name: 'serve', usage: [SERVE_USAGE], run: (action, args, context) => serveCommand([action, ...args].filter((a): a is string => a !== undefined), onServerContext(context)) },
  {
    name: 'secrets',
    usage: SECRETS_USAGE,
    usageOf: (action, args, context) => secretsUsageOf(action, args, onServerContext(context)),
    run: (action, args, context) => secretsCommand(action, [...args], onServerContext(context)),
  },
  { name: 'keys', usage: KEYS_USAGE, run: (action, args, context) => keysCommand(action, [...args], onServerContext(context)) },
  { name: 'plugins', usage: PLUGINS_USAGE, run: (action, args, context) => pluginsCommand(action, [...args], onServerContext(context)) },
  { name: 'db', usage: DB_USAGE, run: (action, args, context) => dbCommand(action, [...args], context) },
];

export function serverCommandsModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const group of groups) bind(CORE.CommandGroup).toConstantValue(group);
  });
}
