/** `tessera plugins list`: the plugins this command loaded (from TESSERA_PLUGINS, --plugin and tessera.config.json) and the kinds each contributes. */
import { parseFlags, UsageError, printJson, printTable } from '@tessera/core';
import type { LoadedPlugin } from '../../plugins/tessera-plugin.js';
import { SERVER } from '../../tokens.js';
import type { CliContext } from '../cli-context.js';

export const PLUGINS_USAGE = ['tessera plugins list [--json]   (load plugins with --plugin <package or ./path>, TESSERA_PLUGINS, or "plugins" in the data directory\'s tessera.config.json)'];

export async function pluginsCommand(action: string | undefined, args: string[], cli: CliContext): Promise<void> {
  if (action !== 'list') throw new UsageError(`Unknown plugins command '${action ?? ''}'. Usage:\n  ${PLUGINS_USAGE.join('\n  ')}`);
  const parsed = parseFlags(args, { json: { type: 'boolean' } }, PLUGINS_USAGE[0] as string);
  const plugins = cli.get<readonly LoadedPlugin[]>(SERVER.Plugins);
  if (parsed.values.json) return printJson(cli.output, plugins);
  printTable(
    cli.output,
    ['NAME', 'VERSION', 'SECRET KINDS', 'FROM'],
    plugins.map((plugin) => [plugin.name, plugin.version, plugin.secretKinds.join(', ') || '—', plugin.path]),
    'No plugins loaded. Load one with --plugin <package or ./path>, TESSERA_PLUGINS, or "plugins" in the data directory\'s tessera.config.json.',
  );
}
