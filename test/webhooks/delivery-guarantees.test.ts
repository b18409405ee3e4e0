/** The harder promises of DESIGN §5: claims that hold, outcomes that cannot be overwritten, limits, stop deadlines, nothing secret stored. */
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { SqliteDatabase } from '@tessera/core';
import { WEBHOOKS, type DeliveryQueue, type WebhooksOptions } from '@tessera/webhooks';
import { FakeClock } from '../support/fake-clock.js';
import { describeOnEachStorage } from '../support/storage-under-test.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';
import { closedPort } from '../support/closed-port.js';


describeOnEachStorage('claims', () => {
  it('sends a retry due now that a claim returns before this worker has heard its previous outcome was written', async () => {
    const world = await startTestWebhooks({ webhooks: { retrySchedule: [0, 0] } });
    world.receiver.respond((_r, i) => (i < 2 ? { status: 500 } : { status: 204 }));
    await world.createEndpoint();
    const queue = world.container.get<DeliveryQueue>(WEBHOOKS.DeliveryQueue);
    // The word that an outcome was written comes late (as when a claim's answer, on another connection,
    // arrives before the commit's): a claim in between already returns the delivery, due again.
    const complete = queue.complete.bind(queue);
    queue.complete = (delivery, owner, attempts, outcome, now, settled) =>
      complete(delivery, owner, attempts, outcome, now, (applied) => setTimeout(() => settled(applied), 100));
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(() => world.receiver.count === 3, 5_000);
    expect(new Set(world.receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    await waitFor(async () => (await world.deliveries.get(id!)).status === 'succeeded');
  });

  it('renews the claim of a delivery that takes longer than the lease, so it is sent exactly once', async () => {
    const world = await startTestWebhooks({ webhooks: { leaseMs: 300 } });
    world.receiver.respond(() => ({ status: 200, delayMs: 1_200 }));
    await world.createEndpoint({ timeoutMs: 5_000 });
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.get(id!)).status === 'succeeded');
    expect(world.receiver.count).toBe(1);
    expect((await world.deliveries.get(id!)).attempts).toBe(1);
  });

  it('keeps a delivery failed when its endpoint is deleted while it is in flight', async () => {
    const world = await startTestWebhooks();
    world.receiver.respond(() => ({ status: 500, delayMs: 300 }));
    const { endpoint } = await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(() => world.receiver.count === 1);
    await world.endpoints.delete(endpoint.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await world.deliveries.get(id!)).toMatchObject({ status: 'failed', lastError: 'endpoint-deleted' });
  });

  it('claims in batches while one busy endpoint has work buffered, not once per completion', async () => {
    const world = await startTestWebhooks({ webhooks: { concurrency: 8, perEndpointConcurrency: 8 } });
    await world.createEndpoint();
    const queue = world.container.get<DeliveryQueue>(WEBHOOKS.DeliveryQueue);
    const claims: number[] = [];
    const claim = queue.claim.bind(queue);
    queue.claim = async (...args: Parameters<DeliveryQueue['claim']>) => {
      const claimed = await claim(...args);
      claims.push(claimed.length);
      return claimed;
    };
    await Promise.all(Array.from({ length: 400 }, (_, i) => world.publisher.publish({ type: 'ping', data: { i } })));
    world.dispatcher.start();
    await waitFor(async () => world.receiver.count === 400, 15_000);
    // 400 deliveries, 8 at a time, a buffer of 4 × 8: a few dozen claims; one per completion would be ~400.
    expect(claims.filter((n) => n > 0).length).toBeLessThan(60);
    expect(claims.reduce((a, b) => a + b, 0)).toBe(400);
  });

  it('does not spin on the backlog of a disabled endpoint, and delivers it once re-enabled', async () => {
    const world = await startTestWebhooks({ webhooks: { pollIntervalMs: 50 } });
    const queue = world.container.get<DeliveryQueue>(WEBHOOKS.DeliveryQueue);
    const { endpoint } = await world.createEndpoint();
    await world.endpoints.update(endpoint.id, { enabled: false });
    const ids = (await Promise.all([1, 2, 3].map(() => world.publisher.publish({ type: 'ping', data: {} })))).flat();
    expect(ids).toEqual([]);
    // Backlog published while enabled, then the endpoint is disabled.
    await world.endpoints.update(endpoint.id, { enabled: true });
    const backlog = (await Promise.all([1, 2, 3].map(() => world.publisher.publish({ type: 'ping', data: {} })))).flat();
    await world.endpoints.update(endpoint.id, { enabled: false });
    let claims = 0;
    const claim = queue.claim.bind(queue);
    queue.claim = (...args) => {
      claims++;
      return claim(...args);
    };
    world.dispatcher.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(claims).toBeLessThan(40);
    expect(world.receiver.count).toBe(0);
    await world.endpoints.update(endpoint.id, { enabled: true });
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded' })).length === 3);
    expect(new Set(world.receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(backlog));
  });
});

describe('recording outcomes', () => {
  /** A webhooks world whose database connection refuses attempt rows while `refuse(true)` holds (a full disk, say). */
  async function worldWithFailingWrites(webhooks: WebhooksOptions = {}) {
    const world = await startTestWebhooks({ webhooks });
    const db = world.container.get<SqliteDatabase>(WEBHOOKS.Database);
    db.exec(`CREATE TEMP TABLE refuse_writes (flag INTEGER);
      CREATE TEMP TRIGGER refuse_attempts BEFORE INSERT ON main.webhook_attempts WHEN EXISTS (SELECT 1 FROM temp.refuse_writes)
      BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;`);
    const refuse = (on: boolean) => db.exec(on ? 'INSERT INTO temp.refuse_writes VALUES (1)' : 'DELETE FROM temp.refuse_writes');
    const failures = () => world.logs.filter((line) => line.message === 'recording delivery outcomes failed; retrying').length;
    return { world, refuse, failures };
  }

  it('keeps an outcome whose commit failed, holds its claim past the lease, and writes it later; claiming goes on and nothing is sent twice', async () => {
    const { world, refuse, failures } = await worldWithFailingWrites({ leaseMs: 300 });
    await world.createEndpoint();
    refuse(true);
    const [first] = await world.publisher.publish({ type: 'ping', data: { n: 1 } });
    world.dispatcher.start();
    await waitFor(() => failures() > 0);
    // Claiming is not held up by the outcome that cannot be written.
    const [second] = await world.publisher.publish({ type: 'ping', data: { n: 2 } });
    await waitFor(() => world.receiver.count === 2);
    // Well past the 300 ms lease: the unwritten outcome's claim is renewed, so it is not sent again.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(world.receiver.count).toBe(2);
    expect((await world.deliveries.get(first!)).status).toBe('delivering');
    // Retried every 200 ms meanwhile, and told once: not a line per retry.
    expect(failures()).toBe(1);
    refuse(false);
    await waitFor(async () => (await world.deliveries.get(first!)).status === 'succeeded' && (await world.deliveries.get(second!)).status === 'succeeded');
    expect(world.receiver.count).toBe(2);
    expect((await world.deliveries.get(first!)).attemptLog).toHaveLength(1);
    expect(world.logs).toContainEqual(expect.objectContaining({ message: 'delivery outcomes are recorded again', retries: expect.any(Number) }));
  });

  it('counts a sent delivery whose outcome could not be written by the stop deadline, and gives up once the database is closed', async () => {
    const { world, refuse, failures } = await worldWithFailingWrites();
    await world.createEndpoint();
    refuse(true);
    await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(() => failures() > 0);
    expect(await world.dispatcher.stop(300)).toEqual({ finished: 0, released: 0, unrecorded: 1 });
    expect(world.logs.some((line) => String(line.message).startsWith('webhook dispatcher stopped with delivery outcomes not written'))).toBe(true);
    await world.close();
    const afterClose = failures();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(failures()).toBe(afterClose);
    expect(world.logs.some((line) => String(line.message).startsWith('delivery outcomes not written: the database is closed'))).toBe(true);
  });
});

describeOnEachStorage('limits and schedule details', () => {
  it('never has more deliveries in flight than the global limit', async () => {
    const world = await startTestWebhooks({ webhooks: { concurrency: 3, perEndpointConcurrency: 10 } });
    let open = 0;
    let most = 0;
    world.receiver.respond(async () => {
      most = Math.max(most, ++open);
      await new Promise((resolve) => setTimeout(resolve, 50));
      open--;
      return { status: 200 };
    });
    const secret = await world.createGeneralSecret();
    await world.createEndpoint({ secret, path: '/a' });
    await world.createEndpoint({ secret, path: '/b' });
    await Promise.all(Array.from({ length: 15 }, (_, i) => world.publisher.publish({ type: 'ping', data: { i } })));
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded' })).length === 30);
    expect(most).toBe(3);
  });

  it('retries once at once after a 403 with a new token', async () => {
    const world = await startTestWebhooks();
    world.receiver.respond((_r, i) => (i === 0 ? { status: 403 } : { status: 200 }));
    await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.get(id!)).status === 'succeeded');
    expect(world.tokenServer.count).toBe(2);
    expect(world.receiver.requests.map((r) => r.headers.authorization)).toEqual(world.tokenServer.issued.map((t) => `Bearer ${t}`));
  });

  it('uses an endpoint’s own schedule, applies jitter, and caps an HTTP-date Retry-After', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock }, webhooks: { maxRetryAfterMs: 60_000 } });
    world.receiver.respond((request) =>
      request.path === '/dated' ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() } } : { status: 500 },
    );
    await world.createEndpoint({ path: '/own', retrySchedule: [100, 200], events: ['own'] });
    await world.createEndpoint({ path: '/dated', events: ['dated'] });
    const ownIds = (await Promise.all(Array.from({ length: 5 }, () => world.publisher.publish({ type: 'own', data: {} })))).flat();
    const [dated] = await world.publisher.publish({ type: 'dated', data: {} });
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'pending' })).filter((d) => d.attempts === 1).length === 6);
    const delays = await Promise.all(ownIds.map(async (id) => Date.parse((await world.deliveries.get(id)).nextAttemptAt!) - clock.now()));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(80_000);
      expect(delay).toBeLessThanOrEqual(120_000);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect(Date.parse((await world.deliveries.get(dated!)).nextAttemptAt!) - clock.now()).toBe(60_000);
  });

  it('stops sending the old signature when the rotation grace period ends', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock } });
    const { endpoint } = await world.createEndpoint();
    const { signingSecret } = await world.endpoints.rotateSigningSecret(endpoint.id, { graceMs: 60_000 });
    world.dispatcher.start();
    await world.publisher.publish({ type: 'ping', data: {} });
    await waitFor(() => world.receiver.count === 1);
    clock.advance(60_001);
    await world.publisher.publish({ type: 'ping', data: {} });
    await waitFor(() => world.receiver.count === 2);
    const [during, after] = world.receiver.requests.map((r) => String(r.headers['webhook-signature']).split(' '));
    expect(during).toHaveLength(2);
    expect(after).toHaveLength(1);
    const last = world.receiver.requests[1]!;
    expect(after![0]).toBe(new Webhook(signingSecret!).sign(String(last.headers['webhook-id']), new Date(Number(last.headers['webhook-timestamp']) * 1000), last.body));
  });

  it('refuses a private webhook address unless allowed, naming it in the attempt', async () => {
    const world = await startTestWebhooks({ core: { network: { allowPrivate: false, allow: ['127.0.0.1'] } } });
    const secret = await world.createGeneralSecret();
    const { endpoint } = await world.endpoints.create({ url: 'http://169.254.169.254/latest/meta-data', secretId: secret.id });
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.get(id!)).attempts === 1);
    const [attempt] = (await world.deliveries.get(id!)).attemptLog;
    expect(attempt).toMatchObject({ status: null, errorCode: 'address-refused' });
    expect(attempt!.errorMessage).toMatch(/169\.254\.169\.254: it is a cloud metadata address/);
    expect(endpoint.enabled).toBe(true);
  });

  it('names a receiver that cannot be reached with the codes the tester uses: dns-failure, connection-refused', async () => {
    const world = await startTestWebhooks();
    const secret = await world.createGeneralSecret();
    const port = await closedPort();
    const unresolved = await world.endpoints.create({ name: 'nowhere', url: 'http://no-such-host.invalid/hook', secretId: secret.id });
    const refused = await world.endpoints.create({ name: 'closed', url: `http://127.0.0.1:${port}/hook`, secretId: secret.id });
    const ids = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(async () => (await Promise.all(ids.map((id) => world.deliveries.get(id)))).every((d) => d.attempts >= 1));
    const attempts = new Map(await Promise.all(ids.map(async (id) => [(await world.deliveries.get(id)).endpointId, (await world.deliveries.get(id)).attemptLog[0]] as const)));
    expect(attempts.get(unresolved.endpoint.id)).toMatchObject({ status: null, errorCode: 'dns-failure', errorMessage: expect.stringMatching(/does not resolve \(DNS\)/) });
    expect(attempts.get(refused.endpoint.id)).toMatchObject({ status: null, errorCode: 'connection-refused', errorMessage: expect.stringMatching(/connection was refused/) });
    // The tester says the same of the same addresses.
    const report = await world.tester.test({ kind: 'general', params: { url: 'http://no-such-host.invalid/token', username: 'u', password: 'pw-unused-9' } });
    expect(report.diagnostics[0]?.code).toBe('dns-failure');
  });

  it('refuses extra headers that would break or hijack the request', async () => {
    const world = await startTestWebhooks();
    for (const name of ['Expect', 'Upgrade', 'Proxy-Authorization', 'Transfer-Encoding', 'webhook-id']) {
      await expect(world.createEndpoint({ headers: { [name]: 'x' } })).rejects.toMatchObject({ code: 'validation' });
    }
  });
});

describeOnEachStorage('stop and storage', () => {
  it('keeps its deadline while a token is still being fetched, and then sends nothing', async () => {
    const world = await startTestWebhooks();
    world.tokenServer.respond(() => ({ ...world.tokenServer.tokenResponse(), delayMs: 1_500 }));
    await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(() => world.tokenServer.count === 1);
    const started = Date.now();
    expect(await world.dispatcher.stop(200)).toEqual({ finished: 0, released: 1, unrecorded: 0 });
    expect(Date.now() - started).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    expect(world.receiver.count).toBe(0);
    expect(await world.deliveries.get(id!)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('refuses to start while a stop is draining, and a second stop returns the first one’s result', async () => {
    const world = await startTestWebhooks();
    world.receiver.respond(() => ({ status: 200, delayMs: 300 }));
    await world.createEndpoint();
    await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(() => world.dispatcher.inFlight === 1);
    const first = world.dispatcher.stop(5_000);
    expect(() => world.dispatcher.start()).toThrow(expect.objectContaining({ code: 'dispatcher-stopping' }));
    const second = world.dispatcher.stop(5_000);
    expect(await second).toEqual(await first);
    world.dispatcher.start();
    expect(world.dispatcher.running).toBe(true);
  });

  it('never stores the bearer token or a signing secret, even when the receiver echoes the request', async () => {
    const world = await startTestWebhooks();
    world.receiver.respond((request) => ({ status: 500, body: JSON.stringify(request.headers) }));
    const { signingSecret } = await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.get(id!)).attempts === 1);
    const stored = JSON.stringify(await world.deliveries.get(id!));
    expect(stored).toContain('[REDACTED]');
    expect(stored).not.toContain(world.tokenServer.issued[0]!);
    expect(stored).not.toContain(signingSecret!.slice(6));
  });
});
