/**
 * Who holds the data directory: `server.pid` while a server runs there, `rotation.lock` while `tessera
 * keys rotate` runs. Each is created exclusively and names its process, so a server and a rotation (or
 * two servers) never run on the same data at once; a file left by a dead process is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '@tessera/core';
import type { ServerConfig } from './server-config.js';

export function pidFile(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'server.pid');
}

export function rotationLockFile(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'rotation.lock');
}

/** The live process named by a holder file, if any. */
export function holderPid(file: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (pid === process.pid) return pid;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * Takes `file` for this process, or throws naming the live holder. Returns the release, which
 * removes the file only while it still names this process.
 */
export function acquire(file: string, dataDir: string, what: (pid: number) => string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => {
        if (holderPid(file) === process.pid) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderPid(file);
      if (holder !== undefined && holder !== process.pid) throw new ConflictError('data-directory-busy', what(holder));
      // Left by a process that is gone: take it over.
      rmSync(file, { force: true });
    }
  }
  throw new ConflictError('data-directory-busy', `Could not take ${file}; another process keeps creating it.`);
}
