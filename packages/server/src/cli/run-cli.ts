/** The `tessera` command line: splits off the global flags, runs one command, and turns its outcome into an exit code. */
import winston from 'winston';
import type Transport from 'winston-transport';
import { ConfigurationError, TesseraError } from '@tessera/core';
import { resolveServerConfig, type ServerFlags } from '../config/server-config.js';
import { CliContext } from './cli-context.js';
import { UsageError, CommandFailed } from './cli-errors.js';
import { processOutput, type Output } from './cli-output.js';
import { DELIVERIES_USAGE, deliveriesCommand } from './commands/deliveries-command.js';
import { KEYS_USAGE, keysCommand } from './commands/keys-command.js';
import { PLUGINS_USAGE, pluginsCommand } from './commands/plugins-command.js';
import { SECRETS_USAGE, secretsCommand } from './commands/secrets-command.js';
import { SERVE_USAGE, serveCommand } from './commands/serve-command.js';
import { WEBHOOKS_USAGE, webhooksCommand } from './commands/webhooks-command.js';

export const HELP = [
  'tessera: integration secrets, webhooks and their deliveries.',
  '',
  'Commands:',
  `  ${SERVE_USAGE}`,
  ...[...SECRETS_USAGE, ...WEBHOOKS_USAGE, ...DELIVERIES_USAGE, ...KEYS_USAGE, ...PLUGINS_USAGE].map((line) => `  ${line}`),
  '',
  'Every command takes --data-dir <dir> (default ./data, or TESSERA_DATA_DIR), --database-url <postgres://…>',
  '(or TESSERA_DATABASE_URL; default SQLite in the data directory), --plugin <package or ./path> (repeatable;',
  'or TESSERA_PLUGINS, comma-separated) and --log-level <level>.',
  'Exit codes: 0 ok, 1 failure, 2 usage error.',
].join('\n');

const GLOBAL_STRING_FLAGS = {
  '--data-dir': 'dataDir',
  '--database-url': 'databaseUrl',
  '--database-pool-size': 'databasePoolSize',
  '--database-statement-timeout': 'databaseStatementTimeout',
  '--database-notify': 'databaseNotify',
  '--host': 'host',
  '--port': 'port',
  '--allow': 'allow',
  '--log-level': 'logLevel',
  '--request-timeout': 'requestTimeout',
  '--connection-timeout': 'connectionTimeout',
  '--keep-alive-timeout': 'keepAliveTimeout',
  '--body-limit': 'bodyLimit',
  '--max-connections': 'maxConnections',
  '--max-connections-per-client': 'maxConnectionsPerClient',
} as const;

export async function runCli(argv: readonly string[], output: Output = processOutput, stdin: NodeJS.ReadStream = process.stdin): Promise<number> {
  let cli: CliContext | undefined;
  try {
    const { flags, rest } = splitGlobalFlags(argv);
    const [group, action, ...args] = rest;
    if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
      output.out(HELP);
      return group === undefined ? 2 : 0;
    }
    // Commands other than serve log only warnings and errors, so their output stays readable.
    let config;
    try {
      config = resolveServerConfig({ ...flags, logLevel: flags.logLevel ?? process.env.TESSERA_LOG_LEVEL ?? (group === 'serve' ? 'info' : 'warn') });
    } catch (error) {
      // A setting that cannot be used (a port that is not a number, an unknown log level) is a usage error.
      throw error instanceof ConfigurationError ? new UsageError(error.message) : error;
    }
    cli = new CliContext(config, output, stdin, group === 'serve' ? undefined : humanLogLines());
    switch (group) {
      case 'serve':
        await serveCommand([action, ...args].filter((a): a is string => a !== undefined), cli);
        return 0;
      case 'secrets':
        await secretsCommand(action, args, cli);
        return 0;
      case 'webhooks':
        await webhooksCommand(action, args, cli);
        return 0;
      case 'deliveries':
        await deliveriesCommand(action, args, cli);
        return 0;
      case 'keys':
        await keysCommand(action, args, cli);
        return 0;
      case 'plugins':
        await pluginsCommand(action, args, cli);
        return 0;
      default:
        throw new UsageError(`Unknown command '${group}'. Run 'tessera help' for the list.`);
    }
  } catch (error) {
    output.err(`tessera: ${oneLine(error)}`);
    if (error instanceof UsageError) return 2;
    if (error instanceof CommandFailed || error instanceof TesseraError) return 1;
    return 1;
  } finally {
    await cli?.close();
  }
}

/** Outside `serve`, warnings read as sentences on stderr (`tessera: warn: …`), still redacted, instead of JSON lines. */
function humanLogLines(): Transport[] {
  return [
    new winston.transports.Console({
      stderrLevels: Object.keys(winston.config.npm.levels),
      format: winston.format.printf((info) => `tessera: ${info.level}: ${String(info.message)}`),
    }),
  ];
}

function splitGlobalFlags(argv: readonly string[]): { flags: ServerFlags; rest: string[] } {
  const flags: Record<string, string | boolean> = {};
  const plugins: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--allow-private') {
      flags.allowPrivate = true;
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === '--plugin') {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError('--plugin needs a package name or a path.');
      plugins.push(value);
      continue;
    }
    const key = (GLOBAL_STRING_FLAGS as Record<string, string>)[name];
    if (key === undefined) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value.`);
    flags[key] = value;
  }
  return { flags: { ...(flags as ServerFlags), ...(plugins.length > 0 && { plugins }) }, rest };
}

function oneLine(error: unknown): string {
  const message = error instanceof ConfigurationError || error instanceof TesseraError || error instanceof Error ? error.message : String(error);
  // Usage lists stay readable; anything else is one line.
  return error instanceof UsageError ? message : message.replace(/\s*\n\s*/g, ' ');
}
