/**
 * Caps the connections the server keeps open at once, in all and from one client address: one more is
 * closed as soon as it is accepted, and the log says so at most once a minute, with how many were
 * refused meanwhile. The per-client cap keeps one client from taking every connection.
 */
import type { Server } from 'node:http';
import type { Logger } from 'winston';

const LOG_EVERY_MS = 60_000;

export function capConnections(server: Server, max: number, perClient: number, logger: Logger, now: () => number = Date.now): void {
  server.maxConnections = max;
  const refusals = { total: 0, client: 0, loggedAt: -Infinity };
  const report = () => {
    if (now() - refusals.loggedAt < LOG_EVERY_MS) return;
    refusals.loggedAt = now();
    if (refusals.total > 0) {
      const n = refusals.total;
      logger.warn(`refused ${n} connection${n === 1 ? '' : 's'}: ${max} are open, the most allowed (--max-connections or TESSERA_MAX_CONNECTIONS)`, { maxConnections: max, refused: n });
    }
    if (refusals.client > 0) {
      const n = refusals.client;
      logger.warn(`refused ${n} connection${n === 1 ? '' : 's'} from a client that already has ${perClient} open, the most allowed (--max-connections-per-client or TESSERA_MAX_CONNECTIONS_PER_CLIENT)`, {
        maxConnectionsPerClient: perClient,
        refused: n,
      });
    }
    refusals.total = 0;
    refusals.client = 0;
  };
  server.on('drop', () => {
    refusals.total++;
    report();
  });
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const client = socket.remoteAddress ?? '';
    const count = (open.get(client) ?? 0) + 1;
    if (count > perClient) {
      socket.destroy();
      refusals.client++;
      report();
      return;
    }
    open.set(client, count);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left === 0) open.delete(client);
      else open.set(client, left);
    });
  });
}
