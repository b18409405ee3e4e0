/**
 * One run of the steady-state bench (`retention-bench.ts`) in a process of its own, with its own receiver
 * and token endpoint: it sets up, says it is ready, starts on `go`, and sends back its figures.
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
import { CONCURRENCY } from './concurrency.js';

const PAYLOAD = { text: 'x'.repeat(189) };
/** Published ahead of the dispatcher: it never waits for work. */
const BACKLOG = 4_000;
/**
 * Deliveries made before the first period starts: over the first few thousand the dispatcher speeds up
 * from about a sixth of its pace to all of it (per second, in one run here: 423, 963, 1,764, 2,692, then
 * 2,600-2,900), in both runs alike (the hot paths being compiled, the token, the backlog's first fill).
 * A first period with that start in it held fewer rows than any later one, for no reason of pruning.
 */
const WARM_UP = 10_000;

export interface RetentionRunOptions {
  retentionMs: number;
  periods: number;
  pruning: boolean;
}

export interface RetentionRun {
  pruning: boolean;
  /** The data directory's bytes at the end of each period. */
  sizes: number[];
  /** Deliveries per second after the first period. */
  deliveriesPerSecond: number;
  delivered: number;
  pruned: number;
}

const options = JSON.parse(process.argv[2] as string) as RetentionRunOptions;
const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
const receiver = fork(join(import.meta.dirname, 'receiver.js'), { stdio: 'inherit' });
const port = await new Promise<number>((resolve) => receiver.once('message', (m: { port: number }) => resolve(m.port)));
const tokenServer = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end(JSON.stringify({ access_token: 'bench-token-' + Date.now(), expires_in: 3600 })));
});
await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
try {
  const run = await retentionRun({ origin: `http://127.0.0.1:${port}`, tokenUrl: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token` }, options, go);
  await new Promise<void>((resolve) => process.send?.({ run }, () => resolve()));
} finally {
  receiver.send('stop');
  tokenServer.close();
  process.disconnect();
}

async function retentionRun(harness: { origin: string; tokenUrl: string }, options: RetentionRunOptions, go: Promise<void>): Promise<RetentionRun> {
  const { pruning } = options;
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-retention-'));
  const container = await benchContainer(dir, harness, 1, {
    retention: { succeededMs: options.retentionMs, failedMs: options.retentionMs, intervalMs: Math.max(100, options.retentionMs / 50), prune: pruning },
  });
  // Set up; then both runs of a pair start together.
  process.send?.({ ready: true });
  await go;
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
  // The first period starts once delivery has: the token, the backlog's first fill and the first
  // compilations of the hot paths are a start-up, not part of the period.
  while (delivered < WARM_UP) await sleep(5);
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

