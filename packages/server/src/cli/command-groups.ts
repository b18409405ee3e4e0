/**
 * The command groups of the `tessera` CLI, collected from their contribution point: the server's own,
 * the webhooks package's, and each loaded plugin's `commands`, in a container of their own (no service
 * is opened to list them). Two groups of one name are a configuration error that names both.
 */
import { Container, injectable, multiInject, optional, type ContainerModule } from 'inversify';
import { CORE, ConfigurationError, type CommandGroup } from '@tessera/core';
import { webhookCommandsModule } from '@tessera/webhooks';
import type { PluginWithModules } from '../plugins/load-plugins.js';
import { serverCommandsModule } from './server-commands-module.js';

const GROUP_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** The groups one container's modules bind, collected with `@multiInject`. */
@injectable()
class BoundCommandGroups {
  constructor(@multiInject(CORE.CommandGroup) @optional() readonly groups: CommandGroup[] = []) {}
}

export function commandGroups(plugins: readonly PluginWithModules[]): CommandGroup[] {
  const groups: CommandGroup[] = [];
  const from = new Map<string, string>();
  const collect = (source: string, modules: ContainerModule[]) => {
    const container = new Container();
    container.load(...modules);
    container.bind(BoundCommandGroups).toSelf();
    for (const group of container.get(BoundCommandGroups).groups) {
      if (!GROUP_NAME.test(group.name)) {
        throw new ConfigurationError('invalid-setting', `${source} contributes a command group named '${group.name}': a name is lower-case letters, digits and -, starting with a letter.`);
      }
      const earlier = from.get(group.name);
      if (earlier !== undefined) throw new ConfigurationError('invalid-setting', `${source} contributes the command group '${group.name}', which ${earlier} already has: one name, one group.`);
      from.set(group.name, source);
      groups.push(group);
    }
  };
  collect('Tessera', [serverCommandsModule(), webhookCommandsModule()]);
  for (const plugin of plugins) collect(`The plugin '${plugin.name}'`, plugin.commands);
  return groups;
}
