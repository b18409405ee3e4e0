/** `tessera webhooks update|disable|enable|delete|rotate-secret|recover`: the rest of an endpoint's life, as the API offers it. */
import { MASK, UsageError, findSecret, one, parseDuration, parseFlags, printJson, text, texts, type CommandAction, type CommandContext, type ParsedArgs } from '@tessera/core';
import type { DeliveryLog } from '../delivery/delivery-log.js';
import type { EndpointPatch, EndpointStore, EndpointView } from '../endpoints/endpoint-store.js';
import { WEBHOOKS } from '../tokens.js';
import { findWebhook } from './find-webhook.js';

export const LIFECYCLE_USAGE = {
  update:
    'tessera webhooks update <id|name> [--url <url>] [--events <a,b.*>] [--name <name>] [--secret <id|name>] [--timeout <10s>] [--retry-schedule <10s,1m,1h|none|default>] [--header <Name=value>]... [--remove-header <Name>]... [--keep-succeeded <7d|default>] [--keep-failed <60d|default>] [--json]   (other headers keep their values; moving --url asks for every header value again; --keep-*: how long its finished deliveries are kept)',
  disable: 'tessera webhooks disable <id|name> [--reason <text>] [--json]   (deliveries already queued wait until it is enabled again; events published meanwhile are not queued for it)',
  enable: 'tessera webhooks enable <id|name> [--json]',
  delete: 'tessera webhooks delete <id|name>   (its waiting deliveries fail as endpoint-deleted; those made stay in the log)',
  'rotate-secret': 'tessera webhooks rotate-secret <id|name> [--grace <24h|0s>] [--json]   (the new signing secret is shown once; receivers get both signatures during the grace period)',
  recover: 'tessera webhooks recover <id|name> --since <ISO time, or how long ago: 2h> [--json]   (every failed delivery created since then is sent again, with its webhook-id)',
} as const;

const endpoints = (cli: CommandContext) => cli.get<EndpointStore>(WEBHOOKS.EndpointStore);

function printed(cli: CommandContext, parsed: ParsedArgs, endpoint: EndpointView, sentence: string): void {
  if (parsed.values.json) return printJson(cli.output, endpoint);
  cli.output.out(sentence);
}

async function update(args: string[], cli: CommandContext): Promise<void> {
  const usage = LIFECYCLE_USAGE.update;
  const parsed = parseFlags(
    args,
    {
      json: { type: 'boolean' },
      url: { type: 'string' },
      events: { type: 'string' },
      name: { type: 'string' },
      secret: { type: 'string' },
      timeout: { type: 'string' },
      'retry-schedule': { type: 'string' },
      header: { type: 'string', multiple: true },
      'remove-header': { type: 'string', multiple: true },
      'keep-succeeded': { type: 'string' },
      'keep-failed': { type: 'string' },
    },
    usage,
  );
  const endpoint = await findWebhook(cli, one(parsed, 'webhook id or name', usage));
  const patch: EndpointPatch = {};
  const url = text(parsed, 'url');
  if (url !== undefined) patch.url = url;
  const name = text(parsed, 'name');
  if (name !== undefined) patch.name = name;
  const events = text(parsed, 'events');
  if (events !== undefined) patch.events = events.split(',').map((event) => event.trim());
  const secret = text(parsed, 'secret');
  if (secret !== undefined) patch.secretId = (await findSecret(cli, secret)).id;
  const timeout = text(parsed, 'timeout');
  if (timeout !== undefined) patch.timeoutMs = durationOf(timeout, '--timeout', usage);
  const schedule = text(parsed, 'retry-schedule');
  if (schedule !== undefined) {
    const steps = schedule.trim();
    patch.retrySchedule = steps === 'default' ? null : steps === 'none' ? [] : steps.split(',').map((step) => durationOf(step, '--retry-schedule', usage, true) / 1000);
  }
  const headers = headerChanges(parsed, endpoint, usage);
  if (headers !== undefined) patch.headers = headers;
  const succeeded = retentionFlag(parsed, 'keep-succeeded', usage);
  const failed = retentionFlag(parsed, 'keep-failed', usage);
  // The one given changes (null: back to the server's); the other keeps what the webhook has.
  if (succeeded !== undefined || failed !== undefined) {
    patch.retention = { succeededMs: succeeded === undefined ? endpoint.retention.succeededMs : succeeded, failedMs: failed === undefined ? endpoint.retention.failedMs : failed };
  }
  if (Object.keys(patch).length === 0) throw new UsageError(`Say what to change. Usage: ${usage}`);
  // The headers and retention above were built from this read: refused if the webhook changed since.
  const updated = await endpoints(cli).update(endpoint.id, { ...patch, expectedRevision: endpoint.revision });
  printed(cli, parsed, updated, `Updated webhook '${updated.name}' (${updated.id}) → ${updated.url}, events ${updated.events.join(',')}${Object.keys(updated.headers).length > 0 ? `, headers ${Object.keys(updated.headers).join(', ')}` : ''}.`);
}

/** `--keep-succeeded` / `--keep-failed`: a webhook's own retention, a duration such as 7d or 12h, or `default` (null: the server's `--retention-*`); undefined when not given. */
export function retentionFlag(parsed: ParsedArgs, flag: 'keep-succeeded' | 'keep-failed', usage: string): number | null | undefined {
  const given = text(parsed, flag);
  if (given === undefined) return undefined;
  return given.trim() === 'default' ? null : durationOf(given, `--${flag}`, usage);
}

/** The whole header set to send: the stored names kept (sent masked, so their values stay), those given set, those removed gone. */
function headerChanges(parsed: ParsedArgs, endpoint: EndpointView, usage: string): Record<string, string> | undefined {
  const given = texts(parsed, 'header');
  const removed = texts(parsed, 'remove-header');
  if (given.length === 0 && removed.length === 0) return undefined;
  const next = new Map(Object.keys(endpoint.headers).map((header) => [header.toLowerCase(), [header, MASK] as [string, string]]));
  for (const header of removed) {
    if (!next.delete(header.toLowerCase())) throw new UsageError(`Webhook '${endpoint.name}' has no header '${header}' to remove (it has: ${Object.keys(endpoint.headers).join(', ') || 'none'}).`);
  }
  for (const [header, value] of Object.entries(headerFlags(given, usage))) next.set(header.toLowerCase(), [header, value]);
  return Object.fromEntries(next.values());
}

/** `--header Name=value` flags as headers (the value is never repeated in an error: it is a credential). */
export function headerFlags(given: readonly string[], usage: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of given) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError(`--header takes Name=value (got ${at === 0 ? 'no name' : 'no ='}). Usage: ${usage}`);
    headers[entry.slice(0, at).trim()] = entry.slice(at + 1);
  }
  return headers;
}

/** A duration flag in milliseconds; `seconds` asks for whole seconds (a retry delay). */
function durationOf(value: string, flag: string, usage: string, seconds = false): number {
  const ms = parseDuration(value);
  if (ms === null || ms < 1 || (seconds && ms % 1000 !== 0)) {
    throw new UsageError(`${flag} takes ${seconds ? 'whole seconds, minutes or hours' : 'a duration'} with its unit (like ${seconds ? '30s, 5m or 1h' : '10s or 500ms'}), not '${value}'. Usage: ${usage}`);
  }
  return ms;
}

async function disable(args: string[], cli: CommandContext): Promise<void> {
  const usage = LIFECYCLE_USAGE.disable;
  const parsed = parseFlags(args, { json: { type: 'boolean' }, reason: { type: 'string' } }, usage);
  const endpoint = await findWebhook(cli, one(parsed, 'webhook id or name', usage));
  const reason = text(parsed, 'reason')?.trim() || 'disabled by an operator';
  const disabled = await endpoints(cli).disable(endpoint.id, reason);
  printed(cli, parsed, disabled, `Disabled webhook '${disabled.name}' (${reason}): events published now are not queued for it, and those queued wait until: tessera webhooks enable ${disabled.name}`);
}

async function enable(args: string[], cli: CommandContext): Promise<void> {
  const usage = LIFECYCLE_USAGE.enable;
  const parsed = parseFlags(args, { json: { type: 'boolean' } }, usage);
  const endpoint = await findWebhook(cli, one(parsed, 'webhook id or name', usage));
  const enabled = await endpoints(cli).update(endpoint.id, { enabled: true });
  printed(cli, parsed, enabled, `Enabled webhook '${enabled.name}'${endpoint.enabled ? ' (it was enabled already)' : '; the running server sends what waited'}.`);
}

async function remove(args: string[], cli: CommandContext): Promise<void> {
  const usage = LIFECYCLE_USAGE.delete;
  const parsed = parseFlags(args, {}, usage);
  const endpoint = await findWebhook(cli, one(parsed, 'webhook id or name', usage));
  const { failedDeliveries: failed } = await endpoints(cli).delete(endpoint.id);
  const fate = failed === 0 ? 'it had no waiting deliveries' : `${failed.toLocaleString('en-US')} waiting deliver${failed === 1 ? 'y' : 'ies'} failed as endpoint-deleted`;
  cli.output.out(`Deleted webhook '${endpoint.name}' (${endpoint.id}): ${fate}; the deliveries made stay in the log (tessera deliveries list).`);
}

async function rotateSecret(args: string[], cli: CommandContext): Promise<void> {
  const usage = LIFECYCLE_USAGE['rotate-secret'];
  const parsed = parseFlags(args, { json: { type: 'boolean' }, grace: { type: 'string' } }, usage);
  const endpoint = await findWebhook(cli, one(parsed, 'webhook id or name', usage));
  const graceText = text(parsed, 'grace');
  const graceMs = graceText === undefined ? undefined : /^0+[a-z]*$/i.test(graceText.trim()) ? 0 : durationOf(graceText, '--grace', usage);
  const rotated = await endpoints(cli).rotateSigningSecret(endpoint.id, graceMs === undefined ? {} : { graceMs });
  if (parsed.values.json) return printJson(cli.output, rotated);
  const until = rotated.endpoint.signing.previousValidUntil;
  cli.output.out(`New signing secret for webhook '${rotated.endpoint.name}' (shown only now; give it to the receiver): ${rotated.signingSecret ?? ''}`);
  cli.output.out(until === null ? 'The old secrets no longer sign anything.' : `Until ${until} each request also carries a signature with the old secret.`);
}

async function recover(args: string[], cli: CommandContext): Promise<void> {
  const usage = LIFECYCLE_USAGE.recover;
  const parsed = parseFlags(args, { json: { type: 'boolean' }, since: { type: 'string' } }, usage);
  const endpoint = await findWebhook(cli, one(parsed, 'webhook id or name', usage));
  const sinceText = text(parsed, 'since');
  if (sinceText === undefined) throw new UsageError(`--since is required. Usage: ${usage}`);
  const ago = parseDuration(sinceText);
  const since = ago !== null ? new Date(Date.now() - ago) : new Date(sinceText);
  if (Number.isNaN(since.getTime())) throw new UsageError(`--since takes an ISO time (2026-12-01T09:00:00Z) or how long ago (2h), not '${sinceText}'. Usage: ${usage}`);
  const recovered = await cli.get<DeliveryLog>(WEBHOOKS.DeliveryLog).recover(endpoint.id, since);
  if (parsed.values.json) return printJson(cli.output, { recovered });
  cli.output.out(
    recovered === 0
      ? `No failed deliveries to '${endpoint.name}' since ${since.toISOString()}.`
      : `Queued ${recovered} failed deliver${recovered === 1 ? 'y' : 'ies'} to '${endpoint.name}' since ${since.toISOString()} again, each with its webhook-id; the running server sends them.`,
  );
}

/** The commands above, by their action. */
export const LIFECYCLE_ACTIONS: Readonly<Record<keyof typeof LIFECYCLE_USAGE, CommandAction>> = {
  update,
  disable,
  enable,
  delete: remove,
  'rotate-secret': rotateSecret,
  recover,
};
