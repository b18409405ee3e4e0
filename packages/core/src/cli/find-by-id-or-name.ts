/** How a command finds what an operator names: by id, else by exact name, else by name whatever its case (refusing to guess between two). */
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { nameKey } from '../input/name-key.js';
import type { SecretStore, SecretView } from '../store/secret-store.js';
import { CORE } from '../tokens.js';
import type { CommandContext } from './command-group.js';

export async function findByIdOrName<T extends { name: string }>(idOrName: string, resource: string, get: (id: string) => Promise<T>, list: () => Promise<T[]>): Promise<T> {
  try {
    return await get(idOrName);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const all = await list();
    const exact = all.find((item) => item.name === idOrName);
    if (exact) return exact;
    // Names are unique whatever their case: `CRM` finds `crm`; two that clash from before are not guessed between.
    const alike = all.filter((item) => nameKey(item.name) === nameKey(idOrName));
    if (alike.length > 1) {
      throw new ConflictError('name-ambiguous', `${alike.map((item) => `'${item.name}'`).join(' and ')} differ only in case; give the exact name or the id of the ${resource} you mean.`);
    }
    if (alike.length === 0) throw new NotFoundError(resource, idOrName);
    return alike[0] as T;
  }
}

/** A secret by id, or by name when no id matches. */
export function findSecret(context: CommandContext, idOrName: string): Promise<SecretView> {
  const secrets = context.get<SecretStore>(CORE.SecretStore);
  return findByIdOrName(idOrName, 'secret', (id) => secrets.get(id), () => secrets.list());
}
