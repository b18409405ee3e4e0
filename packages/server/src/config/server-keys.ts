/**
 * Which keys encrypt and decrypt: `TESSERA_MASTER_KEY` (with `TESSERA_PREVIOUS_MASTER_KEYS` still
 * readable during a rotation), or in dev mode the data directory's `master.key` (with
 * `master.key.previous` while a rotation is unfinished). Without either file, core creates `master.key`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyRing, type KeyRingConfig } from '@tessera/core';
import type { ServerConfig } from './server-config.js';

export function masterKeyFile(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'master.key');
}

export function previousKeyFile(config: Pick<ServerConfig, 'dataDir'>): string {
  return masterKeyFile(config) + '.previous';
}

/** The ring to give core, or undefined to let core use (or create) the dev key file. */
export function serverKeyRing(config: ServerConfig): KeyRingConfig | undefined {
  if (config.masterKey !== undefined) return ringOf(config.masterKey, config.previousKeys);
  const file = masterKeyFile(config);
  const previous = previousKeyFile(config);
  if (!existsSync(file) || !existsSync(previous)) return undefined;
  return ringOf(readFileSync(file, 'utf8').trim(), [readFileSync(previous, 'utf8').trim()]);
}

/** A ring whose primary is `primary` and which can still read values sealed with `previous`. */
export function ringOf(primary: string, previous: readonly string[]): KeyRingConfig {
  const keys: Record<string, string> = {};
  for (const key of previous) keys[KeyRing.fromMasterKey(key).primaryId] = key;
  const primaryId = KeyRing.fromMasterKey(primary).primaryId;
  keys[primaryId] = primary;
  return { primary: primaryId, keys };
}
