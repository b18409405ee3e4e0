/** What each webhook request carries (DESIGN §5): bearer token, Standard Webhooks headers and signature, the body. */
import { expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { FakeClock } from '../support/fake-clock.js';
import { describeOnEachStorage } from '../support/storage-under-test.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

describeOnEachStorage('a delivered request', () => {
  it('carries the bearer token, the Standard Webhooks headers and the event body, and its signature verifies', async () => {
    const world = await startTestWebhooks();
    const { endpoint, signingSecret } = await world.createEndpoint({ headers: { 'X-Tenant': 'acme' } });
    const [deliveryId] = await world.publisher.publish({ id: 'evt_1', type: 'invoice.paid', data: { invoice: 42, total: '9.99' } });
    world.dispatcher.start();
    await waitFor(() => world.receiver.count === 1);

    const request = world.receiver.requests[0]!;
    const token = world.tokenServer.issued[0]!;
    expect(request.method).toBe('POST');
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-tenant']).toBe('acme');
    expect(request.headers['webhook-id']).toBe(deliveryId);
    expect(Number(request.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    const body = JSON.parse(request.body) as { type: string; timestamp: string; data: unknown };
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data']);
    expect(body).toMatchObject({ type: 'invoice.paid', data: { invoice: 42, total: '9.99' } });
    expect(Date.parse(body.timestamp)).not.toBeNaN();

    const verified = new Webhook(signingSecret!).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    expect(verified).toEqual(body);
    await waitFor(async () => (await world.deliveries.get(deliveryId!)).status === 'succeeded');
    expect(endpoint.signing.preview).toBe('whsec_••••');
  });

  it('sends no signature header when the endpoint has no signing secret', async () => {
    const world = await startTestWebhooks();
    await world.createEndpoint({ signing: 'none' });
    await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(() => world.receiver.count === 1);
    expect(world.receiver.requests[0]!.headers['webhook-signature']).toBeUndefined();
  });

  it('keeps the same webhook-id and body on every retry of a delivery', async () => {
    const world = await startTestWebhooks({ webhooks: { retrySchedule: [0, 0] } });
    world.receiver.respond((_r, i) => (i < 2 ? { status: 500, body: 'try later' } : { status: 204 }));
    await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'order.created', data: { n: 1 } });
    world.dispatcher.start();
    await waitFor(() => world.receiver.count === 3);
    const ids = new Set(world.receiver.requests.map((r) => r.headers['webhook-id']));
    const bodies = new Set(world.receiver.requests.map((r) => r.body));
    expect([...ids]).toEqual([id]);
    expect(bodies.size).toBe(1);
    await waitFor(async () => (await world.deliveries.get(id!)).status === 'succeeded');
  });

  it('sends both signatures while a rotated signing secret is in its grace period', async () => {
    const world = await startTestWebhooks();
    const { endpoint, signingSecret: old } = await world.createEndpoint();
    const { signingSecret: fresh } = await world.endpoints.rotateSigningSecret(endpoint.id, { graceMs: 60_000 });
    await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await waitFor(() => world.receiver.count === 1);
    const request = world.receiver.requests[0]!;
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(old!).verify(request.body, headers)).not.toThrow();
    expect(() => new Webhook(fresh!).verify(request.body, headers)).not.toThrow();
  });
});

describeOnEachStorage('tokens for deliveries', () => {
  it('uses one token for many deliveries and requests a new one after it expires', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock } });
    await world.createEndpoint();
    world.dispatcher.start();
    for (let i = 0; i < 20; i++) await world.publisher.publish({ type: 'tick', data: { i } });
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded' })).length === 20);
    expect(world.receiver.count).toBe(20);
    expect(world.tokenServer.count).toBe(1);
    expect(new Set(world.receiver.requests.map((r) => r.headers.authorization)).size).toBe(1);

    clock.advance(3_600_000);
    await world.publisher.publish({ type: 'tick', data: { i: 20 } });
    await waitFor(() => world.receiver.count === 21);
    expect(world.tokenServer.count).toBe(2);
    expect(world.receiver.requests[20]!.headers.authorization).toBe(`Bearer ${world.tokenServer.issued[1]}`);
  });

  it('asks for no new token per delivery when the receiver refuses every token: one new one, then the schedule', async () => {
    // One at a time, so that every delivery after the first meets the replacement token.
    const world = await startTestWebhooks({ webhooks: { retrySchedule: [], perEndpointConcurrency: 1 } });
    world.receiver.respond(() => ({ status: 401, body: 'nobody gets in' }));
    await world.createEndpoint();
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(...(await world.publisher.publish({ type: 'tick', data: { i } })));
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'failed' })).length === 10, 10_000);
    // The first 401 drops the first token and tries once more with a new one; that one refused too, no more are asked for.
    expect(world.tokenServer.count).toBe(2);
    const logs = await Promise.all(ids.map(async (id) => (await world.deliveries.get(id)).attemptLog.map((a) => a.status)));
    expect(logs.filter((statuses) => statuses.length === 2)).toHaveLength(1);
    expect(logs.flat().every((status) => status === 401)).toBe(true);
  });

  it('recovers 50 concurrent deliveries that all get 401 once with exactly 1 new token request', async () => {
    const world = await startTestWebhooks({ webhooks: { concurrency: 64, perEndpointConcurrency: 64 } });
    await world.createEndpoint();
    const firstToken = await (async () => {
      await world.publisher.publish({ type: 'warmup', data: {} });
      world.dispatcher.start();
      await waitFor(() => world.receiver.count === 1);
      return world.tokenServer.issued[0]!;
    })();
    // The receiver now revokes the first token: every request carrying it is answered 401, and it
    // holds the first 50 answers until all 50 have arrived, so they truly overlap.
    let held: Array<() => void> = [];
    world.receiver.respond((request) => {
      if (request.headers.authorization !== `Bearer ${firstToken}`) return { status: 200 };
      return new Promise((resolve) => {
        held.push(() => resolve({ status: 401, body: 'token revoked' }));
        if (held.length === 50) {
          for (const release of held) release();
          held = [];
        }
      });
    });
    await Promise.all(Array.from({ length: 50 }, (_, i) => world.publisher.publish({ type: 'burst', data: { i } })));
    await waitFor(async () => (await world.deliveries.list({ eventType: 'burst', status: 'succeeded', limit: 500 })).length === 50, 10_000);
    expect(world.tokenServer.count).toBe(2);
    expect(world.receiver.requests.filter((r) => r.headers.authorization === `Bearer ${world.tokenServer.issued[1]}`)).toHaveLength(50);
    const detail = await world.deliveries.get((await world.deliveries.list({ eventType: 'burst', limit: 1 }))[0]!.id);
    expect(detail.attemptLog.map((a) => a.status)).toEqual([401, 200]);
  });
});
