/** What every CLI command works with: the resolved configuration, where to print, and Tessera's services on the data directory (core's `CommandContext`). */
import type { Container, ServiceIdentifier } from 'inversify';
import type { CommandContext, CommandOutput, LogTransports } from '@tessera/core';
import type { ServerConfig } from '../config/server-config.js';
import type { PluginWithModules } from '../plugins/load-plugins.js';
import { createTesseraContainer } from '../tessera-container.js';

export class CliContext implements CommandContext {
  #container: Container | undefined;

  constructor(
    readonly config: ServerConfig,
    readonly output: CommandOutput,
    readonly stdin: NodeJS.ReadStream = process.stdin,
    private readonly logTransports?: LogTransports,
    /** The plugins already loaded for this command (their commands are listed before any service is opened). */
    private readonly plugins?: PluginWithModules[],
  ) {}

  /** Opened on first use, so `--help` and usage errors never touch the data directory. */
  get container(): Container {
    this.#container ??= createTesseraContainer(this.config, {
      ...(this.logTransports && { logTransports: this.logTransports }),
      ...(this.plugins && { plugins: this.plugins }),
    });
    return this.#container;
  }

  get<T>(id: ServiceIdentifier<T>): T {
    return this.container.get<T>(id);
  }

  async close(): Promise<void> {
    await this.#container?.unbindAllAsync();
    this.#container = undefined;
  }
}
