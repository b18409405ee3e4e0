/** The server's settings, from flags first, then `TESSERA_*` environment variables, then defaults. */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigurationError, isPostgresUrl, parseDuration, type PostgresOptions } from '@tessera/core';

export interface ServerConfig {
  /** Holds `tessera.db` (unless `databaseUrl` names PostgreSQL), the dev key file and the dev admin token. */
  dataDir: string;
  /** `TESSERA_DATABASE_URL`: a `postgres://` URL shared by every instance; unset, SQLite in the data directory. */
  databaseUrl: string | undefined;
  /** Pool size, statement timeout and NOTIFY use on PostgreSQL. */
  postgres: Required<Pick<PostgresOptions, 'poolSize' | 'statementTimeoutMs' | 'notify'>>;
  host: string;
  port: number;
  /** `TESSERA_MASTER_KEY`; without it a dev key file in the data directory is used (refused in production). */
  masterKey: string | undefined;
  /** `TESSERA_PREVIOUS_MASTER_KEYS`: older master keys, still readable while `tessera keys rotate` re-encrypts. */
  previousKeys: string[];
  /** `TESSERA_ADMIN_TOKEN`; without it a dev token is generated into the data directory (refused in production). */
  adminToken: string | undefined;
  /** Allow every private and loopback address for token URLs and webhooks. */
  allowPrivate: boolean;
  /** Hosts, addresses or CIDR ranges let through although private. */
  allow: string[];
  production: boolean;
  logLevel: string;
  /** How long and how large a client may make a request, and how many may be connected at once. */
  limits: HttpLimits;
  /** Plugin specifiers, in load order: `plugins` of the data directory's `tessera.config.json`, then `TESSERA_PLUGINS`, then each `--plugin`. */
  plugins: string[];
  /** Where package names and relative paths of plugins are resolved from: the working directory. */
  pluginsFrom: string;
  /** How long finished deliveries are kept before the pruner deletes them (a webhook may set its own). */
  retention: { succeededMs: number; failedMs: number };
}

/** What keeps a slow or huge client from holding the server (the README's configuration table). */
export interface HttpLimits {
  /** The whole request, headers and body, must arrive within this. */
  requestTimeoutMs: number;
  /** A connection with nothing sent or received for this long is closed. */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** The largest request body of a route that takes one. */
  bodyLimitBytes: number;
  /** Connections beyond this many open ones are refused (and logged). */
  maxConnections: number;
  /** Connections from one client address beyond this many open ones are refused (and logged). */
  maxConnectionsPerClient: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  bodyLimitBytes: 1024 * 1024,
  maxConnections: 1_024,
  maxConnectionsPerClient: 256,
};

/** Settings given as flags (`--data-dir`, …); each wins over its environment variable. */
export interface ServerFlags {
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  databasePoolSize?: string | undefined;
  databaseStatementTimeout?: string | undefined;
  databaseNotify?: string | undefined;
  host?: string | undefined;
  port?: string | number | undefined;
  allowPrivate?: boolean | undefined;
  allow?: string | undefined;
  logLevel?: string | undefined;
  requestTimeout?: string | undefined;
  connectionTimeout?: string | undefined;
  keepAliveTimeout?: string | undefined;
  bodyLimit?: string | undefined;
  maxConnections?: string | undefined;
  maxConnectionsPerClient?: string | undefined;
  retentionSucceeded?: string | undefined;
  retentionFailed?: string | undefined;
  /** Each `--plugin <specifier>`, in order. */
  plugins?: string[] | undefined;
}

/** Every setting, its flag, its variable and its default: the README's configuration table is this list. */
export const SETTINGS = [
  { flag: '--data-dir', env: 'TESSERA_DATA_DIR', default: './data', meaning: 'where the database, the dev key file and the dev admin token live' },
  { flag: '--database-url', env: 'TESSERA_DATABASE_URL', default: 'SQLite in the data directory', meaning: 'a postgres:// URL: every server and CLI given it shares secrets, tokens and deliveries' },
  { flag: '--database-pool-size', env: 'TESSERA_DATABASE_POOL_SIZE', default: '10', meaning: 'PostgreSQL connections per process' },
  { flag: '--database-statement-timeout', env: 'TESSERA_DATABASE_STATEMENT_TIMEOUT', default: '30s', meaning: 'PostgreSQL cancels a statement running longer than this' },
  { flag: '--database-notify', env: 'TESSERA_DATABASE_NOTIFY', default: 'true', meaning: 'LISTEN/NOTIFY for new work and changes; false behind PgBouncer in transaction mode (then polling)' },
  { flag: '--plugin', env: 'TESSERA_PLUGINS', default: '(none)', meaning: 'plugins to load: package names or ./paths, from the working directory (the flag repeats; the variable is comma-separated; also `plugins` in the data directory\'s tessera.config.json)' },
  { flag: '--host', env: 'TESSERA_HOST', default: '127.0.0.1', meaning: 'the address the server listens on' },
  { flag: '--port', env: 'TESSERA_PORT', default: '8080', meaning: 'the port (0 picks a free one)' },
  { flag: '(none)', env: 'TESSERA_MASTER_KEY', default: 'dev key file', meaning: 'base64 of 32 bytes that encrypts secrets; required in production' },
  { flag: '(none)', env: 'TESSERA_PREVIOUS_MASTER_KEYS', default: '(empty)', meaning: 'comma-separated older master keys, readable while `tessera keys rotate` re-encrypts' },
  { flag: '(none)', env: 'TESSERA_ADMIN_TOKEN', default: 'generated', meaning: 'the bearer token of the API and the console; required in production' },
  { flag: '--allow-private', env: 'TESSERA_ALLOW_PRIVATE', default: 'false', meaning: 'let token URLs and webhooks reach private and loopback addresses' },
  { flag: '--allow', env: 'TESSERA_NETWORK_ALLOW', default: '(empty)', meaning: 'comma-separated addresses or CIDR ranges let through although private' },
  { flag: '--log-level', env: 'TESSERA_LOG_LEVEL', default: 'info', meaning: 'error, warn, info or debug' },
  { flag: '--request-timeout', env: 'TESSERA_REQUEST_TIMEOUT', default: '30s', meaning: 'a request (headers and body) must arrive within this, else 408 and the connection is closed' },
  { flag: '--connection-timeout', env: 'TESSERA_CONNECTION_TIMEOUT', default: '60s', meaning: 'a connection silent for this long is closed' },
  { flag: '--keep-alive-timeout', env: 'TESSERA_KEEP_ALIVE_TIMEOUT', default: '5s', meaning: 'an idle keep-alive connection is closed after this' },
  { flag: '--body-limit', env: 'TESSERA_BODY_LIMIT', default: '1mb', meaning: 'the largest request body (b, kb or mb); larger ones get 413' },
  { flag: '--max-connections', env: 'TESSERA_MAX_CONNECTIONS', default: '1024', meaning: 'connections beyond this many open ones are refused, with a log line' },
  { flag: '--max-connections-per-client', env: 'TESSERA_MAX_CONNECTIONS_PER_CLIENT', default: '256', meaning: 'connections from one client address beyond this many are refused (raise it behind a reverse proxy)' },
  { flag: '--retention-succeeded', env: 'TESSERA_RETENTION_SUCCEEDED', default: '14d', meaning: 'succeeded deliveries (with their attempts, and their event once no delivery of it is left) are kept this long after they finished, then pruned (like 14d or 12h; a webhook may set its own)' },
  { flag: '--retention-failed', env: 'TESSERA_RETENTION_FAILED', default: '30d', meaning: 'failed deliveries are kept this long (they may be retried by hand until then), then pruned; pending work is never pruned' },
] as const;

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'];

export function resolveServerConfig(flags: ServerFlags = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = flags.dataDir ?? env.TESSERA_DATA_DIR ?? './data';
  const portText = String(flags.port ?? env.TESSERA_PORT ?? '8080');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new ConfigurationError('invalid-port', `The port '${portText}' is not a port number (0–65535). Set --port or TESSERA_PORT.`);
  const allowPrivate = flags.allowPrivate ?? parseBoolean(env.TESSERA_ALLOW_PRIVATE, 'TESSERA_ALLOW_PRIVATE');
  const allowText = flags.allow ?? env.TESSERA_NETWORK_ALLOW ?? '';
  const logLevel = flags.logLevel ?? env.TESSERA_LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigurationError('invalid-setting', `The log level '${logLevel}' is not one of ${LOG_LEVELS.join(', ')}. Set --log-level or TESSERA_LOG_LEVEL.`);
  const databaseUrl = nonEmpty(flags.databaseUrl ?? env.TESSERA_DATABASE_URL);
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    throw new ConfigurationError(
      'invalid-setting',
      'The database URL must start with postgres:// or postgresql:// (leave --database-url and TESSERA_DATABASE_URL out to use SQLite in the data directory).',
    );
  }
  const resolvedDataDir = isAbsolute(dataDir) ? dataDir : resolve(dataDir);
  const plugins = [...configFile(resolvedDataDir).plugins, ...(env.TESSERA_PLUGINS ?? '').split(','), ...(flags.plugins ?? [])].map((p) => p.trim()).filter(Boolean);
  return {
    dataDir: resolvedDataDir,
    databaseUrl,
    postgres: {
      poolSize: count(flags.databasePoolSize ?? env.TESSERA_DATABASE_POOL_SIZE, 10, '--database-pool-size or TESSERA_DATABASE_POOL_SIZE'),
      statementTimeoutMs: duration(flags.databaseStatementTimeout ?? env.TESSERA_DATABASE_STATEMENT_TIMEOUT, 30_000, '--database-statement-timeout or TESSERA_DATABASE_STATEMENT_TIMEOUT'),
      notify: parseBoolean(nonEmpty(flags.databaseNotify ?? env.TESSERA_DATABASE_NOTIFY) ?? 'true', '--database-notify or TESSERA_DATABASE_NOTIFY'),
    },
    host: flags.host ?? env.TESSERA_HOST ?? '127.0.0.1',
    port,
    masterKey: nonEmpty(env.TESSERA_MASTER_KEY),
    previousKeys: (env.TESSERA_PREVIOUS_MASTER_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean),
    adminToken: nonEmpty(env.TESSERA_ADMIN_TOKEN),
    allowPrivate,
    allow: allowText.split(',').map((item) => item.trim()).filter(Boolean),
    production: env.NODE_ENV === 'production',
    logLevel,
    limits: {
      requestTimeoutMs: duration(flags.requestTimeout ?? env.TESSERA_REQUEST_TIMEOUT, DEFAULT_LIMITS.requestTimeoutMs, '--request-timeout or TESSERA_REQUEST_TIMEOUT'),
      connectionTimeoutMs: duration(flags.connectionTimeout ?? env.TESSERA_CONNECTION_TIMEOUT, DEFAULT_LIMITS.connectionTimeoutMs, '--connection-timeout or TESSERA_CONNECTION_TIMEOUT'),
      keepAliveTimeoutMs: duration(flags.keepAliveTimeout ?? env.TESSERA_KEEP_ALIVE_TIMEOUT, DEFAULT_LIMITS.keepAliveTimeoutMs, '--keep-alive-timeout or TESSERA_KEEP_ALIVE_TIMEOUT'),
      bodyLimitBytes: size(flags.bodyLimit ?? env.TESSERA_BODY_LIMIT, DEFAULT_LIMITS.bodyLimitBytes, '--body-limit or TESSERA_BODY_LIMIT'),
      maxConnections: count(flags.maxConnections ?? env.TESSERA_MAX_CONNECTIONS, DEFAULT_LIMITS.maxConnections, '--max-connections or TESSERA_MAX_CONNECTIONS'),
      maxConnectionsPerClient: count(
        flags.maxConnectionsPerClient ?? env.TESSERA_MAX_CONNECTIONS_PER_CLIENT,
        DEFAULT_LIMITS.maxConnectionsPerClient,
        '--max-connections-per-client or TESSERA_MAX_CONNECTIONS_PER_CLIENT',
      ),
    },
    plugins: [...new Set(plugins)],
    pluginsFrom: process.cwd(),
    retention: {
      succeededMs: duration(flags.retentionSucceeded ?? env.TESSERA_RETENTION_SUCCEEDED, 14 * 86_400_000, '--retention-succeeded or TESSERA_RETENTION_SUCCEEDED'),
      failedMs: duration(flags.retentionFailed ?? env.TESSERA_RETENTION_FAILED, 30 * 86_400_000, '--retention-failed or TESSERA_RETENTION_FAILED'),
    },
  };
}

/** The optional `tessera.config.json` of the data directory: `{ "plugins": ["tessera-plugin-acme", "./plugins/local.js"] }`. */
function configFile(dataDir: string): { plugins: string[] } {
  const path = join(dataDir, CONFIG_FILE);
  if (!existsSync(path)) return { plugins: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigurationError('invalid-setting', `${path} is not valid JSON (${(error as Error).message}). Fix it or remove it.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigurationError('invalid-setting', `${path} must hold a JSON object, such as { "plugins": [] }.`);
  const unknown = Object.keys(parsed).filter((key) => key !== 'plugins');
  if (unknown.length > 0) throw new ConfigurationError('invalid-setting', `${path} has settings Tessera does not know: ${unknown.join(', ')} (it knows: plugins).`);
  const plugins = (parsed as { plugins?: unknown }).plugins ?? [];
  if (!Array.isArray(plugins) || plugins.some((p) => typeof p !== 'string')) throw new ConfigurationError('invalid-setting', `"plugins" in ${path} must be a list of package names or paths.`);
  return { plugins: plugins as string[] };
}

/** The settings file of the data directory. */
export const CONFIG_FILE = 'tessera.config.json';

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `30s`, `500ms`, `2m`, `12h`, `14d`: the unit is required (is a bare 30 seconds or milliseconds?). */
export function duration(text: string | undefined, fallback: number, setting: string): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = parseDuration(text);
  if (value === null || value < 1) throw new ConfigurationError('invalid-setting', `'${text}' is not a duration with its unit (like 30s, 500ms, 2m, 12h or 14d). Set ${setting}.`);
  return value;
}

/** `1mb`, `64kb`, or a number of bytes. */
function size(text: string | undefined, fallback: number, setting: string): number {
  const value = measured(text, SIZE_UNITS, 'b');
  if (value === undefined) return fallback;
  if (value === null || value < 1) throw new ConfigurationError('invalid-setting', `'${text}' is not a size (like 1mb, 64kb or 4096). Set ${setting}.`);
  return value;
}

function count(text: string | undefined, fallback: number, setting: string): number {
  if (text === undefined || text.trim() === '') return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new ConfigurationError('invalid-setting', `'${text}' is not a positive whole number. Set ${setting}.`);
  return Number(text);
}

/** undefined: not set; null: not readable. */
function measured(text: string | undefined, units: Record<string, number>, bare: string): number | null | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = units[(match?.[2] || bare).toLowerCase()];
  if (!match || unit === undefined) return null;
  return Math.round(Number(match[1]) * unit);
}

/** The `database` of `coreModule()`: the PostgreSQL URL when one is configured, else `tessera.db` in the data directory. */
export function databasePath(config: Pick<ServerConfig, 'dataDir'> & Partial<Pick<ServerConfig, 'databaseUrl'>>): string {
  return config.databaseUrl ?? join(config.dataDir, 'tessera.db');
}

function parseBoolean(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigurationError('invalid-setting', `${name} must be true or false, not '${value}'.`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
