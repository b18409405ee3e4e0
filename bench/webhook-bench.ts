/**
 * `npm run bench`, webhook figures: end-to-end deliveries per second through the durable queue and the
 * dispatcher (bearer token, signing) to a keep-alive receiver in another process, next to plain POST
 * loops at the same concurrency (undici Pool, axios keep-alive); the publish rate; peak RSS over 100,000 deliveries in fresh processes (`memory-run.ts`).
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEBHOOKS, type Dispatcher, type WebhookEvents, type Publisher } from '@tessera/webhooks';
import { benchContainer } from './bench-container.js';
import { startProfile, type CpuProfile } from './cpu-profile.js';
import type { MemoryRunOptions } from './memory-run.js';
import { CONCURRENCY, cpuMicrosSince } from './concurrency.js';
import type { LoopFigures, LoopRequest } from './plain-loops.js';
import { median } from './median.js';

const ROUNDS = 3;
/** Memory runs, each in a process of its own. */
const MEMORY_RUNS = 3;
/** Each event's data: 200 bytes of JSON, the payload of issue 15's bytes-per-event target. */
const PAYLOAD = { text: 'x'.repeat(189) };

/** One round of the bench: each loop once, back to back (per second, and process CPU µs per operation). */
export interface WebhookBenchRound {
  undici: number;
  axios: number;
  dispatcher1: number;
  dispatcher50: number;
  undiciCpuMicros: number;
  dispatcher1CpuMicros: number;
  publishPerSecond: number;
  sequentialPublishPerSecond: number;
}

export interface DispatcherRunFigures {
  deliveriesPerSecond: number;
  /** Process CPU time (every thread) per delivery while delivering, in µs. */
  cpuMicrosPerDelivery: number;
  publishPerSecond: number;
  sequentialPublishPerSecond: number;
  peakRssMb: number;
  /** The data directory's size once the run's database is closed, per delivered event (issue 15). */
  bytesPerDelivery: number;
  /** The CPU profile of this process while it delivered, when asked for. */
  profile?: CpuProfile;
}

/** Medians over the rounds (ratios: the median of each round's own ratio), and the memory runs (median peak). */
export interface WebhookBenchFigures {
  rounds: WebhookBenchRound[];
  undici: number;
  axios: number;
  dispatcher1: number;
  dispatcher50: number;
  ratio1: number;
  ratio50: number;
  undiciCpuMicros: number;
  dispatcher1CpuMicros: number;
  publishPerSecond: number;
  sequentialPublishPerSecond: number;
  /** The median of the memory runs' peaks, each run in a fresh process (`memory-run.ts`). */
  peakRssMb: number;
  /** Each memory run's peak, in the order they ran. */
  peakRssMbs: number[];
  peakDeliveries: number;
  /** The median memory run's data directory, per delivered event: its size once the database is closed (SQLite file, no WAL left). */
  bytesPerDelivery: number;
  /** The same run's event payload, in bytes of JSON. */
  payloadBytes: number;
  /** With `profile`: a CPU profile of the dispatcher's delivery phase, 1 endpoint, in a run of its own (not timed). */
  deliveryProfile?: CpuProfile;
}

export async function runWebhookBench(options: { deliveries: number; rssDeliveries: number; profile?: boolean }): Promise<WebhookBenchFigures> {
  const receiver = fork(join(import.meta.dirname, 'receiver.js'), { stdio: 'inherit' });
  const loops = fork(join(import.meta.dirname, 'plain-loops.js'), { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => receiver.once('message', (m: { port: number }) => resolve(m.port)));
  const origin = `http://127.0.0.1:${port}`;
  const tokenServer = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ access_token: 'bench-token-' + Date.now(), expires_in: 3600 })));
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  const tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;

  try {
    // Warm-up, not measured, for every side: each code path is JIT-compiled before it is timed (a
    // cold undici loop runs at about half its warm rate for its first 20,000 requests). The undici loop
    // and the dispatcher get the same number of warm-up operations (twice a round's): after 5,000 the
    // dispatcher ran at 60–75 % of the rate it settles at after about 40,000, measured in one process.
    await dispatcherRun({ origin, tokenUrl, endpoints: 1, deliveries: options.deliveries });
    await dispatcherRun({ origin, tokenUrl, endpoints: 50, deliveries: options.deliveries });
    const plainLoop = async (kind: LoopRequest['kind'], total: number): Promise<LoopFigures> => {
      loops.send({ kind, origin, total } satisfies LoopRequest);
      const [figures] = (await once(loops, 'message')) as [LoopFigures];
      return figures;
    };
    await plainLoop('undici', options.deliveries * 2);
    await plainLoop('axios', Math.min(5_000, options.deliveries));
    // Rounds, each running every loop once, back to back: the two sides of a ratio are measured at
    // nearly the same moment, so the load on a shared 2-core machine moves both. Each figure is the
    // median of its rounds, and a ratio is the median of the rounds' own ratios.
    const rounds: WebhookBenchRound[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const undici = await plainLoop('undici', options.deliveries);
      const axiosRate = await plainLoop('axios', options.deliveries);
      const single = await dispatcherRun({ origin, tokenUrl, endpoints: 1, deliveries: options.deliveries });
      const many = await dispatcherRun({ origin, tokenUrl, endpoints: 50, deliveries: options.deliveries });
      rounds.push({
        undici: undici.perSecond,
        axios: axiosRate.perSecond,
        dispatcher1: single.deliveriesPerSecond,
        dispatcher50: many.deliveriesPerSecond,
        undiciCpuMicros: undici.cpuMicros,
        dispatcher1CpuMicros: single.cpuMicrosPerDelivery,
        publishPerSecond: single.publishPerSecond,
        sequentialPublishPerSecond: single.sequentialPublishPerSecond,
      });
    }
    const of = (pick: (round: WebhookBenchRound) => number) => median(rounds.map(pick));
    // The memory runs, each in a fresh process: a peak depends on when the garbage collector ran (one
    // process here peaked anywhere from 160 to 210 MB), so the figure is the median of three.
    const memoryRuns: DispatcherRunFigures[] = [];
    for (let run = 0; run < MEMORY_RUNS; run++) memoryRuns.push(await memoryRun({ origin, tokenUrl, deliveries: options.rssDeliveries }));
    const big = [...memoryRuns].sort((a, b) => a.peakRssMb - b.peakRssMb)[Math.floor(MEMORY_RUNS / 2)] as DispatcherRunFigures;
    // Profiled apart: the profiler's sampling costs time that a timed run would lose.
    const profiled = options.profile ? await dispatcherRun({ origin, tokenUrl, endpoints: 1, deliveries: options.deliveries, profile: true }) : undefined;
    return {
      rounds,
      undici: of((r) => r.undici),
      axios: of((r) => r.axios),
      dispatcher1: of((r) => r.dispatcher1),
      dispatcher50: of((r) => r.dispatcher50),
      ratio1: of((r) => r.dispatcher1 / r.undici),
      ratio50: of((r) => r.dispatcher50 / r.undici),
      undiciCpuMicros: of((r) => r.undiciCpuMicros),
      dispatcher1CpuMicros: of((r) => r.dispatcher1CpuMicros),
      publishPerSecond: of((r) => r.publishPerSecond),
      sequentialPublishPerSecond: of((r) => r.sequentialPublishPerSecond),
      peakRssMb: big.peakRssMb,
      peakRssMbs: memoryRuns.map((run) => run.peakRssMb),
      peakDeliveries: options.rssDeliveries,
      bytesPerDelivery: big.bytesPerDelivery,
      payloadBytes: Buffer.byteLength(JSON.stringify(PAYLOAD)),
      ...(profiled?.profile === undefined ? {} : { deliveryProfile: profiled.profile }),
    };
  } finally {
    receiver.send('stop');
    loops.send('stop');
    tokenServer.close();
  }
}

/** The memory run, in a child process of its own (`memory-run.ts`): its peak RSS is the job's alone. */
async function memoryRun(options: MemoryRunOptions): Promise<DispatcherRunFigures> {
  const child = fork(join(import.meta.dirname, 'memory-run.js'), [JSON.stringify(options)], { stdio: 'inherit' });
  const exited = once(child, 'exit');
  const [figures] = (await once(child, 'message')) as [DispatcherRunFigures];
  await exited;
  return figures;
}

export async function dispatcherRun(run: { origin: string; tokenUrl: string; endpoints: number; deliveries: number; sampleRss?: boolean; profile?: boolean }): Promise<DispatcherRunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const container = await benchContainer(dir, run, run.endpoints);
  const publisher = container.get<Publisher>(WEBHOOKS.Publisher);
  const events = container.get<WebhookEvents>(WEBHOOKS.Events);
  const dispatcher = container.get<Dispatcher>(WEBHOOKS.Dispatcher);

  let peakRss = process.memoryUsage.rss();
  // Sampled only in the memory run: reading RSS costs the main thread time that a rate run would lose.
  const sampler = run.sampleRss ? setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20) : undefined;
  const data = PAYLOAD;
  // One caller awaiting each publish (one commit each), then 32 concurrent callers (group commit).
  const sequential = Math.min(5_000, Math.floor(run.deliveries / 4));
  let publishStarted = performance.now();
  for (let i = 0; i < sequential; i++) await publisher.publish({ type: `bench.e${i % run.endpoints}`, data });
  const sequentialPublishPerSecond = sequential / ((performance.now() - publishStarted) / 1000);
  let next = sequential;
  publishStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < run.deliveries; i = next++) await publisher.publish({ type: `bench.e${i % run.endpoints}`, data });
    }),
  );
  const publishPerSecond = (run.deliveries - sequential) / ((performance.now() - publishStarted) / 1000);

  const started = performance.now();
  const cpu = process.cpuUsage();
  // Counted from the dispatcher's own events, so measuring costs the run nothing.
  let succeeded = 0;
  const allDone = new Promise<void>((resolve) =>
    events.on('attempt', (event) => {
      if (event.outcome === 'succeeded' && ++succeeded === run.deliveries) resolve();
    }),
  );
  const stopProfile = run.profile ? await startProfile() : undefined;
  dispatcher.start();
  await allDone;
  const profile = await stopProfile?.();
  const deliveriesPerSecond = run.deliveries / ((performance.now() - started) / 1000);
  const cpuMicrosPerDelivery = cpuMicrosSince(cpu) / run.deliveries;
  clearInterval(sampler);
  await dispatcher.stop();
  await container.unbindAllAsync();
  const dataBytes = readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
  rmSync(dir, { recursive: true, force: true });
  return {
    deliveriesPerSecond,
    cpuMicrosPerDelivery,
    publishPerSecond,
    sequentialPublishPerSecond,
    peakRssMb: peakRss / 1024 / 1024,
    bytesPerDelivery: dataBytes / run.deliveries,
    ...(profile === undefined ? {} : { profile }),
  };
}

