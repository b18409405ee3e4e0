/** A plugin named in the settings that cannot be loaded: the start stops, naming it and why. */
import { TesseraError } from '@tessera/core';

export class PluginLoadError extends TesseraError {
  constructor(specifier: string, reason: string) {
    super('plugin-load-failed', `Plugin '${specifier}' could not be loaded: ${reason}`, { details: { specifier } });
  }
}
