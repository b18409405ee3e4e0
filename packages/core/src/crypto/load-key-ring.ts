/**
 * Chooses the key ring from configuration: an explicit ring or master key; otherwise, in dev mode, a
 * key file created once in the data directory (mode 0600); in production, a refusal to start.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'winston';
import { ConfigurationError } from '../errors/configuration-error.js';
import { KeyRing, generateMasterKey, type KeyRingConfig } from './key-ring.js';

export interface KeySource {
  masterKey?: string | undefined;
  keyRing?: KeyRingConfig | undefined;
  /** Where a dev-mode key file lives; none means an ephemeral key (only for `:memory:` databases). */
  keyFile?: string | undefined;
  production: boolean;
}

export const MASTER_KEY_HELP =
  "Provide a key: set TESSERA_MASTER_KEY to base64 of 32 random bytes (generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"), or pass masterKey or keyRing to coreModule().";

export function loadKeyRing(source: KeySource, logger: Logger): KeyRing {
  if (source.keyRing) return new KeyRing(source.keyRing);
  if (source.masterKey) return KeyRing.fromMasterKey(source.masterKey);
  if (source.production) {
    throw new ConfigurationError('master-key-missing', `No master key is configured and NODE_ENV=production refuses to invent one. ${MASTER_KEY_HELP}`);
  }
  if (!source.keyFile) {
    logger.warn('No master key configured: using an ephemeral development key; encrypted values will not survive a restart.');
    return KeyRing.fromMasterKey(generateMasterKey());
  }
  if (existsSync(source.keyFile)) {
    return KeyRing.fromMasterKey(readFileSync(source.keyFile, 'utf8'));
  }
  mkdirSync(dirname(source.keyFile), { recursive: true });
  writeFileSync(source.keyFile, generateMasterKey() + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(source.keyFile, 0o600);
  logger.warn(`Development mode: created a master key file at ${source.keyFile} (mode 0600). Back it up, or configure TESSERA_MASTER_KEY for production.`);
  return KeyRing.fromMasterKey(readFileSync(source.keyFile, 'utf8'));
}

export function defaultKeyFile(databasePath: string): string | undefined {
  return databasePath === ':memory:' ? undefined : join(dirname(databasePath), 'master.key');
}
