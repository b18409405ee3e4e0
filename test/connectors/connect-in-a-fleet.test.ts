/**
 * ConnectorManager.connect across processes on one database: a connect whose client cannot be built
 * undoes what it wrote, unless another process connected with that secret meanwhile (it claimed it);
 * one that finds its secret undone under it connects again.
 */
import { expect, it } from 'vitest';
import { z } from 'zod';
import { CONNECTORS, connectorsModule, defineConnector, type ConnectorContext, type ConnectorManager } from '@tessera/connectors';
import { FakeClock } from '../support/fake-clock.js';
import { describeOnEachStorage } from '../support/storage-under-test.js';
import { randomCredential, startTestTessera, type TestTessera } from '../support/start-test-tessera.js';

/** A connector whose client is built by `build`: the test decides when, and whether, it succeeds. */
function gatedConnector(build: (context: ConnectorContext<unknown>) => Promise<string>) {
  return defineConnector<{ url: string; password: string }, string>({
    id: 'gated',
    displayName: 'Gated',
    configSchema: z.object({ url: z.url(), password: z.string().min(1) }),
    toSecret: (config) => ({ kind: 'general', params: { url: config.url, username: 'svc', password: config.password } }),
    createClient: build,
  });
}

/** A promise and the means to settle it from outside, and one that resolves when `reached` is called. */
function gate<T>() {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const opened = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  let reached!: () => void;
  const waiting = new Promise<void>((resolve) => (reached = resolve));
  return { opened, open, fail, waiting, reached };
}

async function twoInstances(buildHere: () => Promise<string>, buildThere: () => Promise<string>, clock?: FakeClock) {
  const here = await startTestTessera({ ...(clock && { clock }) }, [connectorsModule({ connectors: [gatedConnector(buildHere)] })]);
  const there = await startTestTessera({ database: here.databasePath, masterKey: here.masterKey, ...(clock && { clock }) }, [connectorsModule({ connectors: [gatedConnector(buildThere)] })]);
  here.onClose(() => there.close());
  const manager = (world: TestTessera) => world.container.get<ConnectorManager>(CONNECTORS.Manager);
  return { here, there, connectHere: manager(here), connectThere: manager(there), config: { url: here.tokenServer.tokenUrl, password: randomCredential('gated') } };
}

describeOnEachStorage('connecting one connector instance from two processes', () => {
  it('keeps the secret another process connected with while this one failed to build its client', async () => {
    const first = gate<string>();
    const { here, there, connectHere, connectThere, config } = await twoInstances(
      () => {
        first.reached();
        return first.opened;
      },
      async () => 'their client',
    );
    const failing = connectHere.connect('gated', 'main', config);
    failing.catch(() => undefined);
    // This process created the secret and is building its client; the other connects with that secret.
    await first.waiting;
    const theirs = await connectThere.connect('gated', 'main', config);
    expect(theirs.client).toBe('their client');
    first.fail(new Error('sign-in timed out'));
    await expect(failing).rejects.toThrow('sign-in timed out');
    // Claimed (revision 2) before the undo, which therefore left it: the other process's connection works.
    expect(await here.secrets.get(theirs.secretId)).toMatchObject({ name: 'gated:main', origin: 'connector', revision: 2 });
    expect((await there.tokens.getToken(theirs.secretId)).accessToken).toBe(here.tokenServer.issued.at(-1));
    expect(here.logs.map((line) => line.message)).toContain('connector secret kept: another process connected with it meanwhile');
  });

  it.each([
    ['its client is built', (second: ReturnType<typeof gate<string>>) => second.open('their client')],
    // Its own sign-in fails for want of the secret (as Salesforce's would): not the end either.
    ['its sign-in fails for want of the secret', (second: ReturnType<typeof gate<string>>) => second.fail(new Error("secret 'gone' does not exist"))],
  ])('connects again when the secret it found is undone by the process that wrote it, and then %s', async (_, then) => {
    const first = gate<string>();
    const second = gate<string>();
    let builds = 0;
    const { here, there, connectHere, connectThere, config } = await twoInstances(
      () => {
        first.reached();
        return first.opened;
      },
      () => {
        builds++;
        if (builds > 1) return Promise.resolve('their client');
        second.reached();
        return second.opened;
      },
    );
    const failing = connectHere.connect('gated', 'main', config);
    failing.catch(() => undefined);
    await first.waiting;
    const connecting = connectThere.connect('gated', 'main', config);
    // Both are building their clients; the one that wrote the secret fails and undoes it first.
    await second.waiting;
    first.fail(new Error('sign-in timed out'));
    await expect(failing).rejects.toThrow('sign-in timed out');
    expect(await here.secrets.list({ owner: 'gated:main' })).toEqual([]);
    then(second);
    const theirs = await connecting;
    expect(theirs.client).toBe('their client');
    expect(builds).toBe(2);
    expect(await here.secrets.list({ owner: 'gated:main' })).toEqual([expect.objectContaining({ id: theirs.secretId, revision: 1 })]);
    expect((await there.tokens.getToken(theirs.secretId)).accessToken).toBe(here.tokenServer.issued.at(-1));
    expect(there.logs.map((line) => line.message)).toContain('connector secret changed or undone by another process while connecting; connecting again');
  });

  it('connects six instances starting at once: one secret, every one connected', async () => {
    const { here, connectHere, config } = await twoInstances(async () => 'client', async () => 'client');
    const more = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const instance = await startTestTessera({ database: here.databasePath, masterKey: here.masterKey }, [connectorsModule({ connectors: [gatedConnector(async () => 'client')] })]);
        here.onClose(() => instance.close());
        return instance.container.get<ConnectorManager>(CONNECTORS.Manager);
      }),
    );
    const connections = await Promise.all([connectHere, ...more].map((manager) => manager.connect('gated', 'main', config)));
    expect(new Set(connections.map((c) => c.secretId)).size).toBe(1);
    expect(await here.secrets.list({ owner: 'gated:main' })).toHaveLength(1);
  });

  it('claims a secret only in the 10 minutes after its last change, however often either process connects', async () => {
    const clock = new FakeClock(Date.now());
    const { here, connectHere, connectThere, config } = await twoInstances(async () => 'client', async () => 'their client', clock);
    const { secretId } = await connectHere.connect('gated', 'main', config);
    const created = await here.secrets.get(secretId);
    clock.advance(1_000);
    await connectThere.connect('gated', 'main', config);
    // A claim takes a revision and changes nothing else, its time included.
    const claimed = await here.secrets.get(secretId);
    expect(claimed).toEqual({ ...created, revision: 2 });
    clock.advance(10 * 60_000);
    await connectHere.connect('gated', 'main', config);
    await connectThere.connect('gated', 'main', config);
    expect(await here.secrets.get(secretId)).toEqual(claimed);
  });

  it('writes nothing when it connects again with the secret its own last connect left', async () => {
    const { here, connectHere, config } = await twoInstances(async () => 'client', async () => 'their client');
    const { secretId } = await connectHere.connect('gated', 'main', config);
    const before = await here.secrets.get(secretId);
    await connectHere.connect('gated', 'main', config);
    expect(await here.secrets.get(secretId)).toEqual(before);
  });
});
