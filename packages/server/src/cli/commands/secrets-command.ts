/** `tessera secrets list|create|show|update|test|delete`: create and update take flags derived from the kind's fields. */
import { readFileSync } from 'node:fs';
import { CORE, runAction, findSecret, CredentialsRequiredError, KindNotLoadedError, one, parseFlags, required, text, CommandFailed, UsageError, printJson, printTable, SECRET_PAGE_MAX, wholeNumber, type Clock, type FieldDeclaration, type SecretKind, type SecretKindRegistry, type SecretStore, type SecretTester, type SecretView, type TestReport, type FlagSpec } from '@tessera/core';
import type { TestResults } from '../../secret-tests/test-results.js';
import { SERVER } from '../../tokens.js';
import type { CliContext } from '../cli-context.js';
import { readSensitive } from '../read-sensitive.js';
import { TOKEN_REQUEST_FLAGS, TOKEN_REQUEST_HELP, tokenRequestParams } from './token-request-flags.js';

export const SECRETS_USAGE = [
  'tessera secrets list [--kind <kind>] [--limit <n>] [--after <name>] [--json]   (without --limit, every secret; with it, a page in name order, the next one --after the last name shown)',
  'tessera secrets create --kind <kind> --name <name> [--<field> <value> ...] [--<sensitive field>-file <path>] [--description <text>] [advanced flags] [--json]   (other sensitive fields: stdin, one line each, or a prompt; `secrets create --kind <kind> --help` lists the kind\'s fields and the advanced flags)',
  'tessera secrets show <id|name> [--json]',
  'tessera secrets test <id|name> [--json]',
  'tessera secrets delete <id|name>',
  'tessera secrets update <id|name> [--name <name>] [--description <text>] [--<field> <value> ...] [--<sensitive field>-file <path>] [--credentials] [advanced flags] [--json]   (an empty value clears a field; --credentials asks for every sensitive field; moving a destination such as --url asks for the stored credentials again)',
];

const JSON_FLAG: FlagSpec = { json: { type: 'boolean' } };

export function secretsCommand(action: string | undefined, args: string[], cli: CliContext): Promise<void> {
  return runAction({ name: 'secrets', usage: SECRETS_USAGE }, { list, create, show, test, delete: remove, update }, action, args, cli);
}

/** `secrets create --kind <kind> --help`: that kind's field flags, and the advanced flags; `secrets update --help`: those too. */
export async function secretsUsageOf(action: string | undefined, args: readonly string[], cli: CliContext): Promise<readonly string[] | undefined> {
  if (action === 'update') return [`Usage: ${SECRETS_USAGE[5] as string}`, '', 'Advanced flags (every kind):', ...TOKEN_REQUEST_HELP];
  if (action !== 'create') return undefined;
  const kindId = peekFlag(args, 'kind');
  const kinds = cli.get<SecretKindRegistry>(CORE.SecretKindRegistry).list();
  const kind = kinds.find((k) => k.id === kindId);
  if (kind === undefined) {
    return [`Usage: ${SECRETS_USAGE[1] as string}`, '', `Kinds: ${kinds.map((k) => `${k.id} (${k.label})`).join(', ')}. Name one with --kind to see its fields.`];
  }
  const fields = kind.fields.map((field) => {
    const flag = `--${flagName(field)} <${field.type === 'select' ? (field.options ?? []).join('|') : field.type}>`;
    const how = field.sensitive ? `sensitive: from stdin, the prompt, or --${flagName(field)}-file <path>` : field.required && field.default === undefined ? 'required' : field.default !== undefined ? `default ${field.default}` : 'optional';
    return `  ${flag.padEnd(34)} ${field.label} (${how})${field.help ? `. ${field.help}` : ''}`;
  });
  return [`Usage: tessera secrets create --kind ${kind.id} --name <name> [flags] [--description <text>] [--json]`, '', `${kind.label}${kind.description ? `: ${kind.description}` : ""}`, '', 'Fields:', ...fields, '', 'Advanced flags (every kind):', ...TOKEN_REQUEST_HELP];
}

async function list(args: string[], cli: CliContext): Promise<void> {
  const usage = SECRETS_USAGE[0] as string;
  const parsed = parseFlags(args, { ...JSON_FLAG, kind: { type: 'string' }, limit: { type: 'string' }, after: { type: 'string' } }, usage);
  const kind = text(parsed, 'kind');
  const limit = wholeNumber(parsed, 'limit', SECRET_PAGE_MAX, usage);
  const after = text(parsed, 'after');
  // The store checks the page too (an over-long --after is refused there with its reason).
  const secrets = await cli.get<SecretStore>(CORE.SecretStore).list({
    ...(kind === undefined ? {} : { kind }),
    ...(limit === undefined ? {} : { limit }),
    ...(after === undefined ? {} : { after }),
  });
  const tests = await cli.get<TestResults>(SERVER.TestResults).all();
  const rows = secrets.map((secret) => ({ ...secret, lastTest: tests.get(secret.id) ?? null }));
  // A full page may have more after it: say how to ask for the next (on stderr, so the table or the JSON stays what it is).
  const last = secrets.at(-1);
  if (limit !== undefined && last !== undefined && secrets.length === limit) {
    cli.output.err(`More may follow: tessera secrets list --limit ${limit} --after ${shellWord(last.name)}${kind === undefined ? '' : ` --kind ${shellWord(kind)}`}`);
  }
  if (parsed.values.json) return printJson(cli.output, rows);
  printTable(
    cli.output,
    ['NAME', 'KIND', 'ORIGIN', 'UPDATED', 'LAST TEST', 'ID'],
    rows.map((s) => [s.name, s.kindKnown ? s.kind : `${s.kind} (not loaded)`, s.origin, s.updatedAt.slice(0, 19).replace('T', ' '), s.lastTest ? (s.lastTest.ok ? 'ok' : 'failed') : '—', s.id]),
    after !== undefined
      ? `No secrets after '${after}'${kind === undefined ? '' : ` of kind ${kind}`}.`
      : 'No secrets yet. Create one: tessera secrets create --kind general --name <name> --url <token URL> --username <user>',
  );
  const unloaded = [...new Set(rows.filter((s) => !s.kindKnown).map((s) => s.kind))];
  if (unloaded.length > 0) {
    cli.output.err(`Kinds not loaded here: ${unloaded.join(', ')}. Those secrets can be listed, shown and deleted, not used; load the plugin that declares them (TESSERA_PLUGINS or --plugin).`);
  }
}

/** A name as one shell word, quoted when it holds anything but letters, digits and `._-`. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9._-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `grantType` → `grant-type`: the flag of a declared field. */
export function flagName(field: Pick<FieldDeclaration, 'name'>): string {
  return field.name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

async function create(args: string[], cli: CliContext): Promise<void> {
  const usage = SECRETS_USAGE[1] as string;
  const kindId = peekFlag(args, 'kind');
  if (!kindId) throw new UsageError(`--kind is required. Usage: ${usage}`);
  const registry = cli.get<SecretKindRegistry>(CORE.SecretKindRegistry);
  const kind = registry.list().find((k) => k.id === kindId);
  if (!kind) throw new UsageError(`Unknown kind '${kindId}'. Kinds: ${registry.list().map((k) => k.id).join(', ')}.`);
  const spec: FlagSpec = { ...JSON_FLAG, kind: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, ...TOKEN_REQUEST_FLAGS };
  Object.assign(spec, fieldFlags(kind));
  const fieldUsage = `tessera secrets create --kind ${kind.id} --name <name> ${kind.fields
    .filter((f) => !f.sensitive)
    .map((f) => (f.required && f.default === undefined ? `--${flagName(f)} <${f.type}>` : `[--${flagName(f)} <${f.type}>]`))
    .join(' ')}`;
  const parsed = parseFlags(args, spec, fieldUsage);
  const name = required(parsed, 'name', fieldUsage);
  const sensitive = kind.fields.filter((f) => f.sensitive);
  refuseSensitiveFlags(kind, parsed);
  const params: Record<string, unknown> = {};
  for (const field of kind.fields) {
    const value = text(parsed, flagName(field));
    if (value !== undefined) params[field.name] = value;
  }
  // A sensitive value comes from a file (a PEM key, say) or from stdin / the prompt; an optional one may be left empty.
  const asked: FieldDeclaration[] = [];
  for (const field of sensitive) {
    const path = text(parsed, `${flagName(field)}-file`);
    if (path === undefined) asked.push(field);
    else params[field.name] = readValueFile(path, `--${flagName(field)}-file`);
  }
  const values = await readSensitive(
    asked.map((f) => (f.required ? f.label : `${f.label} (optional: empty to skip)`)),
    cli.stdin,
  );
  asked.forEach((field, i) => {
    if (values[i] !== '') params[field.name] = values[i];
  });
  Object.assign(params, tokenRequestParams(parsed));
  const description = text(parsed, 'description');
  const created = await cli.get<SecretStore>(CORE.SecretStore).create({ name, kind: kind.id, params, ...(description !== undefined && { description }) });
  if (parsed.values.json) return printJson(cli.output, created);
  cli.output.out(`Created secret '${created.name}' (${created.id}), kind ${created.kind}. Test it: tessera secrets test ${created.name}`);
}

async function show(args: string[], cli: CliContext): Promise<void> {
  const usage = SECRETS_USAGE[2] as string;
  const parsed = parseFlags(args, JSON_FLAG, usage);
  const secret = await findSecret(cli, one(parsed, 'secret id or name', usage));
  const lastTest = await cli.get<TestResults>(SERVER.TestResults).get(secret.id);
  if (parsed.values.json) return printJson(cli.output, { ...secret, lastTest });
  const lines: Array<[string, string]> = [
    ['id', secret.id],
    ['name', secret.name],
    ['kind', secret.kindKnown ? secret.kind : `${secret.kind} (not loaded: the secret can be shown and deleted, not used; load the plugin that declares it)`],
    ['origin', secret.origin],
    ['description', secret.description || '—'],
    ['revision', String(secret.revision)],
    ['updated', secret.updatedAt],
    ['last test', lastTest ? `${lastTest.ok ? 'ok' : 'failed'} at ${lastTest.testedAt}: ${lastTest.summary}` : 'never tested'],
    ...Object.entries(secret.params).map(([key, value]): [string, string] => [`params.${key}`, typeof value === 'string' ? value : JSON.stringify(value)]),
  ];
  const width = Math.max(...lines.map(([key]) => key.length));
  for (const [key, value] of lines) cli.output.out(`${key.padEnd(width)}  ${value}`);
}

async function test(args: string[], cli: CliContext): Promise<void> {
  const usage = SECRETS_USAGE[3] as string;
  const parsed = parseFlags(args, JSON_FLAG, usage);
  const secret = await findSecret(cli, one(parsed, 'secret id or name', usage));
  const startedAt = cli.get<Clock>(CORE.Clock).now();
  const report = await cli.get<SecretTester>(CORE.SecretTester).test(secret.id);
  await cli.get<TestResults>(SERVER.TestResults).record(secret.id, report, startedAt);
  if (parsed.values.json) printJson(cli.output, report);
  else printReport(cli, secret.name, report);
  if (!report.ok) throw new CommandFailed(`The test of secret '${secret.name}' failed: ${report.diagnostics.find((d) => d.level === 'error')?.message ?? 'no token'}`);
}

/** The flag that sets each setting a test report may point at. */
const SETTING_FLAGS: Record<NonNullable<TestReport['diagnostics'][number]['setting']>, string> = {
  encoding: '--encoding form',
  scopeFormat: '--scope-format <tuple|plain|space>',
  extraParams: '--extra-param <name>=<value>',
  responseFields: '--response-field accessToken=<name>',
  defaultLifetimeSeconds: '--default-lifetime-seconds <n>',
};

export function printReport(cli: CliContext, name: string, report: TestReport): void {
  const status = report.status === undefined ? '' : ` (HTTP ${report.status})`;
  cli.output.out(`${report.ok ? 'ok' : 'FAILED'}: secret '${name}'${status} in ${report.durationMs} ms`);
  if (report.token) cli.output.out(`  token: ${report.token.type} ${report.token.preview}, expires in ${report.token.expiresInSeconds} s`);
  for (const d of report.diagnostics) {
    cli.output.out(`  ${d.level}: ${d.message}`);
    const flag = d.setting !== undefined ? SETTING_FLAGS[d.setting] : d.field !== undefined ? `--${flagName({ name: d.field })} <value>` : undefined;
    if (d.hint) cli.output.out(`    hint: ${d.hint}${flag !== undefined ? ` (here: tessera secrets update ${name} ${flag})` : ''}`);
  }
}

async function remove(args: string[], cli: CliContext): Promise<void> {
  const usage = SECRETS_USAGE[4] as string;
  const parsed = parseFlags(args, {}, usage);
  const secret = await findSecret(cli, one(parsed, 'secret id or name', usage));
  await cli.get<SecretStore>(CORE.SecretStore).delete(secret.id);
  await cli.get<TestResults>(SERVER.TestResults).forget(secret.id);
  cli.output.out(`Deleted secret '${secret.name}' (${secret.id}).`);
}

/**
 * Changes a secret. A sensitive value comes from `--<field>-file`, or from stdin / a prompt with
 * `--credentials`; a change that moves a destination (the token URL, say) asks for every stored
 * credential again, as the store requires (DESIGN §7), instead of failing.
 */
async function update(args: string[], cli: CliContext): Promise<void> {
  const usage = SECRETS_USAGE[5] as string;
  const target = args[0];
  if (target === undefined || target.startsWith('-')) throw new UsageError(`Name the secret first. Usage: ${usage}`);
  const secret = await findSecret(cli, target);
  if (!secret.kindKnown) throw new KindNotLoadedError(secret.kind, secret.name);
  const kind = cli.get<SecretKindRegistry>(CORE.SecretKindRegistry).get(secret.kind);
  const parsed = parseFlags(args.slice(1), { ...JSON_FLAG, name: { type: 'string' }, description: { type: 'string' }, credentials: { type: 'boolean' }, ...fieldFlags(kind), ...TOKEN_REQUEST_FLAGS }, usage);
  if (parsed.positionals.length > 0) throw new UsageError(`Unexpected argument '${parsed.positionals[0]}'. Usage: ${usage}`);
  refuseSensitiveFlags(kind, parsed);
  const params: Record<string, unknown> = {};
  for (const field of kind.fields.filter((f) => !f.sensitive)) {
    const value = text(parsed, flagName(field));
    if (value !== undefined) params[field.name] = value === '' ? null : value;
  }
  const fromFiles = new Set<string>();
  for (const field of kind.fields.filter((f) => f.sensitive)) {
    const path = text(parsed, `${flagName(field)}-file`);
    if (path === undefined) continue;
    params[field.name] = readValueFile(path, `--${flagName(field)}-file`);
    fromFiles.add(field.name);
  }
  if (parsed.values.credentials) {
    const asked = kind.fields.filter((f) => f.sensitive && !fromFiles.has(f.name));
    const values = await readSensitive(asked.map((f) => `${f.label} (empty keeps the current value)`), cli.stdin);
    asked.forEach((field, i) => {
      if (values[i] !== '') params[field.name] = values[i];
    });
  }
  Object.assign(params, tokenRequestParams(parsed, secret.params));
  const name = text(parsed, 'name');
  const description = text(parsed, 'description');
  const store = cli.get<SecretStore>(CORE.SecretStore);
  const save = () =>
    store.update(secret.id, {
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
      ...(Object.keys(params).length > 0 && { params }),
      expectedRevision: secret.revision,
    });
  let updated: SecretView;
  try {
    updated = await save();
  } catch (error) {
    if (!(error instanceof CredentialsRequiredError)) throw error;
    await askAgain(error, kind, secret, params, cli);
    updated = await save();
  }
  if (parsed.values.json) return printJson(cli.output, updated);
  const dropped = Object.keys(params).length > 0 ? '; its cached token is dropped' : '';
  cli.output.out(`Updated secret '${updated.name}' (${updated.id}), revision ${updated.revision}${dropped}. Test it: tessera secrets test ${updated.name}`);
}

/** The credentials a destination change needs again, read from stdin or a prompt into `params`. */
async function askAgain(error: CredentialsRequiredError, kind: SecretKind, secret: SecretView, params: Record<string, unknown>, cli: CliContext): Promise<void> {
  const storedExtras = (secret.params.extraParams ?? {}) as Record<string, unknown>;
  const names = error.fields.map((field) => field.replace(/^params\./, ''));
  const labels = names.map((name) => kind.fields.find((f) => f.name === name)?.label ?? name);
  const moved = error.destinations.map((d) => d.replace(/^params\./, '')).join(', ');
  cli.output.err(`${moved} changes: give ${labels.join(', ')} again (a stored credential is never sent to a new destination).`);
  const values = await readSensitive(labels, cli.stdin);
  // Clear extra parameters stay as they are; the sensitive ones named here are all replaced.
  const extras = { ...storedExtras };
  names.forEach((name, i) => {
    const value = values[i] as string;
    if (value === '') throw new CommandFailed(`${labels[i]} is needed again because ${moved} changes; nothing was saved.`);
    if (name.startsWith('extraParams.')) extras[name.slice('extraParams.'.length)] = value;
    else params[name] = value;
  });
  if (names.some((name) => name.startsWith('extraParams.'))) params.extraParams = extras;
}

/** The flags a kind's fields give a command: `--<field>` each, and `--<field>-file` for the sensitive ones. */
function fieldFlags(kind: SecretKind): FlagSpec {
  const spec: FlagSpec = {};
  for (const field of kind.fields) spec[flagName(field)] = { type: 'string' };
  for (const field of kind.fields.filter((f) => f.sensitive)) spec[`${flagName(field)}-file`] = { type: 'string' };
  return spec;
}

/** Sensitive values are never taken on the command line (shell history, process lists). */
function refuseSensitiveFlags(kind: SecretKind, parsed: ReturnType<typeof parseFlags>): void {
  for (const field of kind.fields.filter((f) => f.sensitive)) {
    if (text(parsed, flagName(field)) !== undefined) {
      throw new UsageError(`--${flagName(field)} is sensitive and is not taken on the command line (shell history, process lists): pipe it on stdin, type it at the prompt, or use --${flagName(field)}-file.`);
    }
  }
}

function readValueFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new CommandFailed(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

/** Reads one flag's value before the kind-specific flags are known. */
function peekFlag(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === `--${name}`) return args[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}
