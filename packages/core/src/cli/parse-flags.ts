/** Parses one command's flags strictly (an unknown flag is a usage error, with the command's usage) and reads them typed. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command-errors.js';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseFlags(args: readonly string[], options: FlagSpec, usage: string): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    // Node's own wording of an unknown option carries advice about '--' that does not apply here.
    const message = (error as Error).message.split('\n')[0] ?? '';
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new UsageError(`${unknown ? `Unknown option '${unknown[1]}'` : message.replace(/\.$/, '')}. Usage: ${usage}`);
  }
}

export function one(parsed: ParsedArgs, what: string, usage: string): string {
  if (parsed.positionals.length !== 1) throw new UsageError(`Give exactly one ${what}. Usage: ${usage}`);
  return parsed.positionals[0] as string;
}

export function text(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function required(parsed: ParsedArgs, name: string, usage: string): string {
  const value = text(parsed, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required. Usage: ${usage}`);
  return value;
}

/** A flag's whole number from 1 to `max` (digits only: not `2e1`, not ` 5`), or undefined when it is not given. */
export function wholeNumber(parsed: ParsedArgs, name: string, max: number, usage: string): number | undefined {
  const value = text(parsed, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`--${name} takes a whole number from 1 to ${max}. Usage: ${usage}`);
  return n;
}

/** Every value of a repeatable flag (`multiple: true`), in order. */
export function texts(parsed: ParsedArgs, name: string): string[] {
  const value = parsed.values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}
