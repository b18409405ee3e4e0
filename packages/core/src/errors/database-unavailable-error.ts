/** The database could not be reached or refused us; the message names it with its password masked and says what to check. */
import { TesseraError } from './tessera-error.js';

export class DatabaseUnavailableError extends TesseraError {}
