/**
 * What every loop of the bench shares, in a module of its own so a process that runs a Tessera (the memory
 * run, a retention run) loads neither the plain loops' HTTP clients nor their message handler.
 */

/** Requests in flight at once, on every side of a comparison. */
export const CONCURRENCY = 32;

/** CPU time of this process (every thread) since `start`, in µs. */
export function cpuMicrosSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}
