/**
 * The Salesforce connector's jsforce client and the SSRF guard: every request jsforce sends is checked
 * when it connects (DNS rebinding, a direct request, a redirect), not only the instance URL up front.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { syncBuiltinESMExports } from 'node:module';
import type { Connection } from 'jsforce';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, type HttpClient } from '@tessera/core';
import { CONNECTORS, connectorsModule, type ConnectorManager } from '@tessera/connectors';
import { FakeSalesforce } from '../support/fake-salesforce.js';
import { startTestTessera } from '../support/start-test-tessera.js';

const HOST = 'sf.test';
const ALLOWED = '127.0.0.1';
const REFUSED = '127.0.0.2';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `sf.test` resolves to whatever `answer.address` says at the time of each lookup; other names as usual. */
function fakeDns(answer: { address: string }): void {
  const realLookup = dns.lookup;
  const fake = (...args: unknown[]) => {
    if (args[0] !== HOST) return Reflect.apply(realLookup, dns, args);
    const options = (typeof args[1] === 'object' && args[1] !== null ? args[1] : {}) as LookupOptions;
    const callback = args.findLast((arg) => typeof arg === 'function') as LookupCallback;
    const { address } = answer;
    process.nextTick(() => (options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4)));
  };
  dns.lookup = fake as typeof dns.lookup;
  // ESM importers of node:dns (the SSRF guard's `import { lookup }`) see the patched function too.
  syncBuiltinESMExports();
  onTestFinished(() => {
    dns.lookup = realLookup;
    syncBuiltinESMExports();
  });
}

/** An HTTP server on 127.0.0.2 that counts what reaches it, and would answer like Salesforce. */
async function startDecoy(port: number): Promise<{ hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ totalSize: 1, done: true, records: [{ attributes: { type: 'Account' }, Id: '001000000000666AAA', Name: 'Decoy' }] }));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, REFUSED, resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { hits };
}

/** A Tessera whose guard allows 127.0.0.1 only, a fake Salesforce there, and a decoy on 127.0.0.2 at the same port. */
async function startGuardedWorld() {
  const world = await startTestTessera({ network: { allowPrivate: false, allow: [ALLOWED] } }, [connectorsModule()]);
  const salesforce = await FakeSalesforce.start();
  world.onClose(() => salesforce.server.close());
  const port = Number(new URL(salesforce.origin).port);
  const decoy = await startDecoy(port);
  const manager = world.container.get<ConnectorManager>(CONNECTORS.Manager);
  const config = { flow: 'client-credentials', loginUrl: salesforce.origin, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret };
  return { world, salesforce, port, decoy, manager, config };
}

describe('Salesforce connector: every jsforce request passes the SSRF guard', () => {
  it('refuses a query when the instance host, allowed at connect, resolves to a refused address later (DNS rebinding)', async () => {
    const { world, salesforce, port, decoy, manager, config } = await startGuardedWorld();
    const answer = { address: ALLOWED };
    fakeDns(answer);
    salesforce.instanceUrl = `http://${HOST}:${port}`;
    const { client } = await manager.connect<Connection>('salesforce', 'main', config);
    expect((await client.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect(salesforce.dataPaths).toHaveLength(1);

    answer.address = REFUSED;
    // Drop pooled keep-alive sockets (the guarded agents' and Node's global agent's, which jsforce's
    // own transport uses), so the next request connects, and so resolves the name, again.
    world.container.get<HttpClient>(CORE.HttpClient).close();
    http.globalAgent.destroy();
    await expect(client.query('SELECT Id FROM Account')).rejects.toMatchObject({
      code: 'address-refused',
      message: expect.stringContaining(`Refused to connect to ${HOST} (${REFUSED}): it is a loopback address`),
    });
    expect(decoy.hits).toEqual([]);
    expect(salesforce.dataPaths).toHaveLength(1);
  });

  it('refuses a request the application sends through the connection to a refused address', async () => {
    const { port, decoy, manager, config } = await startGuardedWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', config);
    await expect(client.request(`http://${REFUSED}:${port}/services/data/v62.0/query?q=SELECT+Id+FROM+Account`)).rejects.toMatchObject({
      code: 'address-refused',
      message: expect.stringContaining(`Refused to connect to ${REFUSED}: it is a loopback address`),
    });
    expect(decoy.hits).toEqual([]);
  });

  it('does not follow a redirect to a refused address', async () => {
    const { world, port, decoy, manager, config } = await startGuardedWorld();
    const redirector = http.createServer((_req, res) => {
      res.writeHead(302, { location: `http://${REFUSED}:${port}/services/data/v62.0/query?q=SELECT+Id+FROM+Account`, 'content-type': 'text/plain' });
      res.end('moved');
    });
    await new Promise<void>((resolve) => redirector.listen(0, ALLOWED, resolve));
    world.onClose(() => {
      redirector.closeAllConnections();
      return new Promise<void>((resolve) => redirector.close(() => resolve()));
    });
    const { client } = await manager.connect<Connection>('salesforce', 'main', config);
    const answer = await client.request(`http://${ALLOWED}:${(redirector.address() as AddressInfo).port}/elsewhere`);
    expect(answer).toBe('moved');
    expect(decoy.hits).toEqual([]);
  });
});
