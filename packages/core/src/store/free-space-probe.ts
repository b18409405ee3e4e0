/** The storage-full probe of a SQLite file: whether its file system has room again, asked of the file system (no write). */
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Below this much free space a disk that was full is still taken for full (a write of a few pages must fit). */
const MIN_FREE_BYTES = 1024 * 1024;

export function freeSpaceProbe(databaseFile: string): () => Promise<boolean> {
  return async () => {
    const stats = await statfs(dirname(databaseFile));
    return stats.bavail * stats.bsize >= MIN_FREE_BYTES;
  };
}
