/**
 * The contribution point of the `tessera` command line: a group of commands (`tessera <group> <action>`)
 * that a package or a plugin binds with `bind(CORE.CommandGroup)` in a container module of commands
 * (a plugin's `commands`). The CLI lists every group in its help and runs the one named, giving it a
 * context whose services are opened only when a command first asks for one.
 */
import type { ServiceIdentifier } from 'inversify';

/** Where a command prints: results on `out`, progress and warnings on `err`. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
  /** True when stderr is a terminal: progress redraws in place. */
  interactive: boolean;
}

export interface CommandContext {
  readonly output: CommandOutput;
  readonly stdin: NodeJS.ReadStream;
  /** A service of the Tessera container on the configured data directory or database, opened on first use. */
  get<T>(id: ServiceIdentifier<T>): T;
}

export interface CommandGroup {
  /** The word after `tessera`: `webhooks`. */
  readonly name: string;
  /** One line per command, as the help prints it: `tessera webhooks list [--json]`. */
  readonly usage: readonly string[];
  /**
   * What `tessera <name> <action> … --help` prints, when it depends on the arguments (the field flags of
   * the kind named by `--kind`, say); undefined for the `usage` lines of that command.
   */
  usageOf?(action: string | undefined, args: readonly string[], context: CommandContext): Promise<readonly string[] | undefined>;
  /** Runs `tessera <name> <action> <args…>`; throws `UsageError` for a command used wrongly, `CommandFailed` for one that ran and failed. */
  run(action: string | undefined, args: readonly string[], context: CommandContext): Promise<void>;
}

/** One command of a group: its arguments after the action, and the context. */
export type CommandAction<C extends CommandContext = CommandContext> = (args: string[], context: C) => Promise<void>;
