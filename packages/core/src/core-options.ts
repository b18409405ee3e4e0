/** Everything `coreModule()` can be configured with, and the defaults that apply when a setting is left out. */
import type { Logger } from 'winston';
import type { Clock } from './clock/clock.js';
import type { KeyRingConfig } from './crypto/key-ring.js';
import { DEFAULT_HOW_TO_ALLOW } from './http/address-refused-error.js';
import type { LoggingOptions } from './logging/create-logger.js';
import { isPostgresUrl } from './postgres/database-url.js';
import { resolvePostgresOptions, type PostgresOptions, type ResolvedPostgresOptions } from './postgres/postgres-options.js';
import { ConfigurationError } from './errors/configuration-error.js';

export interface NetworkOptions {
  /** Allow loopback, private, link-local and metadata addresses (tests, trusted internal networks). Default false. */
  allowPrivate?: boolean;
  /** Addresses or CIDR ranges allowed even though they are private, e.g. `['10.20.0.0/16', '127.0.0.1']`. */
  allow?: string[];
  /**
   * How the operator lets a refused address through, in the words of where Tessera runs (the server
   * says `--allow {address}`); ends the refusal message. `{address}` is replaced. Default: the coreModule options.
   */
  howToAllow?: string;
}

export interface HttpOptions {
  /** Time to establish the TCP connection. Default 5,000 ms. */
  connectTimeoutMs?: number;
  /** Time for the whole request, connection to last byte. Default 15,000 ms. */
  timeoutMs?: number;
  /** Largest token response accepted. Default 64 KiB. */
  maxResponseBytes?: number;
}

export interface TokenOptions {
  /** Refresh this long before expiry at most. Default 60,000 ms. */
  refreshMarginMaxMs?: number;
  /** …or this share of the lifetime, whichever is smaller. Default 0.1. */
  refreshMarginRatio?: number;
  /** After a failed request, callers get the same error for this long without a new request. Default 5,000 ms. */
  cooldownMs?: number;
  /** Attempts per token request, the first included. Default 3. */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt, with jitter. Default 250 ms. */
  backoffBaseMs?: number;
  /** Largest backoff delay and largest `Retry-After` honoured. Default 10,000 ms. */
  backoffMaxMs?: number;
}

export interface CoreOptions {
  /**
   * A SQLite file path, `:memory:`, or a `postgres://user:password@host:port/db` (or `postgresql://`) URL,
   * which makes every process given the same URL share secrets, tokens and deliveries. Default `:memory:`.
   */
  database?: string;
  /** Where secrets are kept: the database (default) or process memory (gone on exit; not with a PostgreSQL URL). */
  storage?: 'sqlite' | 'memory';
  /** Pool size, statement timeout and NOTIFY use, when `database` is a PostgreSQL URL. */
  postgres?: PostgresOptions;
  /** Base64 of 32 random bytes. Default: the TESSERA_MASTER_KEY environment variable. */
  masterKey?: string;
  /** A ring of keys for rotation; takes precedence over `masterKey`. */
  keyRing?: KeyRingConfig;
  /** Dev-mode key file; default `master.key` beside the database file. */
  keyFile?: string;
  /** Production refuses to start without a key. Default: NODE_ENV === 'production'. */
  production?: boolean;
  network?: NetworkOptions;
  http?: HttpOptions;
  tokens?: TokenOptions;
  clock?: Clock;
  /** A ready logger (its output is not redacted by Tessera), or options for the one Tessera builds. */
  logger?: Logger;
  logging?: LoggingOptions;
}

export interface ResolvedCoreOptions {
  database: string;
  /** `postgres` when `database` is a PostgreSQL URL. */
  storage: 'sqlite' | 'memory' | 'postgres';
  postgres: ResolvedPostgresOptions;
  production: boolean;
  network: Required<NetworkOptions>;
  http: Required<HttpOptions>;
  tokens: Required<TokenOptions>;
}

export function resolveCoreOptions(options: CoreOptions): ResolvedCoreOptions {
  const database = options.database ?? ':memory:';
  const postgres = isPostgresUrl(database);
  if (postgres && options.storage === 'memory') {
    throw new ConfigurationError('storage-conflict', "storage: 'memory' keeps secrets in this process only, but database names a PostgreSQL server: leave out one of the two.");
  }
  return {
    database,
    storage: postgres ? 'postgres' : (options.storage ?? 'sqlite'),
    postgres: resolvePostgresOptions(options.postgres),
    production: options.production ?? process.env.NODE_ENV === 'production',
    network: {
      allowPrivate: options.network?.allowPrivate ?? false,
      allow: options.network?.allow ?? [],
      howToAllow: options.network?.howToAllow ?? DEFAULT_HOW_TO_ALLOW,
    },
    http: {
      connectTimeoutMs: options.http?.connectTimeoutMs ?? 5_000,
      timeoutMs: options.http?.timeoutMs ?? 15_000,
      maxResponseBytes: options.http?.maxResponseBytes ?? 64 * 1024,
    },
    tokens: {
      refreshMarginMaxMs: options.tokens?.refreshMarginMaxMs ?? 60_000,
      refreshMarginRatio: options.tokens?.refreshMarginRatio ?? 0.1,
      cooldownMs: options.tokens?.cooldownMs ?? 5_000,
      maxAttempts: options.tokens?.maxAttempts ?? 3,
      backoffBaseMs: options.tokens?.backoffBaseMs ?? 250,
      backoffMaxMs: options.tokens?.backoffMaxMs ?? 10_000,
    },
  };
}
