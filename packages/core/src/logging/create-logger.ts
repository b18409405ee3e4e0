/**
 * Builds the winston logger every Tessera service logs through, with redaction as the last step before
 * output. winston itself is loaded when the logger is first used, not when a container is built: most
 * CLI commands never log a line, and they start without it.
 */
import { createRequire } from 'node:module';
import type winston from 'winston';
import type Transport from 'winston-transport';
import { REDACTED, isSensitiveName, type Redactor } from './redactor.js';

export type Winston = typeof winston;

/** Where log lines go: transports, or a function that makes them from winston once it is loaded. */
export type LogTransports = Transport[] | ((winston: Winston) => Transport[]);

export interface LoggingOptions {
  level?: string;
  /** Where lines go; default: JSON lines on stderr. */
  transports?: LogTransports;
}

/** What `winston.format.timestamp()` writes. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

const loadWinston = (): Winston => createRequire(import.meta.url)('winston') as Winston;

export function createLogger(redactor: Redactor, options: LoggingOptions = {}): winston.Logger {
  return deferred(() => buildLogger(loadWinston(), redactor, options));
}

function buildLogger(winston: Winston, redactor: Redactor, options: LoggingOptions): winston.Logger {
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
  // winston formats every line (time, redaction, JSON: about 4 µs) before its transports look at the
  // level, so a debug line on a hot path cost that much at level info. Dropped first now, unless some
  // transport takes it (a level winston does not know goes on, to be reported as before).
  const taken = winston.format((info) => (!(info.level in logger.levels) || logger.isLevelEnabled(info.level) ? info : false));
  const transports = typeof options.transports === 'function' ? options.transports(winston) : options.transports;
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(
      taken(),
      winston.format.errors({ stack: true }),
      winston.format.splat(),
      winston.format.timestamp(),
      redact(),
      winston.format.json(),
    ),
    transports: transports ?? [new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) })],
  });
  return logger;
}

/** A logger that is built on its first use (any property read), then is that logger: methods are bound to it, a level's method skips a line no transport takes. */
function deferred(build: () => winston.Logger): winston.Logger {
  let logger: winston.Logger | undefined;
  const real = (): winston.Logger => (logger ??= build());
  // Bound once per method, so a hot path that logs does not bind on every call.
  const bound = new Map<PropertyKey, { method: unknown; call: unknown }>();
  return new Proxy({} as winston.Logger, {
    get(_target, property) {
      // Asked by whoever checks for a promise (inversify does, on every value it resolves): a logger is none.
      if (property === 'then') return undefined;
      const target = real();
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const known = bound.get(property);
      if (known?.method === value) return known.call;
      const method = value as (...args: unknown[]) => unknown;
      // A level's method (`debug`, `info`…) returns at once when no transport takes that level: the line
      // is not built at all (the level is looked at on each call, so a level changed later counts).
      const level = typeof property === 'string' && Object.hasOwn(target.levels, property) ? property : undefined;
      const call = level === undefined ? method.bind(target) : (...args: unknown[]) => (target.isLevelEnabled(level) ? method.apply(target, args) : target);
      bound.set(property, { method: value, call });
      return call;
    },
    set: (_target, property, value) => Reflect.set(real(), property, value),
    has: (_target, property) => Reflect.has(real(), property),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
