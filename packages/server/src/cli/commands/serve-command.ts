/** `tessera serve`: the server on the data directory until SIGTERM or SIGINT. */
import { ConflictError, parseFlags } from '@tessera/core';
import { acquire, holderPid, pidFile, rotationLockFile } from '../../config/server-pid.js';
import type { CliContext } from '../cli-context.js';

export const SERVE_USAGE = 'tessera serve [--data-dir <dir>] [--database-url <postgres://…>] [--host <address>] [--port <port>] [--allow-private] [--allow <addresses,cidrs>] [--log-level <level>] [--request-timeout <30s>] [--connection-timeout <60s>] [--keep-alive-timeout <5s>] [--body-limit <1mb>] [--max-connections <1024>] [--max-connections-per-client <256>] [--database-pool-size <10>] [--database-statement-timeout <30s>] [--database-notify <true|false>] [--retention-succeeded <14d>] [--retention-failed <30d>]';

export async function serveCommand(args: string[], cli: CliContext): Promise<void> {
  parseFlags(args, {}, SERVE_USAGE);
  const { dataDir } = cli.config;
  const release = acquire(pidFile(cli.config), dataDir, (pid) => `A Tessera server (pid ${pid}) already runs on ${dataDir}; one data directory serves one server.`);
  process.once('exit', release);
  const rotating = holderPid(rotationLockFile(cli.config));
  if (rotating !== undefined) {
    release();
    throw new ConflictError('data-directory-busy', `A key rotation (pid ${rotating}) is running on ${dataDir}; start the server when it has finished.`);
  }
  try {
    // The HTTP server (fastify and the routes) is loaded by this command only.
    const { startServer } = await import('../../run-server.js');
    await startServer(cli.config, { print: (line) => cli.output.out(line) });
  } catch (error) {
    release();
    throw error;
  }
  // Runs until a signal; startServer's handler drains and exits.
  await new Promise(() => undefined);
}
