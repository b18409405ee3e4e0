/**
 * A fresh PostgreSQL database per test on the server `npm test` started (scripts/with-postgres.sh) or
 * the one TESSERA_TEST_DATABASE_URL names: created on demand, dropped when the test finishes.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { rememberSecret } from './leak-audit.js';

/** The storages every storage behaviour is tested on (the conformance suite runs `describe.each` over them). */
export const DATABASE_STORAGES = ['sqlite', 'postgres'] as const;
export type DatabaseStorage = (typeof DATABASE_STORAGES)[number];

export function serverUrl(): string {
  const url = process.env.TESSERA_TEST_DATABASE_URL;
  if (!url) {
    throw new Error('TESSERA_TEST_DATABASE_URL is not set: run the tests with `npm test` (it starts a throwaway PostgreSQL), or point it at a server you may create databases on.');
  }
  const password = new URL(url).password;
  if (password) rememberSecret(decodeURIComponent(password));
  return url;
}

/** A new, empty database; its URL carries the server's password. Dropped (with its connections) after the test unless `keep`. */
export async function createTestDatabase(options: { keep?: boolean } = {}): Promise<string> {
  const admin = serverUrl();
  const name = `tessera_t_${randomBytes(6).toString('hex')}`;
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  if (!options.keep) onTestFinished(() => dropTestDatabase(url.toString()));
  return url.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withClient(serverUrl(), (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Runs `work` on a single connection to `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
