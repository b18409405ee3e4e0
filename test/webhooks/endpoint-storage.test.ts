/** The endpoint store on every storage (SQLite, memory and PostgreSQL): the same rules, the same answers, and deliveries that follow them. */
import 'reflect-metadata';
import { Container } from 'inversify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WEBHOOKS, webhooksModule, type EndpointRecords, type WebhooksOptions } from '@tessera/webhooks';
import { CORE, coreModule, generateMasterKey, isPostgresUrl, MASK, type PostgresDatabase, type SecretUsage, type SqliteDatabase } from '@tessera/core';
import { captureTransport, type TestTesseraOptions } from '../support/start-test-tessera.js';
import { FakeClock } from '../support/fake-clock.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

const rowsInTable = async (world: Awaited<ReturnType<typeof startTestWebhooks>>): Promise<number> =>
  isPostgresUrl(world.databasePath)
    ? (await world.container.get<PostgresDatabase>(CORE.Postgres).query<{ n: number }>('SELECT COUNT(*)::int AS n FROM webhook_endpoints'))[0]!.n
    : (world.container.get<SqliteDatabase>(WEBHOOKS.Database).prepare('SELECT COUNT(*) FROM webhook_endpoints').pluck().get() as number);

/** The test world's options for each storage: endpoints in SQLite, in memory, or everything in PostgreSQL. */
function on(storage: 'sqlite' | 'memory' | 'postgres', options: { core?: TestTesseraOptions; webhooks?: WebhooksOptions } = {}) {
  return storage === 'postgres'
    ? { core: { ...options.core, storage }, webhooks: options.webhooks ?? {} }
    : { core: options.core ?? {}, webhooks: { ...options.webhooks, storage } };
}

describe.each(['sqlite', 'memory', 'postgres'] as const)('endpoint store (%s storage)', (storage) => {
  it('creates, lists, updates with revisions, disables and deletes', async () => {
    // Listed in the order created: a millisecond apart here (two made in the same millisecond list by id).
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks(on(storage, { core: { clock } }));
    const first = await world.createEndpoint({ name: 'orders', events: ['order.*'], headers: { 'x-tenant': 'acme' } });
    clock.advance(1);
    const second = await world.createEndpoint({ name: 'billing', events: ['invoice.paid'], signing: 'none' });
    // Header values are credentials: masked in every view, in clear only for the dispatcher.
    expect(first.endpoint).toMatchObject({ name: 'orders', events: ['order.*'], enabled: true, revision: 1, headers: { 'x-tenant': MASK }, signing: { enabled: true } });
    expect((await world.endpoints.target(first.endpoint.id))?.headers).toEqual({ 'x-tenant': 'acme' });
    expect(second.signingSecret).toBeUndefined();
    expect((await world.endpoints.list()).map((e) => e.name)).toEqual(['orders', 'billing']);
    expect(await rowsInTable(world)).toBe(storage === 'memory' ? 0 : 2);

    const updated = await world.endpoints.update(first.endpoint.id, { events: ['order.created'], timeoutMs: 2_000 });
    expect(updated).toMatchObject({ events: ['order.created'], timeoutMs: 2_000, revision: 2 });
    expect(await world.endpoints.get(first.endpoint.id)).toEqual(updated);

    const disabled = await world.endpoints.disable(second.endpoint.id, 'for the test');
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'for the test', revision: 2 });
    expect(await world.endpoints.disabledIds()).toEqual([second.endpoint.id]);
    expect(await world.endpoints.matching('invoice.paid')).toEqual([]);
    expect((await world.endpoints.matching('order.created')).map((t) => t.id)).toEqual([first.endpoint.id]);

    await world.endpoints.delete(second.endpoint.id);
    await expect(world.endpoints.get(second.endpoint.id)).rejects.toMatchObject({ code: 'not-found' });
    expect((await world.endpoints.list()).map((e) => e.name)).toEqual(['orders']);
  });

  it('refuses a stale revision instead of losing a change', async () => {
    const world = await startTestWebhooks(on(storage));
    const { endpoint } = await world.createEndpoint();
    const records = world.container.get<EndpointRecords>(WEBHOOKS.EndpointRecords);
    const stored = (await records.find(endpoint.id))!;
    expect(await records.replace({ ...stored, revision: stored.revision + 1 })).toBe(true);
    // A second writer that read the same revision loses, and says so.
    expect(await records.replace({ ...stored, revision: stored.revision + 1 })).toBe(false);
  });

  it('refuses to delete a secret an endpoint uses, and rotates signing secrets with a grace period', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks(on(storage, { core: { clock } }));
    const { endpoint, secret, signingSecret } = await world.createEndpoint();
    await expect(world.secrets.delete(secret.id)).rejects.toMatchObject({ code: 'secret-in-use', message: expect.stringContaining(endpoint.id) });
    const rotated = await world.endpoints.rotateSigningSecret(endpoint.id, { graceMs: 60_000 });
    expect((await world.endpoints.target(endpoint.id))?.signingSecrets).toEqual([rotated.signingSecret, signingSecret]);
    clock.advance(60_001);
    expect((await world.endpoints.target(endpoint.id))?.signingSecrets).toEqual([rotated.signingSecret]);
  });

  it('keeps every rotated-out signing secret for its own grace period when rotating again', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks(on(storage, { core: { clock } }));
    const { endpoint, signingSecret: first } = await world.createEndpoint();
    const { signingSecret: second } = await world.endpoints.rotateSigningSecret(endpoint.id, { graceMs: 60_000 });
    clock.advance(30_000);
    const { signingSecret: third } = await world.endpoints.rotateSigningSecret(endpoint.id, { graceMs: 60_000 });
    expect((await world.endpoints.target(endpoint.id))?.signingSecrets).toEqual([third, second, first]);
    expect((await world.endpoints.get(endpoint.id)).signing.previousValidUntil).toBe(new Date(clock.now() + 60_000).toISOString());
    clock.advance(30_001);
    expect((await world.endpoints.target(endpoint.id))?.signingSecrets).toEqual([third, second]);
    // A rotation with no grace (the secret leaked) drops every old one at once.
    const { signingSecret: fourth } = await world.endpoints.rotateSigningSecret(endpoint.id, { graceMs: 0 });
    expect((await world.endpoints.target(endpoint.id))?.signingSecrets).toEqual([fourth]);
    expect((await world.endpoints.get(endpoint.id)).signing.previousValidUntil).toBeNull();
  });

  it('keeps a failing period that began while an operator’s change was being saved', async () => {
    const world = await startTestWebhooks(on(storage));
    const { endpoint, secret } = await world.createEndpoint();
    const saving = world.endpoints.update(endpoint.id, { name: 'renamed', secretId: secret.id });
    const { failingSince } = await world.endpoints.markFailing(endpoint.id, true);
    expect(failingSince).not.toBeNull();
    // Whichever of the two writes lands last, the stored endpoint has both.
    expect(await saving).toMatchObject({ name: 'renamed' });
    expect(await world.endpoints.get(endpoint.id)).toMatchObject({ name: 'renamed', failingSince: new Date(failingSince!).toISOString() });
    // Enabling by hand ends the period.
    await world.endpoints.disable(endpoint.id, 'test');
    expect(await world.endpoints.update(endpoint.id, { enabled: true })).toMatchObject({ failingSince: null });
    expect((await world.endpoints.get(endpoint.id)).failingSince).toBeNull();
  });

  it('recovers the failed deliveries of an endpoint, and says not-found for an endpoint it does not have', async () => {
    const world = await startTestWebhooks(on(storage, { webhooks: { retrySchedule: [] } }));
    let up = false;
    world.receiver.respond(() => (up ? { status: 200 } : { status: 503 }));
    const { endpoint } = await world.createEndpoint();
    const since = new Date(Date.now() - 1_000).toISOString();
    await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'failed' })).length === 1);
    up = true;
    expect(await world.deliveries.recover(endpoint.id, since)).toBe(1);
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded' })).length === 1);
    await expect(world.deliveries.recover('ep_nope', since)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('keeps failing periods: a failure starts one, a later failure continues it, a success ends it', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks(on(storage, { core: { clock } }));
    const { endpoint } = await world.createEndpoint();
    const started = clock.now();
    expect(await world.endpoints.markFailing(endpoint.id, true)).toEqual({ failingSince: started });
    clock.advance(3_600_000);
    expect(await world.endpoints.markFailing(endpoint.id, true)).toEqual({ failingSince: started });
    expect(await world.endpoints.markFailing(endpoint.id, false)).toEqual({ failingSince: null });
    // After a quiet gap of more than a day, a failure starts a new period.
    clock.advance(2 * 86_400_000);
    expect(await world.endpoints.markFailing(endpoint.id, true)).toEqual({ failingSince: clock.now() });
  });

  it('delivers to its endpoints, holds the backlog of a disabled one, and fails the deliveries of a deleted one', async () => {
    const world = await startTestWebhooks(on(storage));
    const live = await world.createEndpoint({ path: '/live', events: ['ping'] });
    const paused = await world.createEndpoint({ path: '/paused', events: ['ping'] });
    const doomed = await world.createEndpoint({ path: '/doomed', events: ['ping'] });
    await world.endpoints.disable(paused.endpoint.id, 'paused by the test');
    await world.endpoints.disable(doomed.endpoint.id, 'about to go');
    const ids = await world.publisher.publish({ type: 'ping', data: { n: 1 } });
    // A disabled endpoint gets no delivery for a new event; enabling it again is what brings new ones.
    expect(ids).toHaveLength(1);
    await world.endpoints.update(paused.endpoint.id, { enabled: true });
    await world.endpoints.update(doomed.endpoint.id, { enabled: true });
    const more = await world.publisher.publish({ type: 'ping', data: { n: 2 } });
    expect(more).toHaveLength(3);
    await world.endpoints.disable(paused.endpoint.id, 'paused again');
    expect(await world.endpoints.delete(doomed.endpoint.id)).toEqual({ failedDeliveries: 1 });

    world.dispatcher.start();
    await waitFor(() => world.receiver.requests.filter((r) => r.path === '/live').length === 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(world.receiver.requests.map((r) => r.path).sort()).toEqual(['/live', '/live']);
    const byEndpoint = async (endpointId: string) => (await world.deliveries.list({ endpointId })).map((d) => d.status);
    expect(await byEndpoint(live.endpoint.id)).toEqual(['succeeded', 'succeeded']);
    expect(await byEndpoint(paused.endpoint.id)).toEqual(['pending']);
    expect(await byEndpoint(doomed.endpoint.id)).toEqual(['failed']);

    await world.endpoints.update(paused.endpoint.id, { enabled: true });
    world.dispatcher.wake();
    await waitFor(async () => (await byEndpoint(paused.endpoint.id))[0] === 'succeeded');
  });
});

// Memory storage checks in code only: one process, and nothing else writes there.
describe.each(['sqlite', 'postgres'] as const)('endpoint store and secret store (%s storage)', (storage) => {
  it('keeps a webhook and its secret together when one is deleted while the other is saved', async () => {
    const world = await startTestWebhooks(on(storage));
    // The secret's deletion checks its users, then a webhook is given the secret, then the deletion writes.
    const taken = await world.createGeneralSecret({}, 'taken-meanwhile');
    const usage = world.container.getAll<SecretUsage>(CORE.SecretUsage)[0]!;
    const usersOf = usage.usersOf.bind(usage);
    let created: string | undefined;
    usage.usersOf = async (id) => {
      const before = await usersOf(id);
      usage.usersOf = usersOf;
      created ??= (await world.createEndpoint({ secret: taken, name: 'took-it' })).endpoint.id;
      return before;
    };
    const refused = await world.secrets.delete(taken.id).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'secret-in-use', message: expect.stringContaining(`'took-it' (${created})`) });
    expect(await world.secrets.get(taken.id)).toMatchObject({ name: 'taken-meanwhile' });

    // A webhook's secret is checked, then deleted, then the webhook written: on create and when its secret changes.
    const get = world.secrets.get.bind(world.secrets);
    const deleteAfterCheck = () => {
      world.secrets.get = async (id) => {
        const found = await get(id);
        world.secrets.get = get;
        await world.secrets.delete(id);
        return found;
      };
    };
    const doomed = await world.createGeneralSecret({}, 'deleted-meanwhile');
    deleteAfterCheck();
    await expect(world.endpoints.create({ name: 'orphan', url: world.receiver.url('/hook'), secretId: doomed.id })).rejects.toMatchObject({
      code: 'validation',
      issues: [{ field: 'secretId', message: expect.stringContaining('deleted meanwhile') }],
    });
    const other = await world.createGeneralSecret({}, 'deleted-meanwhile-too');
    deleteAfterCheck();
    await expect(world.endpoints.update(created!, { secretId: other.id })).rejects.toMatchObject({ code: 'validation', issues: [{ field: 'secretId' }] });
    expect((await world.endpoints.list()).map((e) => [e.name, e.secretId])).toEqual([['took-it', taken.id]]);
    await expect(world.secrets.get(other.id)).rejects.toMatchObject({ code: 'not-found' });
    // An update that keeps the secret is not checked again, by the code or by the database.
    expect(await world.endpoints.update(created!, { secretId: taken.id, timeoutMs: 1_500 })).toMatchObject({ timeoutMs: 1_500 });
  });
});

it('refuses endpoints in SQLite beside secrets kept in memory: the database checks their secrets', async () => {
  const container = new Container();
  container.load(
    coreModule({ database: ':memory:', storage: 'memory', masterKey: generateMasterKey(), logging: { level: 'error', transports: [captureTransport(() => undefined)] } }),
    webhooksModule({ storage: 'sqlite' }),
  );
  onTestFinished(() => container.unbindAllAsync());
  expect(() => container.get(WEBHOOKS.EndpointRecords)).toThrow(expect.objectContaining({ code: 'storage-conflict', message: expect.stringContaining("core's storage is 'memory'") }));
});
