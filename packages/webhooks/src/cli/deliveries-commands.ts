/** `tessera deliveries list|show|retry`, contributed by this package: the delivery log, every attempt, and a manual retry with the same webhook-id. */
import { UsageError, one, runAction, parseFlags, printJson, printTable, text, wholeNumber, type CommandContext, type CommandGroup } from '@tessera/core';
import { DELIVERY_PAGE_MAX, type DeliveryLog } from '../delivery/delivery-log.js';
import type { DeliveryStatus } from '../delivery/delivery-types.js';
import type { EndpointStore } from '../endpoints/endpoint-store.js';
import { WEBHOOKS } from '../tokens.js';
import { findWebhook } from './find-webhook.js';

export const DELIVERIES_USAGE = [
  'tessera deliveries list [--webhook <id|name>] [--status pending|delivering|succeeded|failed] [--event-type <type>] [--limit <n>] [--json]',
  'tessera deliveries show <id> [--json]',
  'tessera deliveries retry <id> [--json]   (a failed delivery again, or a waiting one now; same webhook-id)',
];

const STATUSES = ['pending', 'delivering', 'succeeded', 'failed'];

export const deliveriesCommands: CommandGroup = {
  name: 'deliveries',
  usage: DELIVERIES_USAGE,
  run: (action, args, context) => runAction(deliveriesCommands, { list, show, retry }, action, args, context),
};

async function list(args: string[], cli: CommandContext): Promise<void> {
  const usage = DELIVERIES_USAGE[0] as string;
  const parsed = parseFlags(
    args,
    { json: { type: 'boolean' }, webhook: { type: 'string' }, status: { type: 'string' }, 'event-type': { type: 'string' }, limit: { type: 'string' } },
    usage,
  );
  const status = text(parsed, 'status');
  if (status !== undefined && !STATUSES.includes(status)) throw new UsageError(`--status is one of ${STATUSES.join(', ')}. Usage: ${usage}`);
  const limit = wholeNumber(parsed, 'limit', DELIVERY_PAGE_MAX, usage) ?? 50;
  const webhook = text(parsed, 'webhook');
  const eventType = text(parsed, 'event-type');
  const deliveries = await cli.get<DeliveryLog>(WEBHOOKS.DeliveryLog).list({
    limit,
    ...(webhook !== undefined && { endpointId: (await findWebhook(cli, webhook)).id }),
    ...(status !== undefined && { status: status as DeliveryStatus }),
    ...(eventType !== undefined && { eventType }),
  });
  if (parsed.values.json) return printJson(cli.output, deliveries);
  // Webhooks by name; a deleted one's id is all there is.
  const names = new Map((await cli.get<EndpointStore>(WEBHOOKS.EndpointStore).list()).map((endpoint) => [endpoint.id, endpoint.name]));
  printTable(
    cli.output,
    ['ID', 'STATUS', 'ATTEMPTS', 'LAST', 'EVENT', 'WEBHOOK', 'CREATED'],
    deliveries.map((d) => [d.id, d.status, String(d.attempts), d.lastError ?? (d.lastStatus === null ? '—' : `HTTP ${d.lastStatus}`), d.eventType, names.get(d.endpointId) ?? d.endpointId, d.createdAt.slice(0, 19).replace('T', ' ')]),
    'No deliveries match.',
  );
}

async function show(args: string[], cli: CommandContext): Promise<void> {
  const usage = DELIVERIES_USAGE[1] as string;
  const parsed = parseFlags(args, { json: { type: 'boolean' } }, usage);
  const delivery = await cli.get<DeliveryLog>(WEBHOOKS.DeliveryLog).get(one(parsed, 'delivery id', usage));
  if (parsed.values.json) return printJson(cli.output, delivery);
  const webhook = await cli.get<EndpointStore>(WEBHOOKS.EndpointStore).get(delivery.endpointId).then(
    (endpoint) => `'${endpoint.name}' (${endpoint.id})`,
    () => `${delivery.endpointId} (deleted)`,
  );
  cli.output.out(`${delivery.id}  ${delivery.status}  event ${delivery.eventType} (${delivery.eventId})  webhook ${webhook}`);
  cli.output.out(`created ${delivery.createdAt}${delivery.nextAttemptAt && delivery.status === 'pending' ? `, next attempt ${delivery.nextAttemptAt}` : ''}`);
  if (delivery.attemptLog.length === 0) cli.output.out('no attempts yet');
  for (const attempt of delivery.attemptLog) {
    const outcome = attempt.status === null ? (attempt.errorCode ?? 'error') : `HTTP ${attempt.status}`;
    cli.output.out(`  ${attempt.attemptedAt}  ${outcome}  ${Math.round(attempt.latencyMs)} ms${attempt.errorMessage ? `  ${attempt.errorMessage}` : ''}`);
  }
}

async function retry(args: string[], cli: CommandContext): Promise<void> {
  const usage = DELIVERIES_USAGE[2] as string;
  const parsed = parseFlags(args, { json: { type: 'boolean' } }, usage);
  const log = cli.get<DeliveryLog>(WEBHOOKS.DeliveryLog);
  const id = one(parsed, 'delivery id', usage);
  // Said from what the retry did (a failed delivery queued again, a waiting one brought forward: due now
  // either way), not from a status read before it, which a running dispatcher may have changed since.
  const summary = await log.retry(id);
  if (parsed.values.json) return printJson(cli.output, summary);
  cli.output.out(`Delivery ${summary.id} is due now, with the same webhook-id; the running server sends it.`);
}
