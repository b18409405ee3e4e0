/**
 * `npm run bench`, costs as the number of secrets grows (issue 16): at 1,000, 10,000 and 100,000 secrets
 * in one SQLite file, the time to create, list (a page at a time) and rotate per secret, cold token requests for secrets
 * never asked for against a plain axios keep-alive loop to the same endpoint, and memory per cached token.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import axios from 'axios';
import { Container } from 'inversify';
import winston from 'winston';
import { CORE, coreModule, generateMasterKey, type KeyRingConfig, type SecretStore, type TokenProvider } from '@tessera/core';
import { median } from './median.js';

/** The concurrency for cold token requests. */
const CONCURRENCY = 100;
/** At each size, the secrets created last, timed, then asked for their first token (the same count at every size, so the measurement does not grow with it)… */
const SAMPLE = 1_000;
/** …in this many rounds, each a third of them cold then as many plain requests, back to back: the load of a shared machine moves both sides of a round alike. */
const ROUNDS = 3;
const PER_ROUND = Math.ceil(SAMPLE / ROUNDS);

export interface SecretScaleFigures {
  secrets: number;
  /** Creating the last SAMPLE of them, per secret. */
  createMicros: number;
  /** `SecretStore.list` of every secret, a page of LIST_PAGE at a time, per secret. */
  listMicros: number;
  /** `rotateKeys()` to a new primary key, per secret re-sealed. */
  rotateMicros: number;
  /** First `getToken` of the SAMPLE created last (stored among all the others, never asked for), at concurrency 100, per second: the median of the rounds. */
  coldPerSecond: number;
  /** A plain axios keep-alive POST loop to the same endpoint at the same concurrency, per second, measured right after each round's cold requests: the median. */
  axiosPerSecond: number;
  /** The median of the rounds' own ratios, cold against plain. */
  coldShare: number;
}

export interface SecretScaleBench {
  sizes: SecretScaleFigures[];
  /** With MEMORY_SECRETS secrets stored, each with its token cached: JavaScript heap and external memory per secret, over the empty store, after a full garbage collection. */
  bytesPerCachedSecret: number;
  memorySecrets: number;
}

/** Cold token requests, and as many plain ones, before anything is timed. */
const WARM_UP = 5_000;
/** Secrets per page when listing. */
const LIST_PAGE = 100;
/** How many secrets, all with a cached token, the memory figure is taken over. */
const MEMORY_SECRETS = 10_000;

export async function runSecretScaleBench(sizes: readonly number[] = [1_000, 10_000, 100_000]): Promise<SecretScaleBench> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const endpoint = fork(join(import.meta.dirname, 'token-endpoint.js'), { stdio: 'inherit' });
  const [{ port }] = (await once(endpoint, 'message')) as [{ port: number }];
  const url = `http://127.0.0.1:${port}/token`;
  const dir = mkdtempSync(join(tmpdir(), 'tessera-secrets-bench-'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const plain = axios.create({ httpAgent: agent, maxRedirects: 0 });
  const plainRequest = () => plain.post(url, 'grant_type=password&username=u&password=p', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const tessera = (file: string, keyRing: KeyRingConfig) => {
    const container = new Container();
    container.load(
      coreModule({
        database: join(dir, file),
        keyRing,
        network: { allowPrivate: true },
        logging: { level: 'error', transports: [new winston.transports.Console({ silent: true })] },
      }),
    );
    return { container, secrets: container.get<SecretStore>(CORE.SecretStore), tokens: container.get<TokenProvider>(CORE.TokenProvider) };
  };
  const creating = (secrets: SecretStore, ids: string[]) => async (count: number) => {
    for (let i = 0; i < count; i++) {
      const n = ids.length;
      ids.push((await secrets.create({ name: `bench-${n}`, kind: 'general', params: { url, username: `user-${n}`, password: `password-${n}-${'p'.repeat(20)}` } })).id);
    }
  };

  try {
    // Warm-up on a database of its own, not measured: both request paths JIT-compiled before either is
    // timed. WARM_UP each, alternating: with 1,000 the plain loop still ran at about 60 % of its later rate
    // at the first size, and the cold path, more code, warmed later than the loop.
    const warm = tessera('warm-up.db', { primary: 'k1', keys: { k1: generateMasterKey() } });
    const warmIds: string[] = [];
    await creating(warm.secrets, warmIds)(WARM_UP);
    for (let part = 0; part < WARM_UP; part += SAMPLE) {
      await concurrently(SAMPLE, (i) => warm.tokens.getToken(warmIds[part + i] as string));
      await concurrently(SAMPLE, plainRequest);
    }
    await warm.container.unbindAllAsync();

    const keys: Record<string, string> = { k1: generateMasterKey() };
    const main = tessera('tessera.db', { primary: 'k1', keys: { ...keys } });
    const ids: string[] = [];
    const create = creating(main.secrets, ids);
    gc();
    const empty = process.memoryUsage();
    let bytesPerCachedSecret = Number.NaN;
    const figures: SecretScaleFigures[] = [];
    for (const size of sizes) {
      await create(size - SAMPLE - ids.length);
      let started = performance.now();
      const fresh = ids.length;
      await create(SAMPLE);
      const createMicros = ((performance.now() - started) * 1000) / SAMPLE;

      // Every secret, a page of LIST_PAGE at a time, each page starting after the last name of the one before.
      started = performance.now();
      let listed = 0;
      for (let after: string | undefined; ; ) {
        const page = await main.secrets.list({ limit: LIST_PAGE, ...(after === undefined ? {} : { after }) });
        listed += page.length;
        if (page.length < LIST_PAGE) break;
        after = page.at(-1)?.name;
      }
      const listMicros = ((performance.now() - started) * 1000) / listed;

      const rounds: Array<{ cold: number; plain: number }> = [];
      for (let round = 0; round < ROUNDS; round++) {
        const first = fresh + round * PER_ROUND;
        const count = Math.min(PER_ROUND, SAMPLE - round * PER_ROUND);
        const cold = await concurrently(count, (i) => main.tokens.getToken(ids[first + i] as string));
        rounds.push({ cold, plain: await concurrently(count, plainRequest) });
      }
      const coldPerSecond = median(rounds.map((r) => r.cold));
      const axiosPerSecond = median(rounds.map((r) => r.plain));
      const coldShare = median(rounds.map((r) => r.cold / r.plain));

      if (size === MEMORY_SECRETS) {
        // Every secret stored so far with its token cached: what the process holds for them, per secret.
        await concurrently(ids.length, (i) => main.tokens.getToken(ids[i] as string));
        gc();
        const held = process.memoryUsage();
        bytesPerCachedSecret = (held.heapUsed + held.external - empty.heapUsed - empty.external) / ids.length;
      }

      // Every value re-sealed under a new primary key, by a second container on the same file.
      const id = `k${Object.keys(keys).length + 1}`;
      keys[id] = generateMasterKey();
      const rotating = tessera('tessera.db', { primary: id, keys: { ...keys } });
      started = performance.now();
      const rotated = await rotating.secrets.rotateKeys();
      const rotateMicros = ((performance.now() - started) * 1000) / Math.max(1, rotated.reencrypted);
      await rotating.container.unbindAllAsync();
      figures.push({ secrets: size, createMicros, listMicros, rotateMicros, coldPerSecond, axiosPerSecond, coldShare });
    }
    await main.container.unbindAllAsync();
    return { sizes: figures, bytesPerCachedSecret, memorySecrets: MEMORY_SECRETS };
  } finally {
    agent.destroy();
    endpoint.send('stop');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `one(0 … total - 1)` from CONCURRENCY callers; returns calls per second. */
async function concurrently(total: number, one: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < total; i = next++) await one(i);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}
