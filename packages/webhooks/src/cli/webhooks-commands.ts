/** `tessera webhooks …`, contributed by this package: list, create and send-test here, the rest of an endpoint's life in `webhook-lifecycle-commands.ts`. */
import { CORE, CommandFailed, runAction, UsageError, findSecret, one, parseFlags, printJson, printTable, required, text, texts, type CommandContext, type CommandGroup, type SecretStore } from '@tessera/core';
import type { DeliveryLog } from '../delivery/delivery-log.js';
import type { Publisher } from '../delivery/publisher.js';
import { TEST_EVENT_TYPE } from '../http/test-event.js';
import type { EndpointStore } from '../endpoints/endpoint-store.js';
import { WEBHOOKS } from '../tokens.js';
import { findWebhook } from './find-webhook.js';
import { LIFECYCLE_ACTIONS, LIFECYCLE_USAGE, headerFlags, retentionFlag } from './webhook-lifecycle-commands.js';

export const WEBHOOKS_USAGE = [
  'tessera webhooks list [--json]',
  'tessera webhooks create --url <url> --secret <id|name> [--events <a,b.*>] [--name <name>] [--header <Name=value>]... [--keep-succeeded <7d>] [--keep-failed <60d>] [--no-signing] [--json]   (header values are sealed, and masked everywhere)',
  'tessera webhooks send-test <id|name> [--wait <seconds>] [--json]',
  ...Object.values(LIFECYCLE_USAGE),
];

export const webhooksCommands: CommandGroup = {
  name: 'webhooks',
  usage: WEBHOOKS_USAGE,
  run: (action, args, context) => runAction(webhooksCommands, { list, create, 'send-test': sendTest, ...LIFECYCLE_ACTIONS }, action, args, context),
};

async function list(args: string[], cli: CommandContext): Promise<void> {
  const parsed = parseFlags(args, { json: { type: 'boolean' } }, WEBHOOKS_USAGE[0] as string);
  const endpoints = await cli.get<EndpointStore>(WEBHOOKS.EndpointStore).list();
  if (parsed.values.json) return printJson(cli.output, endpoints);
  const secretNames = new Map((await cli.get<SecretStore>(CORE.SecretStore).list()).map((s) => [s.id, s.name]));
  printTable(
    cli.output,
    ['NAME', 'URL', 'EVENTS', 'STATE', 'SECRET', 'ID'],
    endpoints.map((e) => [e.name, e.url, e.events.join(','), e.enabled ? 'enabled' : `disabled (${e.disabledReason ?? ''})`, secretNames.get(e.secretId) ?? e.secretId, e.id]),
    'No webhooks yet. Create one: tessera webhooks create --url <url> --secret <secret name>',
  );
}

async function create(args: string[], cli: CommandContext): Promise<void> {
  const usage = WEBHOOKS_USAGE[1] as string;
  const parsed = parseFlags(
    args,
    { json: { type: 'boolean' }, url: { type: 'string' }, secret: { type: 'string' }, events: { type: 'string' }, name: { type: 'string' }, header: { type: 'string', multiple: true }, 'no-signing': { type: 'boolean' }, 'keep-succeeded': { type: 'string' }, 'keep-failed': { type: 'string' } },
    usage,
  );
  const url = required(parsed, 'url', usage);
  const secret = await findSecret(cli, required(parsed, 'secret', usage));
  const events = text(parsed, 'events');
  const name = text(parsed, 'name');
  const headers = headerFlags(texts(parsed, 'header'), usage);
  const succeededMs = retentionFlag(parsed, 'keep-succeeded', usage) ?? null;
  const failedMs = retentionFlag(parsed, 'keep-failed', usage) ?? null;
  const created = await cli.get<EndpointStore>(WEBHOOKS.EndpointStore).create({
    url,
    secretId: secret.id,
    signing: parsed.values['no-signing'] ? 'none' : 'generate',
    ...(events !== undefined && { events: events.split(',').map((e) => e.trim()) }),
    ...(name !== undefined && { name }),
    ...(Object.keys(headers).length > 0 && { headers }),
    ...((succeededMs !== null || failedMs !== null) && { retention: { succeededMs, failedMs } }),
  });
  if (parsed.values.json) return printJson(cli.output, created);
  cli.output.out(`Created webhook '${created.endpoint.name}' (${created.endpoint.id}) → ${created.endpoint.url}, events ${created.endpoint.events.join(',')}, secret '${secret.name}'.`);
  if (created.signingSecret) cli.output.out(`Signing secret (shown only now; give it to the receiver): ${created.signingSecret}`);
}

async function sendTest(args: string[], cli: CommandContext): Promise<void> {
  const usage = WEBHOOKS_USAGE[2] as string;
  const parsed = parseFlags(args, { json: { type: 'boolean' }, wait: { type: 'string' } }, usage);
  const endpoint = await findWebhook(cli, one(parsed, 'webhook id or name', usage));
  const waitText = text(parsed, 'wait');
  const waitSeconds = waitText === undefined ? 0 : Number(waitText);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new UsageError(`--wait takes a number of seconds. Usage: ${usage}`);
  const [deliveryId] = await cli.get<Publisher>(WEBHOOKS.Publisher).publish({
    type: TEST_EVENT_TYPE,
    data: { message: `A test event from Tessera to webhook '${endpoint.name}'.` },
    endpointId: endpoint.id,
  });
  const id = deliveryId as string;
  if (waitSeconds === 0) {
    if (parsed.values.json) return printJson(cli.output, { deliveryId: id });
    cli.output.out(`Queued test delivery ${id} to '${endpoint.name}'; the running server sends it. Follow it: tessera deliveries show ${id}`);
    return;
  }
  const log = cli.get<DeliveryLog>(WEBHOOKS.DeliveryLog);
  const deadline = Date.now() + waitSeconds * 1000;
  let delivery = await log.get(id);
  while (delivery.attempts === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    delivery = await log.get(id);
  }
  if (parsed.values.json) printJson(cli.output, delivery);
  if (delivery.attempts === 0) throw new CommandFailed(`Test delivery ${id} was not attempted within ${waitSeconds} s: is \`tessera serve\` running on this data directory?`);
  const last = delivery.attemptLog.at(-1);
  if (delivery.status !== 'succeeded') {
    // A sentence of its own ends before what follows: no stray '.;'.
    const reason = (last?.errorMessage ?? `HTTP ${last?.status ?? '?'}`).replace(/[.\s]+$/, '');
    const next = delivery.status === 'pending' && delivery.nextAttemptAt ? `; it is retried at ${delivery.nextAttemptAt} (follow it: tessera deliveries show ${id})` : '';
    throw new CommandFailed(`Test delivery ${id} to '${endpoint.name}': the first attempt failed: ${reason}${next}`);
  }
  if (!parsed.values.json) cli.output.out(`Test delivery ${id} to '${endpoint.name}' succeeded: HTTP ${last?.status ?? '?'} in ${last === undefined ? '?' : Math.round(last.latencyMs)} ms.`);
}
