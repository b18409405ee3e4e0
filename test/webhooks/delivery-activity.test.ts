/** A webhook's chart data: its deliveries of the last hours, per hour, by outcome, with latency percentiles (both storages). */
import { describe, expect, it } from 'vitest';
import type { DeliveryActivity } from '@tessera/webhooks';
import { FakeClock } from '../support/fake-clock.js';
import { describeOnEachStorage } from '../support/storage-under-test.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';
import { percentiles } from '../../packages/webhooks/src/delivery/delivery-activity.js';

const HOUR = 3_600_000;

describe('latency percentiles', () => {
  it('are nearest-rank over (latency, count) pairs, null without any', () => {
    expect(percentiles([])).toEqual({ p50: null, p95: null, p99: null });
    expect(percentiles([{ ms: 7, n: 1 }])).toEqual({ p50: 7, p95: 7, p99: 7 });
    // 1..100 ms once each: rank ceil(p × 100).
    expect(percentiles(Array.from({ length: 100 }, (_, i) => ({ ms: 100 - i, n: 1 })))).toEqual({ p50: 50, p95: 95, p99: 99 });
    // Counts weigh: 90 fast answers and 10 slow ones.
    expect(percentiles([{ ms: 900, n: 10 }, { ms: 12, n: 90 }])).toEqual({ p50: 12, p95: 900, p99: 900 });
  });
});

describeOnEachStorage('delivery activity', () => {
  it('counts an endpoint’s deliveries per hour where they are now, with the latencies of answered attempts', async () => {
    // 10 minutes into an hour, so the hours of the window are plain.
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8, 10));
    const world = await startTestWebhooks({ core: { clock }, webhooks: { retrySchedule: [] } });
    world.receiver.respond((request) => {
      const kind = (JSON.parse(request.body) as { data: { kind: string } }).data.kind;
      if (kind === 'fail') return { status: 400, body: 'no' };
      // Still being sent when the activity is read.
      if (kind === 'hang') return { hang: true };
      return { status: 200 };
    });
    const { endpoint, secret } = await world.createEndpoint({ events: ['a.*'] });
    const other = await world.createEndpoint({ events: ['b.*'], secret });
    const publish = (type: string, kind: string) => world.publisher.publish({ type, data: { kind } });

    await publish('a.old', 'ok'); // 08:10, before the window below.
    clock.advance(HOUR);
    await publish('a.one', 'ok'); // 09:10
    await publish('a.one', 'ok');
    await publish('a.one', 'fail');
    await publish('b.one', 'ok'); // the other endpoint's
    clock.advance(2 * HOUR);
    await publish('a.two', 'ok'); // 11:10
    await publish('a.two', 'hang');
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ limit: 100 })).filter((d) => d.status === 'succeeded' || d.status === 'failed').length === 6);

    const activity: DeliveryActivity = await world.deliveries.activity(endpoint.id, { hours: 3 });
    expect(activity).toMatchObject({ endpointId: endpoint.id, from: '2026-12-01T09:00:00.000Z', to: '2026-12-01T11:10:00.000Z' });
    expect(activity.hours.map((h) => [h.start.slice(11, 16), h.succeeded, h.failed, h.pending, h.answered])).toEqual([
      ['09:00', 2, 1, 0, 3],
      ['10:00', 0, 0, 0, 0],
      ['11:00', 1, 0, 0, 1],
    ]);
    expect(activity.hours[2]!.delivering).toBe(1);
    expect(activity.hours[1]!.latencyMs).toEqual({ p50: null, p95: null, p99: null });
    for (const hour of [activity.hours[0]!, activity.hours[2]!]) {
      expect(hour.latencyMs.p50).toBeGreaterThanOrEqual(0);
      expect(hour.latencyMs.p99).toBeGreaterThanOrEqual(hour.latencyMs.p50!);
    }
    expect(activity.totals).toMatchObject({ succeeded: 3, failed: 1, pending: 0, delivering: 1, answered: 4 });

    // The default is the last 24 hours: the 08:10 delivery too.
    const day = await world.deliveries.activity(endpoint.id);
    expect(day.hours).toHaveLength(24);
    expect(day.hours.at(-1)!.start).toBe('2026-12-01T11:00:00.000Z');
    expect(day.totals).toMatchObject({ succeeded: 4, failed: 1, delivering: 1 });
    expect((await world.deliveries.activity(other.endpoint.id)).totals).toMatchObject({ succeeded: 1, failed: 0, pending: 0 });
  });

  it('refuses an unknown endpoint and a window outside 1 to 168 hours', async () => {
    const world = await startTestWebhooks();
    const { endpoint } = await world.createEndpoint();
    await expect(world.deliveries.activity('ep_nope')).rejects.toMatchObject({ code: 'not-found' });
    await expect(world.deliveries.activity(endpoint.id, { hours: 0 })).rejects.toMatchObject({ code: 'validation', issues: [{ field: 'hours' }] });
    await expect(world.deliveries.activity(endpoint.id, { hours: 169 })).rejects.toMatchObject({ code: 'validation' });
    expect((await world.deliveries.activity(endpoint.id, { hours: 168 })).hours).toHaveLength(168);
  });
});
