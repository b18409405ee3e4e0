/** `webhookCommandsModule()`: this package's contribution to the `tessera` command line (`webhooks …`, `deliveries …`). */
import { ContainerModule } from 'inversify';
import { CORE } from '@tessera/core';
import { deliveriesCommands } from './deliveries-commands.js';
import { webhooksCommands } from './webhooks-commands.js';

export function webhookCommandsModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(CORE.CommandGroup).toConstantValue(webhooksCommands);
    bind(CORE.CommandGroup).toConstantValue(deliveriesCommands);
  });
}
