/** What every CLI command works with: the resolved configuration, where to print, and Tessera's services on the data directory. */
import type { Container, ServiceIdentifier } from 'inversify';
import type Transport from 'winston-transport';
import { CORE, ConflictError, NotFoundError, nameKey, type SecretStore, type SecretView } from '@tessera/core';
import { WEBHOOKS, type EndpointStore, type EndpointView } from '@tessera/webhooks';
import type { ServerConfig } from '../config/server-config.js';
import { createTesseraContainer } from '../tessera-container.js';
import type { Output } from './cli-output.js';

export class CliContext {
  #container: Container | undefined;

  constructor(
    readonly config: ServerConfig,
    readonly output: Output,
    readonly stdin: NodeJS.ReadStream = process.stdin,
    private readonly logTransports?: Transport[],
  ) {}

  /** Opened on first use, so `--help` and usage errors never touch the data directory. */
  get container(): Container {
    this.#container ??= createTesseraContainer(this.config, this.logTransports ? { logTransports: this.logTransports } : {});
    return this.#container;
  }

  get<T>(id: ServiceIdentifier<T>): T {
    return this.container.get<T>(id);
  }

  /** A secret by id, or by name when no id matches. */
  secret(idOrName: string): Promise<SecretView> {
    const secrets = this.get<SecretStore>(CORE.SecretStore);
    return byIdOrName(idOrName, 'secret', (id) => secrets.get(id), () => secrets.list());
  }

  /** A webhook endpoint by id, or by name when no id matches. */
  webhook(idOrName: string): Promise<EndpointView> {
    const endpoints = this.get<EndpointStore>(WEBHOOKS.EndpointStore);
    return byIdOrName(idOrName, 'webhook endpoint', (id) => endpoints.get(id), () => endpoints.list());
  }

  async close(): Promise<void> {
    await this.#container?.unbindAllAsync();
    this.#container = undefined;
  }
}

async function byIdOrName<T extends { name: string }>(idOrName: string, resource: string, get: (id: string) => Promise<T>, list: () => Promise<T[]>): Promise<T> {
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
