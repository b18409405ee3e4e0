/** `server.pid` in the data directory: lets `tessera keys rotate` refuse while a server on the same data runs. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerConfig } from './server-config.js';

export function pidFile(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'server.pid');
}

export function writePid(config: Pick<ServerConfig, 'dataDir'>): () => void {
  const file = pidFile(config);
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, String(process.pid) + '\n');
  return () => rmSync(file, { force: true });
}

/** The pid of a live server on this data directory, if any (a stale file from a crash is ignored). */
export function runningServerPid(config: Pick<ServerConfig, 'dataDir'>): number | undefined {
  const file = pidFile(config);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
