/**
 * `npm run bench`, core figures: cached `getToken` throughput against a bare `Map.get` + `Date.now()`
 * baseline measured in the same run, and the cold herd of 10,000 callers on one secret.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Container } from 'inversify';
import { Bench } from 'tinybench';
import winston from 'winston';
import { CORE, coreModule, generateMasterKey, type SecretStore, type TokenProvider } from '@tessera/core';

/** Operations per tinybench sample, so the harness's own per-call overhead does not dominate. */
const BATCH = 1_000;
const HERD = 10_000;

export interface TokenBenchFigures {
  cachedOpsPerSecond: number;
  baselineOpsPerSecond: number;
  herdRequests: number;
  herdMs: number;
}

export async function runTokenBench(): Promise<TokenBenchFigures> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      // A little latency, as a real endpoint has, so the herd really overlaps one request.
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: `bench-token-${requests}`, token_type: 'Bearer', expires_in: 3600 }));
      }, 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;

  const container = new Container();
  container.load(
    coreModule({
      database: ':memory:',
      masterKey: generateMasterKey(),
      network: { allowPrivate: true },
      logging: { level: 'warn', transports: [new winston.transports.Console({ silent: true })] },
    }),
  );
  const secrets = container.get<SecretStore>(CORE.SecretStore);
  const tokens = container.get<TokenProvider>(CORE.TokenProvider);
  const params = { url, username: 'bench', password: 'bench-password' };

  // Cold herd: 10,000 callers at once on a secret never asked for.
  const herdSecret = await secrets.create({ name: 'herd', kind: 'general', params });
  requests = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: HERD }, () => tokens.getToken(herdSecret.id)));
  const herdMs = performance.now() - started;
  const herdRequests = requests;

  // Cached path against its baseline.
  const hot = await secrets.create({ name: 'hot', kind: 'general', params });
  await tokens.getToken(hot.id);
  const map = new Map([[hot.id, { accessToken: 'x', expiresAt: Date.now() + 3_600_000 }]]);
  let sink = 0;
  const bench = new Bench({ time: 1_500, warmup: true });
  bench.add('cached getToken', async () => {
    for (let i = 0; i < BATCH; i++) sink += (await tokens.getToken(hot.id)).accessToken.length;
  });
  bench.add('Map.get + Date.now()', () => {
    for (let i = 0; i < BATCH; i++) {
      const entry = map.get(hot.id);
      if (entry !== undefined && Date.now() < entry.expiresAt) sink += entry.accessToken.length;
    }
  });
  await bench.run();
  if (sink === 0) throw new Error('benchmark produced nothing');
  const opsPerSecond = (name: string) => {
    const result = bench.getTask(name)?.result;
    if (!result || !('period' in result)) throw new Error(`benchmark task '${name}' did not complete`);
    return (BATCH / result.period) * 1000;
  };

  await container.unbindAllAsync();
  server.closeAllConnections();
  server.close();
  return { cachedOpsPerSecond: opsPerSecond('cached getToken'), baselineOpsPerSecond: opsPerSecond('Map.get + Date.now()'), herdRequests, herdMs };
}
