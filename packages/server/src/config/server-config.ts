/** The server's settings, from flags first, then `TESSERA_*` environment variables, then defaults. */
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigurationError } from '@tessera/core';

export interface ServerConfig {
  /** Holds `tessera.db`, the dev key file and the dev admin token. */
  dataDir: string;
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
}

/** Settings given as flags (`--data-dir`, …); each wins over its environment variable. */
export interface ServerFlags {
  dataDir?: string | undefined;
  host?: string | undefined;
  port?: string | number | undefined;
  allowPrivate?: boolean | undefined;
  allow?: string | undefined;
  logLevel?: string | undefined;
}

/** Every setting, its flag, its variable and its default: the README's configuration table is this list. */
export const SETTINGS = [
  { flag: '--data-dir', env: 'TESSERA_DATA_DIR', default: './data', meaning: 'where the database, the dev key file and the dev admin token live' },
  { flag: '--host', env: 'TESSERA_HOST', default: '127.0.0.1', meaning: 'the address the server listens on' },
  { flag: '--port', env: 'TESSERA_PORT', default: '8080', meaning: 'the port (0 picks a free one)' },
  { flag: '(none)', env: 'TESSERA_MASTER_KEY', default: 'dev key file', meaning: 'base64 of 32 bytes that encrypts secrets; required in production' },
  { flag: '(none)', env: 'TESSERA_PREVIOUS_MASTER_KEYS', default: '(empty)', meaning: 'comma-separated older master keys, readable while `tessera keys rotate` re-encrypts' },
  { flag: '(none)', env: 'TESSERA_ADMIN_TOKEN', default: 'generated', meaning: 'the bearer token of the API and the console; required in production' },
  { flag: '--allow-private', env: 'TESSERA_ALLOW_PRIVATE', default: 'false', meaning: 'let token URLs and webhooks reach private and loopback addresses' },
  { flag: '--allow', env: 'TESSERA_NETWORK_ALLOW', default: '(empty)', meaning: 'comma-separated addresses or CIDR ranges let through although private' },
  { flag: '--log-level', env: 'TESSERA_LOG_LEVEL', default: 'info', meaning: 'error, warn, info or debug' },
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
  return {
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    host: flags.host ?? env.TESSERA_HOST ?? '127.0.0.1',
    port,
    masterKey: nonEmpty(env.TESSERA_MASTER_KEY),
    previousKeys: (env.TESSERA_PREVIOUS_MASTER_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean),
    adminToken: nonEmpty(env.TESSERA_ADMIN_TOKEN),
    allowPrivate,
    allow: allowText.split(',').map((item) => item.trim()).filter(Boolean),
    production: env.NODE_ENV === 'production',
    logLevel,
  };
}

export function databasePath(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'tessera.db');
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
