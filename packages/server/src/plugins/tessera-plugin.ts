/** What a plugin is: a module exporting `tesseraPlugin` (DESIGN §3), and what the server says of one it loaded. */
import type { ContainerModule } from 'inversify';

/** The `tesseraPlugin` export of a plugin module: its name and version, and the container modules it contributes (e.g. `connectorModule(acme)`). */
export interface TesseraPlugin {
  name: string;
  version: string;
  modules: ContainerModule[];
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
