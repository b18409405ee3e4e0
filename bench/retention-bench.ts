/**
 * `npm run bench`, issue 15's steady state: with a retention of a few seconds, the dispatcher delivers
 * with a backlog always waiting (so its rate is what it can do) for several retention periods, with and
 * without the pruner; the data directory's size after the first period, then at each later one, and
 * the delivery rate of both runs over the same stretch.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WEBHOOKS, type Dispatcher, type Pruner, type Publisher, type WebhookEvents } from '@tessera/webhooks';
import { benchContainer } from './bench-container.js';
import { CONCURRENCY } from './plain-loops.js';

const PAYLOAD = { text: 'x'.repeat(189) };
/** Published ahead of the dispatcher: it never waits for work. */
const BACKLOG = 4_000;

export interface RetentionRun {
  pruning: boolean;
  /** The data directory's bytes at the end of each period. */
  sizes: number[];
  /** Deliveries per second after the first period. */
  deliveriesPerSecond: number;
  delivered: number;
  pruned: number;
}

export interface RetentionBenchFigures {
  retentionMs: number;
  periods: number;
  runs: RetentionRun[];
  /** The largest size after the first period, over the size at its end (pruning runs; target <= 1.2). */
  growth: number;
  /** Median rate with pruning over the median without (target >= 0.9). */
  rateRatio: number;
}

export async function runRetentionBench(options: { retentionMs: number; periods: number; rounds: number }): Promise<RetentionBenchFigures> {
  const receiver = fork(join(import.meta.dirname, 'receiver.js'), { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => receiver.once('message', (m: { port: number }) => resolve(m.port)));
  const tokenServer = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ access_token: 'bench-token-' + Date.now(), expires_in: 3600 })));
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  const harness = { origin: `http://127.0.0.1:${port}`, tokenUrl: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token` };
  try {
    const runs: RetentionRun[] = [];
    // Alternating, so the load of a shared machine falls on both alike.
    for (let round = 0; round < options.rounds; round++) {
      runs.push(await retentionRun(harness, options, false));
      runs.push(await retentionRun(harness, options, true));
    }
    const pruning = runs.filter((run) => run.pruning);
    const growth = Math.max(...pruning.map((run) => Math.max(...run.sizes.slice(1)) / (run.sizes[0] as number)));
    const rate = (list: RetentionRun[]) => median(list.map((run) => run.deliveriesPerSecond));
    return { retentionMs: options.retentionMs, periods: options.periods, runs, growth, rateRatio: rate(pruning) / rate(runs.filter((run) => !run.pruning)) };
  } finally {
    receiver.send('stop');
    tokenServer.close();
  }
}

async function retentionRun(harness: { origin: string; tokenUrl: string }, options: { retentionMs: number; periods: number }, pruning: boolean): Promise<RetentionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-retention-'));
  const container = await benchContainer(dir, harness, 1, {
    retention: { succeededMs: options.retentionMs, failedMs: options.retentionMs, intervalMs: Math.max(100, options.retentionMs / 20), prune: pruning },
  });
  const publisher = container.get<Publisher>(WEBHOOKS.Publisher);
  const dispatcher = container.get<Dispatcher>(WEBHOOKS.Dispatcher);
  const pruner = container.get<Pruner>(WEBHOOKS.Pruner);
  let delivered = 0;
  container.get<WebhookEvents>(WEBHOOKS.Events).on('attempt', (event) => {
    if (event.outcome === 'succeeded') delivered++;
  });

  let published = 0;
  let running = true;
  const producer = (async () => {
    while (running) {
      if (published - delivered >= BACKLOG) {
        await sleep(1);
        continue;
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, () => publisher.publish({ type: 'bench.e0', data: PAYLOAD }).then(() => void published++)));
    }
  })();
  dispatcher.start();
  if (pruning) pruner.start();
  const sizes: number[] = [];
  let steadyFrom = { at: 0, delivered: 0 };
  for (let period = 0; period < options.periods; period++) {
    await sleep(options.retentionMs);
    sizes.push(readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0));
    if (period === 0) steadyFrom = { at: performance.now(), delivered };
  }
  const deliveriesPerSecond = (delivered - steadyFrom.delivered) / ((performance.now() - steadyFrom.at) / 1000);
  running = false;
  await producer;
  await pruner.stop();
  await dispatcher.stop();
  const pruned = pruner.totals.deliveries;
  await container.unbindAllAsync();
  rmSync(dir, { recursive: true, force: true });
  return { pruning, sizes, deliveriesPerSecond, delivered, pruned };
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}
