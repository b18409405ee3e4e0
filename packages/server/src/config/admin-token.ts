/**
 * The admin token that guards `/api` and the console: from `TESSERA_ADMIN_TOKEN`, or in dev mode one
 * generated once into the data directory (mode 0600) and reused; compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), source: file, created: false };
  mkdirSync(config.dataDir, { recursive: true });
  const value = 'tsa_' + randomBytes(24).toString('base64url');
  writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  return { value, source: file, created: true };
}

/** Compares a presented token with the admin token in constant time (both hashed to the same length first). */
export function isAdminToken(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
