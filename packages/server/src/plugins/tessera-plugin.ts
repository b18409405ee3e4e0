/** What a plugin is: a module exporting `tesseraPlugin` (DESIGN §3), and what the server says of one it loaded. */
import type { ContainerModule } from 'inversify';

/**
 * The `tesseraPlugin` export of a plugin module: its name and version, the container modules it
 * contributes (e.g. `connectorModule(acme)`), and optionally container modules of CLI command groups
 * (`bind(CORE.CommandGroup)`), which the CLI loads on their own so that `tessera help` lists them without
 * opening the data directory.
 */
export interface TesseraPlugin {
  name: string;
  version: string;
  modules: ContainerModule[];
  commands?: ContainerModule[];
}

/** A loaded plugin, as `GET /api/plugins` and `tessera plugins list` show it. */
export interface LoadedPlugin {
  name: string;
  version: string;
  /** As it was named (`TESSERA_PLUGINS`, `--plugin`, `tessera.config.json`). */
  specifier: string;
  /** The file it was loaded from. */
  path: string;
  /** The ids of the secret kinds its modules contribute. */
  secretKinds: string[];
}
