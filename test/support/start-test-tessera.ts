/**
 * Builds a real Tessera core for one test: a container on a temp directory (real SQLite file),
 * a loopback fake token endpoint, and a logger whose every line is captured for the leak audit.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Container, type ContainerModule } from 'inversify';
import winston from 'winston';
import { onTestFinished } from 'vitest';
import { CORE, coreModule, generateMasterKey } from '@tessera/core';
import type { CoreOptions, SecretStore, SecretTester, SecretView, TokenProvider } from '@tessera/core';
import { FakeTokenServer } from './fake-token-server.js';
import { recordLogLine, rememberSecret } from './leak-audit.js';
import { storageUnderTest } from './storage-under-test.js';
import { createTestDatabase } from './test-postgres.js';

export interface TestTessera {
  container: Container;
  secrets: SecretStore;
  tokens: TokenProvider;
  tester: SecretTester;
  tokenServer: FakeTokenServer;
  dir: string;
  databasePath: string;
  masterKey: string;
  /** Parsed log lines written so far. */
  logs: Array<Record<string, unknown>>;
  /** Runs `hook` first when the world closes (stop workers before the database goes). */
  onClose(hook: () => Promise<unknown> | unknown): void;
  /** Creates a `general` secret against the fake endpoint with a fresh random password. */
  createGeneralSecret(params?: Record<string, unknown>, name?: string): Promise<SecretView>;
  close(): Promise<void>;
}

export function randomCredential(prefix: string): string {
  return rememberSecret(`${prefix}-${randomBytes(12).toString('hex')}`);
}

/** A winston transport that records every line for the leak audit and hands it to `sink`. */
export function captureTransport(sink: (line: Record<string, unknown>) => void): winston.transport {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const text = chunk.toString('utf8');
      recordLogLine(text);
      sink(JSON.parse(text) as Record<string, unknown>);
      callback();
    },
  });
  return new winston.transports.Stream({ stream });
}

/** `storage: 'postgres'` runs on a fresh PostgreSQL database of the test server (its URL becomes `database`). */
export type TestTesseraOptions = Omit<CoreOptions, 'logger' | 'storage'> & { storage?: 'sqlite' | 'memory' | 'postgres' };

export async function startTestTessera(testOptions: TestTesseraOptions = {}, extraModules: ContainerModule[] = []): Promise<TestTessera> {
  const { storage = storageUnderTest() === 'postgres' && testOptions.database === undefined ? 'postgres' : undefined, ...rest } = testOptions;
  const options: Omit<CoreOptions, 'logger'> = storage === 'postgres' ? { ...rest, database: rest.database ?? (await createTestDatabase()) } : { ...rest, ...(storage && { storage }) };
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const databasePath = options.database ?? join(dir, 'tessera.db');
  const masterKey = options.masterKey ?? generateMasterKey();
  const tokenServer = await FakeTokenServer.start();
  const logs: Array<Record<string, unknown>> = [];
  const container = new Container();
  container.load(
    coreModule({
      database: databasePath,
      masterKey,
      network: { allowPrivate: true },
      logging: { level: 'debug', transports: [captureTransport((line) => logs.push(line))] },
      ...options,
    }),
    ...extraModules,
  );
  const secrets = container.get<SecretStore>(CORE.SecretStore);
  let counter = 0;
  let closed: Promise<void> | undefined;
  const closeHooks: Array<() => Promise<unknown> | unknown> = [];
  const world: TestTessera = {
    container,
    secrets,
    tokens: container.get<TokenProvider>(CORE.TokenProvider),
    tester: container.get<SecretTester>(CORE.SecretTester),
    tokenServer,
    dir,
    databasePath,
    masterKey,
    logs,
    createGeneralSecret: (params = {}, name = `secret-${++counter}`) =>
      secrets.create({
        name,
        kind: 'general',
        params: { url: tokenServer.tokenUrl, grantType: 'password', scope: 'read,write', username: 'svc-user', password: randomCredential('pw'), ...params },
      }),
    onClose: (hook) => closeHooks.push(hook),
    close: () =>
      (closed ??= (async () => {
        for (const hook of closeHooks) await hook();
        await tokenServer.close();
        await container.unbindAllAsync();
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
  onTestFinished(() => world.close());
  return world;
}
