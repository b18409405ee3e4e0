/** Builds the winston logger every Tessera service logs through, with redaction as the last step before output. */
import winston from 'winston';
import type Transport from 'winston-transport';
import { REDACTED, isSensitiveName, type Redactor } from './redactor.js';

export interface LoggingOptions {
  level?: string;
  /** Where lines go; default: JSON lines on stderr. */
  transports?: Transport[];
}

/** What `winston.format.timestamp()` writes. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

export function createLogger(redactor: Redactor, options: LoggingOptions = {}): winston.Logger {
  const redact = winston.format((info) => {
    for (const key of Object.keys(info)) {
      const value = info[key];
      // The logger's own fields hold no credential; masking by value there would let a four-digit
      // password turn every timestamp into [REDACTED]. (Only the logger's own: a caller's field of that name is redacted.)
      if ((key === 'level' && typeof value === 'string' && value in winston.config.npm.levels) || (key === 'timestamp' && typeof value === 'string' && ISO_TIME.test(value))) continue;
      info[key] = isSensitiveName(key) && typeof value === 'string' ? REDACTED : redactor.redact(value);
    }
    return info;
  });
  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.splat(),
      winston.format.timestamp(),
      redact(),
      winston.format.json(),
    ),
    transports: options.transports ?? [new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) })],
  });
}
