/**
 * A delivering process of the PostgreSQL bench, forked by `postgres-bench.ts`: either a Tessera
 * dispatcher on the given database (SQLite file or PostgreSQL URL), or a pg-boss 10 worker doing the
 * same job (a cached bearer token, a Standard Webhooks signature, a POST through an undici pool). It
 * prints nothing; it says `ready`, starts on `go`, and stops on `stop`.
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import PgBoss from 'pg-boss';
import { Webhook } from 'standardwebhooks';
import { Pool, request } from 'undici';
import winston from 'winston';
import { startProfile } from './cpu-profile.js';
import { coreModule } from '@tessera/core';
import { WEBHOOKS, webhooksModule, type Dispatcher } from '@tessera/webhooks';

export const QUEUE = 'deliveries';
export const SIGNING_SECRET = 'whsec_' + Buffer.from('bench-signing-secret-32-bytes!!!').toString('base64');

export interface WorkerStart {
  kind: 'tessera' | 'pgboss';
  database: string;
  masterKey: string;
  origin: string;
  tokenUrl: string;
  concurrency: number;
  perEndpoint: number;
  /** Profile the delivering (from `go` to `stop`) and send the CPU profile back before exiting. */
  profile?: boolean;
}

async function tessera(start: WorkerStart): Promise<() => Promise<void>> {
  const container = new Container();
  container.load(
    coreModule({ database: start.database, masterKey: start.masterKey, network: { allowPrivate: true }, logging: { level: 'error', transports: [new winston.transports.Console({ silent: true })] } }),
    webhooksModule({ concurrency: start.concurrency, perEndpointConcurrency: start.perEndpoint }),
  );
  const dispatcher = container.get<Dispatcher>(WEBHOOKS.Dispatcher);
  return async () => {
    dispatcher.start();
    await new Promise<void>((resolve) => process.once('message', () => resolve()));
    await dispatcher.stop();
    await container.unbindAllAsync();
  };
}

/** pg-boss at its best for this job: fetch loops without its polling pause while there is work, `concurrency` jobs in flight. */
async function pgBoss(start: WorkerStart): Promise<() => Promise<void>> {
  const boss = new PgBoss({ connectionString: start.database, max: 10 });
  boss.on('error', () => undefined);
  await boss.start();
  const pool = new Pool(start.origin, { connections: start.concurrency });
  const signer = new Webhook(SIGNING_SECRET);
  let token: { value: string; until: number } | undefined;
  let fetching: Promise<string> | undefined;
  const bearer = async (): Promise<string> => {
    if (token && Date.now() < token.until) return token.value;
    fetching ??= (async () => {
      const answer = await request(start.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const body = (await answer.body.json()) as { access_token: string; expires_in: number };
      token = { value: body.access_token, until: Date.now() + body.expires_in * 1000 };
      fetching = undefined;
      return token.value;
    })();
    return fetching;
  };
  let stopping = false;
  const loops = 4;
  const batch = Math.max(1, Math.floor(start.concurrency / loops));
  return async () => {
    const running = Array.from({ length: loops }, async () => {
      while (!stopping) {
        const jobs = (await boss.fetch<{ id: string; payload: string }>(QUEUE, { batchSize: batch })) ?? [];
        if (jobs.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          continue;
        }
        await Promise.all(
          jobs.map(async (job) => {
            const timestamp = new Date();
            const headers = {
              authorization: `Bearer ${await bearer()}`,
              'content-type': 'application/json',
              'webhook-id': job.data.id,
              'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
              'webhook-signature': signer.sign(job.data.id, timestamp, job.data.payload),
            };
            const answer = await pool.request({ path: '/hook/0', method: 'POST', headers, body: job.data.payload });
            await answer.body.dump();
          }),
        );
        await boss.complete(QUEUE, jobs.map((job) => job.id));
      }
    });
    await new Promise<void>((resolve) => process.once('message', () => resolve()));
    stopping = true;
    await Promise.all(running);
    await pool.close();
    await boss.stop({ graceful: false, wait: true });
  };
}

process.once('message', (start: WorkerStart) => {
  void (start.kind === 'tessera' ? tessera(start) : pgBoss(start)).then(async (run) => {
    process.send?.('ready');
    await new Promise<void>((resolve) => process.once('message', () => resolve()));
    const stopProfile = start.profile ? await startProfile() : undefined;
    await run();
    const profile = await stopProfile?.();
    if (profile !== undefined) await new Promise<void>((resolve) => process.send?.({ profile }, () => resolve()));
    process.exit(0);
  });
});
