/** Tessera was configured in a way it cannot start with; the message says which setting to change. */
import { TesseraError } from './tessera-error.js';

export class ConfigurationError extends TesseraError {}
