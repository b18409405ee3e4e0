/** A stored secret whose kind nothing loaded declares: it is listed, shown and deleted, but not tested, used or changed. */
import { TesseraError } from './tessera-error.js';

export class KindNotLoadedError extends TesseraError {
  constructor(
    readonly kind: string,
    secretName: string,
  ) {
    super(
      'kind-not-loaded',
      `Secret '${secretName}' is of kind '${kind}', which nothing loaded here declares, so it cannot be tested, used or changed. ` +
        `Load the plugin that contributes the kind (TESSERA_PLUGINS, --plugin, or "plugins" in the data directory's tessera.config.json; in code, load its container module) and try again.`,
      { details: { kind } },
    );
  }
}
