/**
 * The advanced settings every secret kind takes beside its own fields, as `secrets create|update` flags:
 * how the token request is encoded and its scope written, extra body parameters, the response's field
 * names and the lifetime of a token whose answer has no `expires_in` — everything the API accepts.
 */
import { readFileSync } from 'node:fs';
import { BODY_ENCODINGS, CommandFailed, SCOPE_FORMATS, UsageError, isSecretParamName, text, texts, type FlagSpec, type ParsedArgs, type ResponseFields } from '@tessera/core';

export const TOKEN_REQUEST_FLAGS: FlagSpec = {
  encoding: { type: 'string' },
  'scope-format': { type: 'string' },
  'extra-param': { type: 'string', multiple: true },
  'extra-param-file': { type: 'string', multiple: true },
  'response-field': { type: 'string', multiple: true },
  'default-lifetime-seconds': { type: 'string' },
};

/** What `--help` says of each, in the columns of a kind's field flags. */
export const TOKEN_REQUEST_HELP = (
  [
    [`--encoding ${BODY_ENCODINGS.join('|')}`, "how the token request body is sent (JSON, or application/x-www-form-urlencoded); default the kind's"],
    [`--scope-format ${SCOPE_FORMATS.join('|')}`, `how the scope is written: ('a,b',) as legacy endpoints want, a,b as typed, or "a b" as OAuth says`],
    ['--extra-param <name>=<value>', 'one more body parameter (repeat it; an empty value drops it on update); a secret one (a key, an assertion) only from a file:'],
    ['--extra-param-file <name>=<path>', 'an extra parameter read from a file, sealed and masked like any credential'],
    ['--response-field <field>=<name>', 'the answer names accessToken, expiresIn or tokenType differently (repeat it; an empty name restores the default)'],
    ['--default-lifetime-seconds <n>', 'how long a token lives when the answer has no expires_in (an empty value clears it)'],
  ] as const
).map(([flag, help]) => `  ${flag.padEnd(34)} ${help}`);

/**
 * The params these flags set. On update, `stored` is the secret's current params: extra parameters and
 * response fields given are merged into the stored ones (a stored secret extra stays, sent back masked).
 */
export function tokenRequestParams(parsed: ParsedArgs, stored?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const clearable = stored !== undefined;
  const encoding = text(parsed, 'encoding');
  if (encoding !== undefined) params.encoding = choice(encoding, BODY_ENCODINGS, '--encoding', clearable);
  const scopeFormat = text(parsed, 'scope-format');
  if (scopeFormat !== undefined) params.scopeFormat = choice(scopeFormat, SCOPE_FORMATS, '--scope-format', clearable);
  const lifetime = text(parsed, 'default-lifetime-seconds');
  if (lifetime !== undefined) {
    if (lifetime === '' && clearable) params.defaultLifetimeSeconds = null;
    else if (!/^[1-9]\d{0,7}$/.test(lifetime)) throw new UsageError(`--default-lifetime-seconds takes a whole number of seconds (like 3600), not '${lifetime}'.`);
    else params.defaultLifetimeSeconds = Number(lifetime);
  }
  const extras = extraParams(parsed, (stored?.extraParams ?? {}) as Record<string, string>);
  if (extras !== undefined) params.extraParams = extras;
  const fields = responseFields(parsed, (stored?.responseFields ?? {}) as ResponseFields);
  if (fields !== undefined) params.responseFields = fields;
  return params;
}

function choice<T extends string>(value: string, options: readonly T[], flag: string, clearable: boolean): T | null {
  if (value === '' && clearable) return null;
  if (!(options as readonly string[]).includes(value)) throw new UsageError(`${flag} is one of ${options.join(', ')}, not '${value}'.`);
  return value as T;
}

function pairs(values: readonly string[], flag: string, what: string): Array<[string, string]> {
  return values.map((entry) => {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} takes <name>=<${what}> (got ${at === 0 ? 'no name' : 'no ='}).`);
    return [entry.slice(0, at).trim(), entry.slice(at + 1)];
  });
}

function extraParams(parsed: ParsedArgs, stored: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const given = pairs(texts(parsed, 'extra-param'), '--extra-param', 'value');
  const fromFiles = pairs(texts(parsed, 'extra-param-file'), '--extra-param-file', 'path');
  if (given.length === 0 && fromFiles.length === 0) return undefined;
  const next = new Map(Object.entries(stored));
  for (const [name, value] of given) {
    if (isSecretParamName(name) && value !== '') {
      throw new UsageError(`The extra parameter '${name}' is secret and is not taken on the command line (shell history, process lists): use --extra-param-file ${name}=<path>.`);
    }
    if (value === '') next.delete(name);
    else next.set(name, value);
  }
  // (A stored secret extra is shown masked: sent back masked, it keeps its value.)
  for (const [name, path] of fromFiles) next.set(name, readValue(path, name));
  return Object.fromEntries(next);
}

const RESPONSE_FIELDS = ['accessToken', 'expiresIn', 'tokenType'] as const;

function responseFields(parsed: ParsedArgs, stored: ResponseFields): ResponseFields | null | undefined {
  const given = pairs(texts(parsed, 'response-field'), '--response-field', 'name');
  if (given.length === 0) return undefined;
  const next = new Map(Object.entries(stored));
  for (const [field, name] of given) {
    const key = RESPONSE_FIELDS.find((known) => known.toLowerCase() === field.replace(/[-_]/g, '').toLowerCase());
    if (key === undefined) throw new UsageError(`--response-field names one of ${RESPONSE_FIELDS.join(', ')}, not '${field}'.`);
    if (name === '') next.delete(key);
    else next.set(key, name);
  }
  return next.size === 0 ? null : Object.fromEntries(next);
}

function readValue(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new CommandFailed(`--extra-param-file ${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}
