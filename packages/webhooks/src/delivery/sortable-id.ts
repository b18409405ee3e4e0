/** Ids that sort by creation time (milliseconds, then randomness), so new rows append to the end of SQLite's B-trees. */
import { randomBytes } from 'node:crypto';

export function sortableId(prefix: string, now: number): string {
  return `${prefix}_${now.toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
}
