/** The `tessera` command line: splits off the global flags, runs one contributed command group, and turns its outcome into an exit code. */
import { CommandFailed, ConfigurationError, TesseraError, UsageError, processOutput, terminalSafe, terminalText, type CommandGroup, type CommandOutput, type Winston } from '@tessera/core';
import type Transport from 'winston-transport';
import { resolveServerConfig, type ServerConfig, type ServerFlags } from '../config/server-config.js';
import { loadPlugins } from '../plugins/load-plugins.js';
import { CliContext } from './cli-context.js';
import { commandGroups } from './command-groups.js';

/** The help: every command of every group, the server's, the packages' and the plugins' alike. */
export function helpText(groups: readonly CommandGroup[], note?: string): string {
  return [
    'tessera: integration secrets, webhooks and their deliveries.',
    '',
    'Commands:',
    ...groups.flatMap((group) => group.usage.map((line) => `  ${line}`)),
    '',
    'Every command takes --data-dir <dir> (default ./data, or TESSERA_DATA_DIR), --database-url <postgres://…>',
    '(or TESSERA_DATABASE_URL; default SQLite in the data directory), --plugin <package or ./path> (repeatable;',
    'or TESSERA_PLUGINS, comma-separated) and --log-level <level>.',
    'Exit codes: 0 ok, 1 failure, 2 usage error.',
    ...(note === undefined ? [] : ['', note]),
  ].join('\n');
}

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
  '--retention-succeeded': 'retentionSucceeded',
  '--retention-failed': 'retentionFailed',
} as const;

export async function runCli(argv: readonly string[], to: CommandOutput = processOutput, stdin: NodeJS.ReadStream = process.stdin): Promise<number> {
  // What commands print includes stored text from outside (a receiver's answer, a token endpoint's error, a name).
  const output = terminalSafe(to);
  let cli: CliContext | undefined;
  try {
    const { flags, rest } = splitGlobalFlags(argv);
    const [name, action, ...args] = rest;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      output.out(help(flags));
      return name === undefined ? 2 : 0;
    }
    // Commands other than serve log only warnings and errors, so their output stays readable.
    const config = configOf(flags, name === 'serve' ? 'info' : 'warn');
    // A plugin that cannot be loaded stops the command here, naming it and why.
    const plugins = loadPlugins(config.plugins, config.pluginsFrom);
    cli = new CliContext(config, output, stdin, name === 'serve' ? undefined : humanLogLines, plugins);
    const groups = commandGroups(plugins);
    const group = groups.find((candidate) => candidate.name === name);
    if (group === undefined) throw new UsageError(`Unknown command '${name}'. Run 'tessera help' for the list.`);
    if (action === '--help' || action === '-h' || action === 'help') {
      output.out(group.usage.map((line) => `Usage: ${line}`).join('\n'));
      return 0;
    }
    // `tessera <group> <command> --help`: that command's own usage.
    if (args.some((arg) => arg === '--help' || arg === '-h')) {
      const own = group.usage.filter((line) => line.startsWith(`tessera ${group.name} ${action ?? ''} `) || line === `tessera ${group.name} ${action ?? ''}`);
      const detailed = await group.usageOf?.(action, args, cli);
      if (detailed !== undefined || own.length > 0) {
        output.out((detailed ?? own.map((line) => `Usage: ${line}`)).join('\n'));
        return 0;
      }
    }
    await group.run(action, args, cli);
    return 0;
  } catch (error) {
    output.err(`tessera: ${oneLine(error)}`);
    if (error instanceof UsageError) return 2;
    if (error instanceof CommandFailed || error instanceof TesseraError) return 1;
    return 1;
  } finally {
    await cli?.close();
  }
}

function configOf(flags: ServerFlags, defaultLevel: string): ServerConfig {
  try {
    return resolveServerConfig({ ...flags, logLevel: flags.logLevel ?? process.env.TESSERA_LOG_LEVEL ?? defaultLevel });
  } catch (error) {
    // A setting that cannot be used (a port that is not a number, an unknown log level) is a usage error.
    throw error instanceof ConfigurationError ? new UsageError(error.message) : error;
  }
}

/** The help with the plugins' commands too; when the settings or a plugin cannot be used, Tessera's own and why. */
function help(flags: ServerFlags): string {
  try {
    const config = configOf(flags, 'warn');
    return helpText(commandGroups(loadPlugins(config.plugins, config.pluginsFrom)));
  } catch (error) {
    return helpText(commandGroups([]), `(Only Tessera's own commands are listed: ${oneLine(error)})`);
  }
}

/** Outside `serve`, warnings read as sentences on stderr (`tessera: warn: …`), still redacted, instead of JSON lines. */
function humanLogLines(winston: Winston): Transport[] {
  return [
    new winston.transports.Console({
      stderrLevels: Object.keys(winston.config.npm.levels),
      format: winston.format.printf((info) => `tessera: ${info.level}: ${terminalText(String(info.message))}`),
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
