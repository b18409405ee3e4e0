/**
 * DESIGN §4 for a fleet (issue 12): instances sharing one PostgreSQL database make one token request per
 * secret per lifetime, one new request for a burst of 401s, share a failure's cool-down, drop a token
 * when another instance changes the secret, and keep the shared token sealed.
 */
import 'reflect-metadata';
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CORE, MASK, type PostgresDatabase, type SecretStore, type TokenProvider } from '@tessera/core';
import { startInstanceProcess } from '../support/instance-process.js';
import { randomCredential, startTestTessera, type TestTessera } from '../support/start-test-tessera.js';
import { withClient } from '../support/test-postgres.js';
import { waitFor } from '../support/wait-for.js';

/** A second instance on the same database, in this process (its own container, pool and caches). */
async function sibling(world: TestTessera): Promise<TestTessera> {
  const other = await startTestTessera({ database: world.databasePath, masterKey: world.masterKey });
  world.onClose(() => other.close());
  return other;
}

/** Resolves once each instance has heard every NOTIFY sent before: they arrive in order on its one listening connection. */
async function heardAllNotices(...worlds: TestTessera[]): Promise<void> {
  for (const world of worlds) {
    const db = world.container.get<PostgresDatabase>(CORE.Postgres);
    const marker = randomCredential('marker');
    let heard = false;
    const stop = db.listen('tessera_test_marker', (payload) => {
      heard ||= payload === marker;
    });
    await waitFor(async () => {
      await db.query('SELECT pg_notify($1, $2)', ['tessera_test_marker', marker]);
      return heard;
    }, 10_000);
    stop();
  }
}

/**
 * A TCP proxy to the test database whose connections can be silenced: open, but carrying nothing either
 * way. `silence(name)` does that to the connections whose startup message names that application.
 */
async function silenceableProxy(databaseUrl: string): Promise<{ url: string; silence(application: string): number; close(): Promise<void> }> {
  const target = new URL(databaseUrl);
  const connections: Array<{ startup: string; silent: boolean; sockets: net.Socket[] }> = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    const connection = { startup: '', silent: false, sockets: [client, upstream] };
    connections.push(connection);
    client.on('data', (chunk: Buffer) => {
      if (connection.startup === '') connection.startup = chunk.toString('latin1');
      if (!connection.silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!connection.silent) client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    silence: (application) => {
      const chosen = connections.filter((c) => !c.silent && c.startup.includes(`application_name\u0000${application}\u0000`) && !c.sockets[0]!.destroyed);
      for (const c of chosen) c.silent = true;
      return chosen.length;
    },
    close: async () => {
      for (const c of connections) for (const socket of c.sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function instances(world: TestTessera, n: number) {
  return Promise.all(Array.from({ length: n }, () => startInstanceProcess('core-instance.mjs', { DATABASE_URL: world.databasePath, MASTER_KEY: world.masterKey })));
}

describe('one token request for the fleet', () => {
  it('10 processes × 1,000 concurrent getToken for one cold secret make exactly 1 token request', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    // Slow enough that every process asks while the one request is under way.
    world.tokenServer.respond(() => ({ ...world.tokenServer.tokenResponse(), delayMs: 400 }));
    const secret = await world.createGeneralSecret();
    const fleet = await instances(world, 10);
    const answers = await Promise.all(fleet.map((instance) => instance.send<{ tokens: string[] }>(`tokens ${secret.id} 1000`)));
    expect(world.tokenServer.count).toBe(1);
    expect(new Set(answers.flatMap((a) => a.tokens))).toEqual(new Set([world.tokenServer.issued[0]]));
    // Later callers anywhere take the same token: still one request.
    expect((await world.tokens.getToken(secret.id)).accessToken).toBe(world.tokenServer.issued[0]);
    expect(world.tokenServer.count).toBe(1);
    await Promise.all(fleet.map((instance) => instance.end()));
  }, 120_000);

  it('a burst of 401s on every instance causes one new token request', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    const secret = await world.createGeneralSecret();
    const fleet = await instances(world, 4);
    const first = await Promise.all(fleet.map((instance) => instance.send<{ tokens: string[] }>(`tokens ${secret.id} 50`)));
    const old = world.tokenServer.issued[0]!;
    expect(first.map((a) => a.tokens)).toEqual(Array(4).fill([old]));
    world.tokenServer.respond(() => ({ ...world.tokenServer.tokenResponse(), delayMs: 200 }));
    // Every instance's consumers got a 401 with the old token, and each asks again. An instance that has
    // already heard another's invalidation (NOTIFY) holds no copy any more and answers false; at least
    // the first one drops it, and none answers an error.
    const dropped = await Promise.all(fleet.map((instance) => instance.send<{ dropped: boolean }>(`invalidate ${secret.id} ${old}`)));
    expect(dropped.map((d) => typeof d.dropped)).toEqual(Array(4).fill('boolean'));
    expect(dropped.some((d) => d.dropped)).toBe(true);
    const again = await Promise.all(fleet.map((instance) => instance.send<{ tokens: string[] }>(`tokens ${secret.id} 50`)));
    expect(world.tokenServer.count).toBe(2);
    expect(again.map((a) => a.tokens)).toEqual(Array(4).fill([world.tokenServer.issued[1]]));
    // A late 401 with the old token changes nothing any more.
    expect(await fleet[0]!.send(`invalidate ${secret.id} ${old}`)).toEqual({ dropped: false });
    expect(await fleet[0]!.send(`tokens ${secret.id} 5`)).toEqual({ tokens: [world.tokenServer.issued[1]] });
    expect(world.tokenServer.count).toBe(2);
    await Promise.all(fleet.map((instance) => instance.end()));
  }, 120_000);

  it('shares a failure and its cool-down: another instance gets the same error without a new request', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    const other = await sibling(world);
    world.tokenServer.respond(() => ({ status: 400, body: { error: 'invalid_client', error_description: 'client unknown' } }));
    const secret = await world.createGeneralSecret();
    await expect(world.tokens.getToken(secret.id)).rejects.toMatchObject({ code: 'oauth', oauthError: 'invalid_client' });
    const error = await other.tokens.getToken(secret.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'cooldown', oauthError: 'invalid_client', message: expect.stringMatching(/Not retried for another \d+ s/) });
    expect(world.tokenServer.count).toBe(1);
  });

  it('drops the fleet token when a secret changes on any instance, within a second on the others', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    const other = await sibling(world);
    const secret = await world.createGeneralSecret();
    const before = await other.tokens.getToken(secret.id);
    expect((await world.tokens.getToken(secret.id)).accessToken).toBe(before.accessToken);
    expect(world.tokenServer.count).toBe(1);
    const password = randomCredential('pw2');
    await world.secrets.update(secret.id, { params: { password } });
    // The other instance's cache hears of it (NOTIFY) and stops handing out the old token.
    await waitFor(() => other.tokens.peek(secret.id) === undefined, 1_000);
    const after = await other.tokens.getToken(secret.id);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(world.tokenServer.count).toBe(2);
    expect(JSON.parse(world.tokenServer.requests[1]!.body)).toMatchObject({ password });
    expect((await world.tokens.getToken(secret.id)).accessToken).toBe(after.accessToken);
    expect(world.tokenServer.count).toBe(2);
  });

  it('reads every token again once its listening connection is back: an invalidation announced while it was lost is not missed', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    const other = await sibling(world);
    const secret = await world.createGeneralSecret();
    // Both have heard the secret's creation (which drops any copy) before they take its token.
    await heardAllNotices(world, other);
    const old = (await other.tokens.getToken(secret.id)).accessToken;
    expect((await world.tokens.getToken(secret.id)).accessToken).toBe(old);
    const name = new URL(world.databasePath).pathname.slice(1);
    const admin = new URL(world.databasePath);
    admin.pathname = '/postgres';
    let fresh = '';
    await withClient(world.databasePath, async (client) => {
      // No new connection for a while (open ones stay), then every listening connection is cut: the other
      // instance cannot listen again until connections are allowed, and hears nothing meanwhile.
      await withClient(admin.toString(), (c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`));
      try {
        await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tessera-listen'");
        await waitFor(() => other.logs.some((line) => String(line.message).startsWith('cannot LISTEN')), 10_000);
        // A 401 here: this instance invalidates the shared token (on a connection its pool holds open) and gets a new one.
        expect(world.tokens.invalidate(secret.id, old)).toBe(true);
        fresh = (await world.tokens.getToken(secret.id)).accessToken;
        expect(other.tokens.peek(secret.id)?.accessToken).toBe(old);
      } finally {
        await withClient(admin.toString(), (c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`));
      }
    });
    expect(fresh).not.toBe(old);
    // The NOTIFY of that invalidation was lost; once listening again, the other instance reads the row afresh.
    await waitFor(async () => (await other.tokens.getToken(secret.id)).accessToken === fresh, 30_000);
    expect(other.logs.some((line) => String(line.message).startsWith('listening for changes again'))).toBe(true);
    expect(world.tokenServer.count).toBe(2);
  }, 60_000);

  it('finds a listening connection that went silent without an error (a network cut) and listens again on a new one', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    // The other instance reaches the database through a proxy that can go silent, as a cut network does.
    const proxy = await silenceableProxy(world.databasePath);
    world.onClose(() => proxy.close());
    const other = await startTestTessera({ database: proxy.url, masterKey: world.masterKey, postgres: { pollIntervalMs: 100, connectTimeoutMs: 1_000 } });
    world.onClose(() => other.close());
    const secret = await world.createGeneralSecret();
    await heardAllNotices(world, other);
    const old = (await other.tokens.getToken(secret.id)).accessToken;
    expect((await world.tokens.getToken(secret.id)).accessToken).toBe(old);
    // Its listening connection stays open but carries nothing more, either way.
    expect(proxy.silence('tessera-listen')).toBe(1);
    expect(world.tokens.invalidate(secret.id, old)).toBe(true);
    const fresh = (await world.tokens.getToken(secret.id)).accessToken;
    await waitFor(async () => (await other.tokens.getToken(secret.id)).accessToken === fresh, 30_000);
    const said = other.logs.map((line) => String(line.message));
    expect(said).toContain('lost the listening connection; opening another');
    expect(said).toContain('listening for changes again; what changed meanwhile is read afresh');
  }, 60_000);

  it('drops a token another instance made stale even without LISTEN/NOTIFY (PgBouncer in transaction mode), by polling', async () => {
    const world = await startTestTessera({ storage: 'postgres', postgres: { notify: false, pollIntervalMs: 100 } });
    const other = await startTestTessera({ database: world.databasePath, masterKey: world.masterKey, postgres: { notify: false, pollIntervalMs: 100 } });
    world.onClose(() => other.close());
    const secret = await world.createGeneralSecret();
    const before = await other.tokens.getToken(secret.id);
    await world.secrets.update(secret.id, { params: { password: randomCredential('pw3') } });
    await waitFor(() => other.tokens.peek(secret.id) === undefined, 2_000);
    expect((await other.tokens.getToken(secret.id)).accessToken).not.toBe(before.accessToken);
    expect(world.tokenServer.count).toBe(2);
  });

  it('keeps the shared token sealed, bound to its secret', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    const secret = await world.createGeneralSecret();
    const token = await world.tokens.getToken(secret.id);
    const rows = await withClient(world.databasePath, async (client) => (await client.query<{ row: string }>('SELECT t::text AS row FROM token_cache t')).rows);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.row).toMatch(/tsr1:/);
    expect(rows[0]!.row).not.toContain(token.accessToken);
    expect((await world.secrets.get(secret.id)).params.password).toBe(MASK);
  });

  it('holds every DESIGN §4 rule on one instance too: the same token for any number of callers', async () => {
    const world = await startTestTessera({ storage: 'postgres' });
    const secret = await world.createGeneralSecret();
    const all = await Promise.all(Array.from({ length: 200 }, () => world.tokens.getToken(secret.id)));
    expect(new Set(all.map((t) => t.accessToken)).size).toBe(1);
    expect(world.tokenServer.count).toBe(1);
    expect(world.container.get<TokenProvider>(CORE.TokenProvider).invalidate(secret.id, all[0]!.accessToken)).toBe(true);
    expect((await world.tokens.getToken(secret.id)).accessToken).not.toBe(all[0]!.accessToken);
    expect(world.tokenServer.count).toBe(2);
    expect(await world.container.get<SecretStore>(CORE.SecretStore).list()).toHaveLength(1);
  });
});
