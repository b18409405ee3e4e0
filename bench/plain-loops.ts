/**
 * The bench's plain POST loops (undici `Pool.request`, axios keep-alive), run as their own process so
 * that neither side's JIT state (undici's code is shared with the dispatcher) slows the other; the
 * parent asks for one loop at a time and gets its rate and CPU cost back.
 */
import http from 'node:http';
import axios from 'axios';
import { Pool } from 'undici';
import { CONCURRENCY, cpuMicrosSince } from './concurrency.js';

const BODY = JSON.stringify({ type: 'bench.event', timestamp: new Date().toISOString(), data: { text: 'x'.repeat(189) } });

export interface LoopRequest {
  kind: 'undici' | 'axios';
  origin: string;
  total: number;
}

export interface LoopFigures {
  perSecond: number;
  /** Process CPU time per request, in µs. */
  cpuMicros: number;
}

async function undiciLoop(origin: string, total: number): Promise<LoopFigures> {
  const pool = new Pool(origin, { connections: CONCURRENCY });
  const rate = await loop(total, async () => {
    const res = await pool.request({ path: '/plain', method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
    await res.body.dump();
  });
  await pool.close();
  return rate;
}

async function axiosLoop(origin: string, total: number): Promise<LoopFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const client = axios.create({ httpAgent: agent, maxRedirects: 0 });
  const rate = await loop(total, async () => {
    await client.post(`${origin}/plain`, BODY, { headers: { 'content-type': 'application/json' } });
  });
  agent.destroy();
  return rate;
}

async function loop(total: number, once: () => Promise<void>): Promise<LoopFigures> {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < total) await once();
    }),
  );
  return { perSecond: total / ((performance.now() - started) / 1000), cpuMicros: cpuMicrosSince(cpu) / total };
}

process.on('message', (message: LoopRequest | 'stop') => {
  if (message === 'stop') process.exit(0);
  const run = message.kind === 'undici' ? undiciLoop : axiosLoop;
  void run(message.origin, message.total).then((figures) => process.send?.(figures));
});
