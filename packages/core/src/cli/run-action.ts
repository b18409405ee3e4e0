/** `runAction`: runs the command a group's action names, or answers a usage error that lists the group's commands. */
import { UsageError } from './command-errors.js';
import type { CommandAction, CommandContext } from './command-group.js';

export function runAction<C extends CommandContext>(
  group: { name: string; usage: readonly string[] },
  actions: Readonly<Record<string, CommandAction<C>>>,
  action: string | undefined,
  args: readonly string[],
  context: C,
): Promise<void> {
  const handler = action !== undefined && Object.hasOwn(actions, action) ? actions[action] : undefined;
  if (handler === undefined) throw new UsageError(`Unknown ${group.name} command '${action ?? ''}'. Usage:\n  ${group.usage.join('\n  ')}`);
  return handler([...args], context);
}
