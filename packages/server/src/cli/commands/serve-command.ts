/** `tessera serve`: the server on the data directory until SIGTERM or SIGINT. */
import { writePid } from '../../config/server-pid.js';
import { startServer } from '../../run-server.js';
import { parseFlags } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';

export const SERVE_USAGE = 'tessera serve [--data-dir <dir>] [--host <address>] [--port <port>] [--allow-private] [--allow <hosts,cidrs>] [--log-level <level>]';

export async function serveCommand(args: string[], cli: CliContext): Promise<void> {
  parseFlags(args, {}, SERVE_USAGE);
  const removePid = writePid(cli.config);
  process.once('exit', removePid);
  await startServer(cli.config, { print: (line) => cli.output.out(line) });
  // Runs until a signal; startServer's handler drains and exits.
  await new Promise(() => undefined);
}
