/**
 * The admin token that guards `/api` and the console: from `TESSERA_ADMIN_TOKEN`, or in dev mode one
 * generated once into the data directory (mode 0600) and reused; compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '@tessera/core';
import type { ServerConfig } from './server-config.js';

export interface AdminToken {
  value: string;
  /** `environment`, or the path of the dev token file. */
  source: string;
  /** True when this start generated the dev token file. */
  created: boolean;
}

export function adminTokenFile(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'admin-token');
}

export function loadAdminToken(config: ServerConfig): AdminToken {
  if (config.adminToken !== undefined) {
    if (config.adminToken.length < 16) throw new ConfigurationError('weak-admin-token', 'TESSERA_ADMIN_TOKEN must be at least 16 characters long.');
    return { value: config.adminToken, source: 'environment', created: false };
  }
  if (config.production) {
    throw new ConfigurationError('admin-token-required', 'Production mode (NODE_ENV=production) needs TESSERA_ADMIN_TOKEN: set it to a long random value.');
  }
  const file = adminTokenFile(config);
  if (existsSync(file)) return { value: readTokenFile(file), source: file, created: false };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const value = 'tsa_' + randomBytes(24).toString('base64url');
  // Whole or not at all: a temp file renamed into place, never an empty token file.
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, value + '\n', { mode: 0o600 });
  renameSync(temp, file);
  return { value, source: file, created: true };
}

function readTokenFile(file: string): string {
  const value = readFileSync(file, 'utf8').replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (value.length < 16) {
    throw new ConfigurationError('weak-admin-token', `The admin token file ${file} holds no usable token (at least 16 characters). Delete it to have a new one generated, or set TESSERA_ADMIN_TOKEN.`);
  }
  return value;
}

/** Compares a presented token with the admin token in constant time (both hashed to the same length first). */
export function isAdminToken(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
