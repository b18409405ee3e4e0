/**
 * Caps the connections the server keeps open at once: one more is refused at once by the kernel's
 * accept, and the log says so at most once a minute, with how many were refused meanwhile.
 */
import type { Server } from 'node:http';
import type { Logger } from 'winston';

const LOG_EVERY_MS = 60_000;

export function capConnections(server: Server, max: number, logger: Logger, now: () => number = Date.now): void {
  server.maxConnections = max;
  let refused = 0;
  let loggedAt = -Infinity;
  server.on('drop', (data) => {
    refused++;
    if (now() - loggedAt < LOG_EVERY_MS) return;
    loggedAt = now();
    logger.warn(`refused ${refused} connection${refused === 1 ? '' : 's'}: ${max} are open, the most allowed (--max-connections or TESSERA_MAX_CONNECTIONS)`, {
      maxConnections: max,
      refused,
      remoteAddress: data?.remoteAddress,
    });
    refused = 0;
  });
}
