/** What happens after each answer (DESIGN §5): 2xx only, 410 disables, Retry-After, the schedule, timeouts, stop. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it, onTestFinished } from 'vitest';
import { WEBHOOKS, type DeliverySummary, type WebhookEvents } from '@tessera/webhooks';
import { FakeClock } from '../support/fake-clock.js';
import { describeOnEachStorage } from '../support/storage-under-test.js';
import { startTestWebhooks, type TestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

/** A receiver on 127.0.0.1 that starts each answer with `begin`, then calls `tick` every `everyMs` and never ends it; `closed` once the client hangs up. */
async function endlessReceiver(begin: (response: http.ServerResponse) => void, tick: (response: http.ServerResponse) => void, everyMs: number): Promise<{ url: string; closed: boolean }> {
  const receiver = { url: '', closed: false };
  const server = http.createServer((request, response) => {
    request.resume();
    begin(response);
    const timer = setInterval(() => tick(response), everyMs);
    response.on('close', () => {
      clearInterval(timer);
      receiver.closed = true;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/** Answers 200, then writes `chunk` every `everyMs`. */
const streamingReceiver = (chunk: string, everyMs: number) =>
  endlessReceiver(
    (response) => response.writeHead(200, { 'content-type': 'text/plain' }),
    (response) => response.write(chunk),
    everyMs,
  );
/** Sends `102 Processing` every `everyMs`, and never a final answer. */
const processingReceiver = (everyMs: number) =>
  endlessReceiver(
    () => undefined,
    (response) => response.writeProcessing(),
    everyMs,
  );

async function settled(world: TestWebhooks, id: string, check: (d: DeliverySummary) => boolean): Promise<DeliverySummary> {
  let last: DeliverySummary | undefined;
  await waitFor(async () => check((last = await world.deliveries.get(id))), 8_000);
  return last!;
}

describeOnEachStorage('answers', () => {
  it('disables the endpoint on 410 Gone and fails the delivery', async () => {
    const world = await startTestWebhooks();
    const disabled: string[] = [];
    world.container.get<WebhookEvents>(WEBHOOKS.Events).on('endpoint-disabled', (e) => disabled.push(e.reason));
    world.receiver.respond(() => ({ status: 410, body: 'gone' }));
    const { endpoint } = await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    const delivery = await settled(world, id!, (d) => d.status === 'failed');
    expect(delivery).toMatchObject({ lastStatus: 410, lastError: 'gone' });
    expect(await world.endpoints.get(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'the receiver answered 410 Gone' });
    expect(disabled).toEqual(['the receiver answered 410 Gone']);
    expect(await world.publisher.publish({ type: 'ping', data: {} })).toEqual([]);
  });

  it('waits exactly as long as a 429 Retry-After says', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock } });
    world.receiver.respond((_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '120' }, body: 'slow down' } : { status: 200 }));
    await world.createEndpoint();
    const sentAt = clock.now();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    const waiting = await settled(world, id!, (d) => d.status === 'pending' && d.attempts === 1);
    expect(Date.parse(waiting.nextAttemptAt!)).toBe(sentAt + 120_000);
    clock.advance(119_000);
    world.dispatcher.wake();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(world.receiver.count).toBe(1);
    clock.advance(1_000);
    await settled(world, id!, (d) => d.status === 'succeeded');
    expect(world.receiver.count).toBe(2);
  });

  it('retries a 5xx on the schedule with ±20 % jitter, then fails after the last attempt', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock } });
    world.receiver.respond(() => ({ status: 503, body: 'x'.repeat(10_000) }));
    await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    const schedule = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
    for (const [index, seconds] of schedule.entries()) {
      const waiting = await settled(world, id!, (d) => d.attempts === index + 1 && d.status === 'pending');
      const delay = Date.parse(waiting.nextAttemptAt!) - clock.now();
      expect(delay).toBeGreaterThanOrEqual(seconds * 800);
      expect(delay).toBeLessThanOrEqual(seconds * 1200);
      clock.advance(delay);
      world.dispatcher.wake();
    }
    const failed = await settled(world, id!, (d) => d.status === 'failed');
    expect(failed).toMatchObject({ attempts: 8, lastStatus: 503, lastError: 'http' });
    const detail = await world.deliveries.get(id!);
    expect(detail.attemptLog).toHaveLength(8);
    expect(detail.attemptLog[0]!.responseBody).toHaveLength(4096);
  });

  it('treats a 302 as a failure and does not follow it', async () => {
    const world = await startTestWebhooks();
    world.receiver.respond((request) => (request.path === '/hook' ? { status: 302, headers: { location: '/elsewhere' }, body: '' } : { status: 200 }));
    await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    const delivery = await settled(world, id!, (d) => d.attempts === 1 && d.status === 'pending');
    expect(delivery).toMatchObject({ lastStatus: 302, lastError: 'redirect' });
    expect(world.receiver.requests.map((r) => r.path)).toEqual(['/hook']);
  });

  it('times out a receiver that never answers', async () => {
    const world = await startTestWebhooks();
    world.receiver.respond(() => ({ hang: true }));
    await world.createEndpoint({ timeoutMs: 300 });
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    const delivery = await settled(world, id!, (d) => d.attempts === 1);
    expect(delivery).toMatchObject({ status: 'pending', lastStatus: null, lastError: 'timeout' });
    const [attempt] = (await world.deliveries.get(id!)).attemptLog;
    expect(attempt!.errorMessage).toBe('The receiver did not answer within 300 ms.');
    expect(attempt!.latencyMs).toBeGreaterThanOrEqual(250);
  });

  it.each([
    // A byte every 100 ms: never idle for the 300 ms timeout, and 64 KB would take almost two hours.
    ['trickles its answer, each byte within the timeout but the whole of it not', () => streamingReceiver('.', 100)],
    // Each 1xx restarts undici's headers timer.
    ['sends 102 Processing within each timeout and never a final answer', () => processingReceiver(100)],
  ])('times out a receiver that %s', async (_, receiver) => {
    const world = await startTestWebhooks();
    const slow = await receiver();
    await world.createEndpoint({ url: slow.url, timeoutMs: 300 });
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    const delivery = await settled(world, id!, (d) => d.attempts === 1);
    expect(delivery).toMatchObject({ status: 'pending', lastError: 'timeout' });
    const [attempt] = (await world.deliveries.get(id!)).attemptLog;
    expect(attempt!.errorMessage).toBe('The receiver did not finish answering within 300 ms.');
    // Cut off at the first piece past the timeout, not when the answer ends.
    expect(attempt!.latencyMs).toBeGreaterThanOrEqual(300);
    expect(attempt!.latencyMs).toBeLessThan(5_000);
    await waitFor(() => slow.closed);
  });

  it('cuts off an answer that never ends at 64 KB, keeps its first 4 KB and closes that connection', async () => {
    const world = await startTestWebhooks();
    const endless = await streamingReceiver('y'.repeat(16 * 1024), 1);
    await world.createEndpoint({ url: endless.url, timeoutMs: 60_000 });
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    world.dispatcher.start();
    await settled(world, id!, (d) => d.status === 'succeeded');
    const [attempt] = (await world.deliveries.get(id!)).attemptLog;
    expect(attempt).toMatchObject({ status: 200, errorCode: null });
    expect(attempt!.responseBody).toBe('y'.repeat(4096));
    await waitFor(() => endless.closed);
  });
});

describeOnEachStorage('isolation and failure of the token endpoint', () => {
  it('does not let a slow endpoint (5 s per answer) delay deliveries to a fast one', async () => {
    const world = await startTestWebhooks({ webhooks: { concurrency: 8, perEndpointConcurrency: 4 } });
    world.receiver.respond((request) => (request.path === '/slow' ? { status: 200, delayMs: 5_000 } : { status: 200 }));
    await world.createEndpoint({ path: '/slow', events: ['slow.*'] });
    await world.createEndpoint({ path: '/fast', events: ['fast.*'] });
    for (let i = 0; i < 20; i++) await world.publisher.publish({ type: 'slow.tick', data: { i } });
    for (let i = 0; i < 20; i++) await world.publisher.publish({ type: 'fast.tick', data: { i } });
    const started = Date.now();
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ eventType: 'fast.tick', status: 'succeeded' })).length === 20);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(world.receiver.requests.filter((r) => r.path === '/slow')).toHaveLength(4);
    expect(await world.deliveries.list({ eventType: 'slow.tick', status: 'succeeded' })).toHaveLength(0);
  });

  it('sends deliveries to retry with the token error recorded while the token endpoint is down, and the cool-down spares it', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock, tokens: { maxAttempts: 1, cooldownMs: 60_000 } } });
    world.tokenServer.respond(() => ({ status: 503, body: 'maintenance' }));
    await world.createEndpoint();
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => world.publisher.publish({ type: 'ping', data: { i } })));
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'pending', limit: 100 })).filter((d) => d.attempts === 1).length === 30);
    expect(world.tokenServer.count).toBe(1);
    expect(world.receiver.count).toBe(0);
    const detail = await world.deliveries.get(ids[0]![0]!);
    expect(detail.attemptLog[0]).toMatchObject({ status: null, errorCode: expect.stringMatching(/^token-(http|cooldown)$/) });
    expect(detail.attemptLog[0]!.errorMessage).toMatch(/answered HTTP 503/);
    expect(world.dispatcher.running).toBe(true);

    // The retries wait for the cool-down to end, so none is spent on a cool-down answer.
    const pending = await world.deliveries.list({ status: 'pending', limit: 100 });
    for (const delivery of pending) expect(Date.parse(delivery.nextAttemptAt!)).toBeGreaterThan(clock.now() + 60_000 - 1_000);
    world.tokenServer.respond(() => world.tokenServer.tokenResponse());
    clock.advance(61_000);
    world.dispatcher.wake();
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded', limit: 100 })).length === 30);
    expect(world.tokenServer.count).toBe(2);
    const after = await world.deliveries.get(ids[0]![0]!);
    expect(after.attemptLog.map((a) => a.errorCode)).toEqual([expect.stringMatching(/^token-/), null]);
  });

  it('disables an endpoint whose deliveries kept failing for 5 days, and says so', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock }, webhooks: { retrySchedule: [] } });
    world.receiver.respond(() => ({ status: 500 }));
    const { endpoint } = await world.createEndpoint();
    world.dispatcher.start();
    const firstFailure = clock.now();
    // A failure every 12 hours: one failing period that reaches 5 days at the 11th.
    for (let i = 0; i <= 10; i++) {
      const [id] = await world.publisher.publish({ type: 'ping', data: { i } });
      await settled(world, id!, (d) => d.status === 'failed');
      expect((await world.endpoints.get(endpoint.id)).failingSince).toBe(new Date(firstFailure).toISOString());
      if (i < 10) {
        expect((await world.endpoints.get(endpoint.id)).enabled).toBe(true);
        clock.advance(12 * 3_600_000);
      }
    }
    await waitFor(async () => !(await world.endpoints.get(endpoint.id)).enabled);
    expect((await world.endpoints.get(endpoint.id)).disabledReason).toBe('its deliveries kept failing for 5 days');
    expect(world.logs.some((l) => l.message === 'webhook endpoint disabled' && l.endpointId === endpoint.id)).toBe(true);
  });

  it('honours a shorter auto-disable period from the options', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock }, webhooks: { retrySchedule: [], disableAfterMs: 3_600_000 } });
    world.receiver.respond(() => ({ status: 500 }));
    const { endpoint } = await world.createEndpoint();
    world.dispatcher.start();
    const [first] = await world.publisher.publish({ type: 'ping', data: {} });
    await settled(world, first!, (d) => d.status === 'failed');
    clock.advance(3_600_000);
    const [second] = await world.publisher.publish({ type: 'ping', data: {} });
    await settled(world, second!, (d) => d.status === 'failed');
    await waitFor(async () => !(await world.endpoints.get(endpoint.id)).enabled);
    expect((await world.endpoints.get(endpoint.id)).disabledReason).toBe('its deliveries kept failing for 1 hour');
  });

  it('does not count an old failure, a quiet week and a new failure as one failing period', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock }, webhooks: { retrySchedule: [] } });
    world.receiver.respond(() => ({ status: 500 }));
    const { endpoint } = await world.createEndpoint();
    world.dispatcher.start();
    const [old] = await world.publisher.publish({ type: 'ping', data: {} });
    await settled(world, old!, (d) => d.status === 'failed');
    clock.advance(7 * 86_400_000);
    const [fresh] = await world.publisher.publish({ type: 'ping', data: {} });
    await settled(world, fresh!, (d) => d.status === 'failed');
    expect(await world.endpoints.get(endpoint.id)).toMatchObject({ enabled: true, failingSince: new Date(clock.now()).toISOString() });
  });
});

describeOnEachStorage('graceful stop', () => {
  it('lets in-flight deliveries finish within the deadline', async () => {
    const world = await startTestWebhooks();
    world.receiver.respond(() => ({ status: 200, delayMs: 300 }));
    await world.createEndpoint();
    const ids = (await Promise.all(Array.from({ length: 5 }, () => world.publisher.publish({ type: 'ping', data: {} })))).flat();
    world.dispatcher.start();
    await waitFor(() => world.dispatcher.inFlight === 5);
    expect(await world.dispatcher.stop(5_000)).toEqual({ finished: 5, released: 0, unrecorded: 0 });
    for (const id of ids) expect((await world.deliveries.get(id)).status).toBe('succeeded');
  });

  it('releases what cannot finish by the deadline, untouched, for the next start to deliver', async () => {
    const world = await startTestWebhooks();
    let hang = true;
    world.receiver.respond(() => (hang ? { hang: true } : { status: 200 }));
    await world.createEndpoint();
    const ids = (await Promise.all(Array.from({ length: 3 }, () => world.publisher.publish({ type: 'ping', data: {} })))).flat();
    world.dispatcher.start();
    await waitFor(() => world.receiver.count === 3);
    expect(await world.dispatcher.stop(200)).toEqual({ finished: 0, released: 3, unrecorded: 0 });
    for (const id of ids) expect(await world.deliveries.get(id)).toMatchObject({ status: 'pending', attempts: 0 });
    hang = false;
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded' })).length === 3);
    expect(new Set(world.receiver.requests.slice(3).map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
  });
});
