/** Endpoints (validation, signing secrets, secrets in use) and publishing (one delivery per match, idempotent). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE, type SqliteDatabase, type ValidationError } from '@tessera/core';
import { describeOnEachStorage } from '../support/storage-under-test.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

describeOnEachStorage('endpoints', () => {
  it('refuses an endpoint whose secret does not exist', async () => {
    const world = await startTestWebhooks();
    const error = await world.endpoints.create({ url: world.receiver.url('/hook'), secretId: 'sec_nope' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'validation', issues: [{ field: 'secretId', message: "secret 'sec_nope' does not exist; create it first or pick an existing one" }] });
  });

  it("refuses a connector's secret, whose tokens are for that connector's API only", async () => {
    const world = await startTestWebhooks();
    const connector = await world.secrets.create({
      name: 'crm:main',
      kind: 'general',
      params: { url: world.tokenServer.tokenUrl, username: 'u', password: 'connector-password' },
      origin: 'connector',
      owner: 'crm:main',
    });
    const refused = { code: 'validation', issues: [{ field: 'secretId', message: expect.stringContaining("is maintained by a connector and its tokens are for that connector's API only") }] };
    await expect(world.endpoints.create({ url: world.receiver.url('/hook'), secretId: connector.id })).rejects.toMatchObject(refused);
    const { endpoint } = await world.createEndpoint();
    await expect(world.endpoints.update(endpoint.id, { secretId: connector.id })).rejects.toMatchObject(refused);
  });

  it('refuses an Authorization header, because it comes from the secret', async () => {
    const world = await startTestWebhooks();
    await expect(world.createEndpoint({ headers: { Authorization: 'Basic abc' } })).rejects.toMatchObject({
      code: 'validation',
      issues: [{ field: 'headers', message: "an Authorization header is refused: it comes from the endpoint's secret" }],
    });
    await expect(world.createEndpoint({ headers: { 'x-ok': 'line\r\nbreak' } })).rejects.toMatchObject({ code: 'validation' });
    expect(await world.endpoints.list()).toEqual([]);
  });

  it('validates the URL, the event filters and the timeout field by field', async () => {
    const world = await startTestWebhooks();
    const secret = await world.createGeneralSecret();
    const error = (await world.endpoints.create({ url: 'ftp://x', secretId: secret.id, events: ['bad filter!'], timeoutMs: 5 }).catch((e: unknown) => e)) as ValidationError;
    expect(error.issues.map((i) => i.field)).toEqual(['url', 'events.0', 'timeoutMs']);
  });

  it('refuses a change made from an older revision, so one operator’s save cannot undo another’s', async () => {
    const world = await startTestWebhooks();
    const { endpoint } = await world.createEndpoint({ headers: { 'X-Tenant': 'acme' } });
    // Two operators read revision 1; the first adds a header, the second (a whole form) changes the timeout.
    const first = await world.endpoints.update(endpoint.id, { headers: { 'X-Tenant': '••••', 'X-Region': 'eu' }, expectedRevision: endpoint.revision });
    expect(first.revision).toBe(endpoint.revision + 1);
    await expect(world.endpoints.update(endpoint.id, { timeoutMs: 5_000, headers: { 'X-Tenant': '••••' }, expectedRevision: endpoint.revision })).rejects.toMatchObject({
      code: 'revision-mismatch',
      message: expect.stringContaining('changed since you read it'),
    });
    expect(await world.endpoints.get(endpoint.id)).toMatchObject({ revision: first.revision, timeoutMs: endpoint.timeoutMs, headers: { 'X-Tenant': '••••', 'X-Region': '••••' } });
  });

  it('shows a generated signing secret once, never again', async () => {
    const world = await startTestWebhooks();
    const { endpoint, signingSecret } = await world.createEndpoint();
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const everything = JSON.stringify([endpoint, await world.endpoints.get(endpoint.id), await world.endpoints.list()]);
    expect(everything).not.toContain(signingSecret!.slice(6));
    expect(endpoint.signing).toEqual({ enabled: true, preview: 'whsec_••••', previousValidUntil: null });
  });

  it('refuses to delete a secret that an endpoint uses, with a conflict naming the endpoint', async () => {
    const world = await startTestWebhooks();
    const { endpoint, secret } = await world.createEndpoint({ name: 'crm' });
    await expect(world.secrets.delete(secret.id)).rejects.toMatchObject({ code: 'secret-in-use', message: expect.stringContaining(`webhook endpoint 'crm' (${endpoint.id})`) });
    await world.endpoints.delete(endpoint.id);
    await world.secrets.delete(secret.id);
  });
});

describeOnEachStorage('publishing', () => {
  it('persists one delivery per matching endpoint: exact types, *, and prefixes', async () => {
    const world = await startTestWebhooks();
    const secret = await world.createGeneralSecret();
    const all = await world.createEndpoint({ secret, events: ['*'], path: '/all' });
    const invoices = await world.createEndpoint({ secret, events: ['invoice.*'], path: '/invoices' });
    const paid = await world.createEndpoint({ secret, events: ['invoice.paid'], path: '/paid' });
    await world.createEndpoint({ secret, events: ['order.created'], path: '/orders' });
    await world.createEndpoint({ secret, events: ['*'], enabled: false, path: '/off' });

    const ids = await world.publisher.publish({ type: 'invoice.paid', data: { n: 1 } });
    const rows = await world.deliveries.list();
    expect(rows.map((d) => d.endpointId).sort()).toEqual([all.endpoint.id, invoices.endpoint.id, paid.endpoint.id].sort());
    expect(rows.map((d) => d.id).sort()).toEqual([...ids].sort());
    expect(rows.every((d) => d.status === 'pending')).toBe(true);
    expect(await world.publisher.publish({ type: 'invoice.voided', data: {} })).toHaveLength(2);
    expect(await world.publisher.publish({ type: 'customer.created', data: {} })).toHaveLength(1);
  });

  it('creates no duplicates when the same event id is published twice', async () => {
    const world = await startTestWebhooks();
    await world.createEndpoint();
    const first = await world.publisher.publish({ id: 'order-1001', type: 'order.created', data: { n: 1 } });
    const second = await world.publisher.publish({ id: 'order-1001', type: 'order.created', data: { n: 1 } });
    expect(second).toEqual(first);
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded' })).length === 1);
    expect(world.receiver.count).toBe(1);
  });

  it('sends a test event to one endpoint only, whatever its filter, and refuses a missing or disabled one', async () => {
    const world = await startTestWebhooks();
    const target = await world.createEndpoint({ events: ['invoice.*'] });
    const other = await world.createEndpoint({ events: ['*'] });
    const ids = await world.publisher.publish({ type: 'webhook.test', data: { hello: 'operator' }, endpointId: target.endpoint.id });
    expect(ids).toHaveLength(1);
    expect((await world.deliveries.get(ids[0]!)).endpointId).toBe(target.endpoint.id);
    await expect(world.publisher.publish({ type: 'webhook.test', data: {}, endpointId: 'ep_missing' })).rejects.toMatchObject({
      issues: [{ field: 'endpointId', message: "webhook endpoint 'ep_missing' does not exist" }],
    });
    await world.endpoints.disable(other.endpoint.id, 'test');
    await expect(world.publisher.publish({ type: 'webhook.test', data: {}, endpointId: other.endpoint.id })).rejects.toMatchObject({
      issues: [{ field: 'endpointId', message: expect.stringContaining('is disabled; enable it first') }],
    });
  });

});

describe('publishing a test event on SQLite', () => {
  it('refuses a test event whose endpoint is disabled between the check and the commit, rather than answering with no delivery', async () => {
    const world = await startTestWebhooks();
    const { endpoint } = await world.createEndpoint();
    // The publish checks the endpoint at once and commits at the next turn; the disable lands in between.
    const publishing = world.publisher.publish({ type: 'webhook.test', data: {}, endpointId: endpoint.id });
    await world.endpoints.disable(endpoint.id, 'test');
    await expect(publishing).rejects.toMatchObject({ code: 'validation', issues: [{ field: 'endpointId', message: expect.stringContaining('was disabled or deleted just now; nothing was sent') }] });
    expect(await world.deliveries.list()).toEqual([]);
  });
});

describe('publishing from several processes on one SQLite file', () => {
  it('publishes without a single failure while another process publishes to the same database', async () => {
    const world = await startTestWebhooks();
    await world.createEndpoint({ events: ['race.*'] });
    const events = 2_000;
    const other = spawn(process.execPath, [join(import.meta.dirname, '..', 'fixtures', 'publish-worker.mjs')], {
      env: { ...process.env, DB: world.databasePath, MASTER_KEY: world.masterKey, EVENTS: String(events), PREFIX: 'theirs' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    other.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => other.once('exit', resolve));
    await waitFor(() => output.startsWith('publishing\n'), 10_000);
    let failed = 0;
    let firstError: unknown;
    for (let start = 0; start < events; start += 50) {
      const batch = Array.from({ length: 50 }, (_, i) => world.publisher.publish({ id: `ours-${start + i}`, type: 'race.test', data: { n: start + i } }));
      for (const outcome of await Promise.allSettled(batch)) {
        if (outcome.status === 'rejected') {
          failed += 1;
          firstError ??= outcome.reason;
        }
      }
    }
    expect(await exited).toBe(0);
    expect({ failed, firstError }).toEqual({ failed: 0, firstError: undefined });
    expect(JSON.parse(output.split('\n')[1]!)).toEqual({ failed: 0 });
    const db = world.container.get<SqliteDatabase>(CORE.Database);
    expect(db.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE event_type = 'race.test'").get()).toEqual({ n: 2 * events });
  }, 60_000);

  it('starts three processes at once on a new database file: each migrates or waits, none fails', async () => {
    const world = await startTestWebhooks();
    const fresh = join(world.dir, 'fresh.db');
    const startAt = String(Date.now() + 1_500);
    const runs = ['a', 'b', 'c'].map((prefix) => {
      const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'fixtures', 'publish-worker.mjs')], {
        env: { ...process.env, DB: fresh, MASTER_KEY: world.masterKey, EVENTS: '50', PREFIX: prefix, START_AT: startAt },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      return new Promise<string>((resolve) => child.once('exit', (code) => resolve(`${code} ${output}`)));
    });
    expect(await Promise.all(runs)).toEqual(Array(3).fill('0 publishing\n{"failed":0}\n'));
  }, 30_000);

  it('rejects a malformed event before writing anything', async () => {
    const world = await startTestWebhooks();
    await world.createEndpoint();
    await expect(world.publisher.publish({ type: 'not a type', data: {} })).rejects.toMatchObject({ code: 'validation', issues: [{ field: 'type' }] });
    await expect(world.publisher.publish({ type: 'ok', data: undefined })).rejects.toMatchObject({ code: 'validation', issues: [{ field: 'data' }] });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(world.publisher.publish({ type: 'ok', data: cyclic })).rejects.toMatchObject({ code: 'validation' });
    expect(await world.deliveries.list()).toEqual([]);
  });
});

describeOnEachStorage('delivery log', () => {
  it('lists and filters deliveries, and shows every attempt with status, latency, error and the start of the answer', async () => {
    const world = await startTestWebhooks({ webhooks: { retrySchedule: [0] } });
    world.receiver.respond((request) => (request.path === '/bad' ? { status: 500, body: 'x'.repeat(5_000) } : { status: 200, body: 'thanks' }));
    const good = await world.createEndpoint({ path: '/good', events: ['a.*'] });
    const bad = await world.createEndpoint({ path: '/bad', events: ['b.*'] });
    const before = new Date().toISOString();
    await world.publisher.publish({ type: 'a.one', data: {} });
    const [badId] = await world.publisher.publish({ type: 'b.one', data: {} });
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.get(badId!)).status === 'failed');
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded' })).length === 1);

    expect((await world.deliveries.list({ endpointId: good.endpoint.id })).map((d) => d.eventType)).toEqual(['a.one']);
    expect((await world.deliveries.list({ status: 'failed' })).map((d) => d.endpointId)).toEqual([bad.endpoint.id]);
    expect(await world.deliveries.list({ eventType: 'b.one', since: before })).toHaveLength(1);
    expect(await world.deliveries.list({ until: new Date(Date.parse(before) - 60_000) })).toEqual([]);
    // since is inclusive and until exclusive ("created before"), so adjacent windows never count a delivery twice.
    const { createdAt } = await world.deliveries.get(badId!);
    expect((await world.deliveries.list({ since: createdAt })).map((d) => d.id)).toContain(badId);
    expect((await world.deliveries.list({ until: createdAt })).map((d) => d.id)).not.toContain(badId);
    // The same page size as the HTTP API.
    expect(await world.deliveries.list({ limit: 1000 })).toHaveLength(2);
    await expect(world.deliveries.list({ limit: 1001 })).rejects.toMatchObject({ code: 'validation', issues: [{ field: 'limit' }] });

    const detail = await world.deliveries.get(badId!);
    expect(detail.payload).toMatchObject({ type: 'b.one', data: {} });
    expect(detail.attemptLog).toHaveLength(2);
    expect(detail.attemptLog[0]).toMatchObject({ status: 500, errorCode: 'http', errorMessage: 'HTTP 500' });
    expect(detail.attemptLog[0]!.responseBody).toBe('x'.repeat(4096));
    expect(detail.attemptLog[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('pages through deliveries created in the same millisecond without skipping or repeating one', async () => {
    const world = await startTestWebhooks();
    const secret = await world.createGeneralSecret();
    for (const path of ['/a', '/b', '/c', '/d', '/e']) await world.createEndpoint({ secret, path });
    const ids = await world.publisher.publish({ type: 'fan.out', data: {} });
    expect(new Set(await Promise.all(ids.map(async (id) => (await world.deliveries.get(id)).createdAt))).size).toBe(1);
    const seen: string[] = [];
    let page = await world.deliveries.list({ limit: 2 });
    while (page.length > 0) {
      seen.push(...page.map((d) => d.id));
      page = await world.deliveries.list({ limit: 2, before: page.at(-1)!.id });
    }
    expect(seen.toSorted()).toEqual(ids.toSorted());
    await expect(world.deliveries.list({ before: 'msg_nope' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('sends a delivery waiting for its next attempt now, by hand, its schedule kept; refuses one that succeeded', async () => {
    // An hour before the second attempt (no jitter): only the retry by hand can bring it sooner.
    const world = await startTestWebhooks({ webhooks: { retrySchedule: [3600, 3600], jitter: 0 } });
    let up = false;
    world.receiver.respond(() => (up ? { status: 200 } : { status: 503 }));
    await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: { n: 1 } });
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.get(id!)).attempts === 1);
    const waiting = await world.deliveries.get(id!);
    expect(waiting.status).toBe('pending');
    expect(Date.parse(waiting.nextAttemptAt!) - Date.now()).toBeGreaterThan(3_000_000);

    up = true;
    const sent = await world.deliveries.retry(id!);
    expect(sent).toMatchObject({ id, status: 'pending', attempts: 1 });
    expect(Date.parse(sent.nextAttemptAt!)).toBeLessThanOrEqual(Date.now());
    await waitFor(async () => (await world.deliveries.get(id!)).status === 'succeeded');
    const done = await world.deliveries.get(id!);
    expect(done.attempts).toBe(2);
    expect(world.receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([id, id]);
    await expect(world.deliveries.retry(id!)).rejects.toMatchObject({ code: 'delivery-not-failed', message: expect.stringContaining('has succeeded') });
  });

  it('answers each retry by hand with what the retry did, however fast a running dispatcher claims what it made due', async () => {
    const world = await startTestWebhooks({ webhooks: { retrySchedule: [3600, 3600], jitter: 0 } });
    let up = false;
    world.receiver.respond(() => (up ? { status: 200 } : { status: 503 }));
    await world.createEndpoint();
    const ids = (await Promise.all(Array.from({ length: 60 }, (_, n) => world.publisher.publish({ type: 'ping', data: { n } })))).flat();
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'pending', limit: 100 })).filter((d) => d.attempts === 1).length === 60);

    up = true;
    // The first retries wake the dispatcher, which claims while the later ones are still answering.
    const sent = await Promise.all(ids.map((id) => world.deliveries.retry(id)));
    expect(sent.map((d) => ({ id: d.id, status: d.status, attempts: d.attempts }))).toEqual(ids.map((id) => ({ id, status: 'pending', attempts: 1 })));
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded', limit: 100 })).length === 60);
  });

  it('retries a failed delivery by hand with the same webhook-id, and recovers an endpoint’s failures since a time', async () => {
    const world = await startTestWebhooks({ webhooks: { retrySchedule: [] } });
    let up = false;
    world.receiver.respond(() => (up ? { status: 200 } : { status: 503 }));
    const { endpoint } = await world.createEndpoint();
    const since = new Date().toISOString();
    const ids = (await Promise.all([1, 2, 3].map((n) => world.publisher.publish({ type: 'ping', data: { n } })))).flat();
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'failed' })).length === 3);
    await expect(world.deliveries.retry('msg_nope')).rejects.toMatchObject({ code: 'not-found' });

    up = true;
    expect(await world.deliveries.retry(ids[0]!)).toMatchObject({ id: ids[0], status: 'pending' });
    await waitFor(async () => (await world.deliveries.get(ids[0]!)).status === 'succeeded');
    await expect(world.deliveries.retry(ids[0]!)).rejects.toMatchObject({ code: 'delivery-not-failed' });
    expect(world.receiver.requests.at(-1)!.headers['webhook-id']).toBe(ids[0]);

    await expect(world.deliveries.recover('ep_nope', since)).rejects.toMatchObject({ code: 'not-found' });
    expect(await world.deliveries.recover(endpoint.id, since)).toBe(2);
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded' })).length === 3);
    expect(world.receiver.requests.slice(-2).map((r) => r.headers['webhook-id']).sort()).toEqual([ids[1], ids[2]].sort());
  });
});
