/**
 * Slow, huge or malformed requests cannot hold the server: unauthenticated requests are answered 401
 * before their body is read and their connection closed, requests must arrive whole in time, bodies
 * are capped per route, open connections are capped, and the server's own errors use DESIGN §3's shape
 * without echoing what was sent. Raw sockets against a real listening server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { resolveServerConfig, startServer, type RunningServer, type ServerFlags } from '@tessera/server';
import { rememberSecret } from '../support/leak-audit.js';
import { rawBody, rawClient, type RawClient } from '../support/raw-client.js';
import { captureTransport } from '../support/start-test-tessera.js';
import { waitFor } from '../support/wait-for.js';

interface Listening {
  server: RunningServer;
  port: number;
  token: string;
  logs: Array<Record<string, unknown>>;
}

async function listening(flags: ServerFlags = {}): Promise<Listening> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-slow-'));
  const token = rememberSecret('tsa_slow_' + generateMasterKey().replace(/[^A-Za-z0-9]/g, ''));
  const config = resolveServerConfig({ dataDir, port: 0, ...flags }, { TESSERA_ADMIN_TOKEN: token, TESSERA_MASTER_KEY: generateMasterKey() });
  const logs: Array<Record<string, unknown>> = [];
  const server = await startServer(config, { handleSignals: false, print: () => undefined, logTransports: [captureTransport((line) => logs.push(line))] });
  onTestFinished(async () => {
    await server.stop(2_000);
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { server, port: (server.app.server.address() as { port: number }).port, token, logs };
}

function openConnections(server: RunningServer): Promise<number> {
  return new Promise((resolve, reject) => server.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

/** Whether a new connection gets an answer (200 from /healthz). */
async function answersHealth(port: number): Promise<boolean> {
  const client = await rawClient(port);
  client.write('GET /healthz HTTP/1.1\r\nHost: tessera\r\nConnection: close\r\n\r\n');
  await client.whenClosed;
  return /^HTTP\/1\.1 200 /.test(client.received);
}

const HUGE_POST = 'POST /api/events HTTP/1.1\r\nHost: tessera\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n';

describe('slow and huge clients', () => {
  it('answers 200 unauthenticated sockets that announce 100 MB and trickle it with 401, and closes every one', async () => {
    const { server, port } = await listening();
    const clients: RawClient[] = [];
    for (let i = 0; i < 200; i++) {
      const client = await rawClient(port);
      client.write(`${HUGE_POST}\r\n{`);
      client.trickle('"aaaaaaaa', 250);
      clients.push(client);
    }
    await waitFor(() => clients.every((c) => c.closed), 20_000);
    for (const client of clients) {
      expect(client.received).toMatch(/^HTTP\/1\.1 401 /);
      expect(client.received.toLowerCase()).toContain('connection: close');
      expect(rawBody(client.received)).toMatchObject({ error: { code: 'unauthorized' } });
    }
    await waitFor(async () => (await openConnections(server)) === 0, 5_000);
  }, 60_000);

  it('answers a request for no route with 404 before reading its body, and closes the connection', async () => {
    const { port } = await listening();
    const client = await rawClient(port);
    client.write('POST /nowhere HTTP/1.1\r\nHost: tessera\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n{"a":');
    client.trickle('[', 50);
    await waitFor(() => client.closed, 10_000);
    expect(client.received).toMatch(/^HTTP\/1\.1 404 /);
    expect(rawBody(client.received)).toEqual({ error: { code: 'not-found', message: 'There is no POST route at this path. The routes are in /api/openapi.json.' } });
  });

  it('answers 408 in the API shape to a client whose headers trickle in, once the request timeout passes', async () => {
    const { port } = await listening({ requestTimeout: '1s' });
    const client = await rawClient(port);
    client.write('GET /api/secrets HTTP/1.1\r\nHost: tessera\r\n');
    client.trickle('X-Slow: y\r\n', 100);
    const started = Date.now();
    await waitFor(() => client.closed, 15_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(client.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(rawBody(client.received)).toEqual({ error: { code: 'request-timeout', message: expect.stringContaining('--request-timeout') } });
  });

  it('cuts off an authenticated body that trickles past the request timeout', async () => {
    const { port, token } = await listening({ requestTimeout: '1s' });
    const client = await rawClient(port);
    client.write(`POST /api/events HTTP/1.1\r\nHost: tessera\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"type":"a.b","data":"`);
    client.trickle('x', 100);
    await waitFor(() => client.closed, 15_000);
    expect(client.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('refuses a body over the limit with 413 before reading it, and closes the connection; the limit is configurable', async () => {
    const { port, token, server } = await listening({ bodyLimit: '4kb' });
    const client = await rawClient(port);
    client.write(`${HUGE_POST}Authorization: Bearer ${token}\r\n\r\n{"type":"a.b","data":"`);
    client.trickle('x', 100);
    await waitFor(() => client.closed, 15_000);
    expect(client.received).toMatch(/^HTTP\/1\.1 413 /);
    expect(rawBody(client.received)).toEqual({ error: { code: 'body-too-large', message: expect.stringContaining('--body-limit') } });

    const post = (size: number) =>
      server.app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ type: 'a.b', data: 'x'.repeat(size) }) });
    expect((await post(3_000)).statusCode).toBe(202);
    expect((await post(5_000)).statusCode).toBe(413);
    // A route that takes no body reads at most 1 KB.
    const retry = await server.app.inject({ method: 'POST', url: '/api/deliveries/msg_x/retry', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(2_000) }) });
    expect(retry.statusCode).toBe(413);
  });

  it('refuses connections beyond the cap, says so once in the log, and accepts again when some close', async () => {
    const { port, logs } = await listening({ maxConnections: '5' });
    const held = await Promise.all(Array.from({ length: 5 }, () => rawClient(port)));
    const extra = await Promise.all(Array.from({ length: 3 }, () => rawClient(port)));
    await waitFor(() => extra.every((c) => c.closed), 10_000);
    expect(extra.map((c) => c.received)).toEqual(['', '', '']);
    expect(held.some((c) => c.closed)).toBe(false);
    const capped = logs.filter((line) => String(line.message).includes('the most allowed (--max-connections or TESSERA_MAX_CONNECTIONS)'));
    expect(capped).toHaveLength(1);
    expect(capped[0]).toMatchObject({ level: 'warn', maxConnections: 5, message: 'refused 1 connection: 5 are open, the most allowed (--max-connections or TESSERA_MAX_CONNECTIONS)' });

    for (const client of held) client.socket.destroy();
    await waitFor(() => answersHealth(port), 10_000);
  });
});

describe('connections per client', () => {
  it('refuses a client more connections than its share, so one client cannot take them all', async () => {
    const { port, logs } = await listening({ maxConnectionsPerClient: '3' });
    const held = await Promise.all(Array.from({ length: 3 }, () => rawClient(port)));
    const extra = await rawClient(port);
    await waitFor(() => extra.closed, 10_000);
    expect(extra.received).toBe('');
    expect(held.some((c) => c.closed)).toBe(false);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', maxConnectionsPerClient: 3, message: expect.stringContaining('from a client that already has 3 open') }));
    held[0]!.socket.destroy();
    await waitFor(() => answersHealth(port), 10_000);
  });
});

describe('limit settings', () => {
  it('reads durations and sizes with their units, and names the setting of one it cannot read', () => {
    const env = { TESSERA_REQUEST_TIMEOUT: '45s', TESSERA_BODY_LIMIT: '64kb' };
    expect(resolveServerConfig({ keepAliveTimeout: '1500ms', maxConnections: '10' }, env).limits).toEqual({
      requestTimeoutMs: 45_000,
      connectionTimeoutMs: 60_000,
      keepAliveTimeoutMs: 1_500,
      bodyLimitBytes: 65_536,
      maxConnections: 10,
      maxConnectionsPerClient: 256,
    });
    expect(() => resolveServerConfig({ requestTimeout: 'soon' }, {})).toThrow("'soon' is not a duration with its unit (like 30s, 500ms, 2m, 12h or 14d). Set --request-timeout or TESSERA_REQUEST_TIMEOUT.");
    // Is a bare 30 seconds or milliseconds? Neither: the unit is required.
    expect(() => resolveServerConfig({}, { TESSERA_REQUEST_TIMEOUT: '30' })).toThrow('is not a duration with its unit');
    expect(() => resolveServerConfig({}, { TESSERA_BODY_LIMIT: '1tb' })).toThrow('Set --body-limit or TESSERA_BODY_LIMIT.');
    expect(() => resolveServerConfig({ maxConnections: '0' }, {})).toThrow('Set --max-connections or TESSERA_MAX_CONNECTIONS.');
  });
});

describe("the server's own errors", () => {
  it('use the API error shape for 400, 404, 414, 415 and 431, and never echo the path or the body', async () => {
    const { port, token, logs } = await listening();
    const marker = 'zq-marker-9f3';
    const ask = async (request: string) => {
      const client = await rawClient(port);
      client.write(request);
      await waitFor(() => client.closed || /\r\n\r\n[\s\S]*\}$/.test(client.received), 10_000);
      expect(client.received).not.toContain(marker);
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(client.received)?.[1]), body: rawBody(client.received) };
    };
    const auth = `Authorization: Bearer ${token}\r\n`;
    expect(await ask(`GET /api/secrets/${marker}%zz HTTP/1.1\r\nHost: t\r\n${auth}\r\n`)).toEqual({ status: 400, body: { error: { code: 'bad-request', message: expect.any(String) } } });
    expect(await ask(`GET /api/secrets/${marker}${'x'.repeat(300)} HTTP/1.1\r\nHost: t\r\n${auth}\r\n`)).toMatchObject({ status: 414, body: { error: { code: 'uri-too-long' } } });
    expect(await ask(`GET /api/deliveries?before=${marker}${'x'.repeat(9_000)} HTTP/1.1\r\nHost: t\r\n${auth}\r\n`)).toMatchObject({ status: 414, body: { error: { code: 'uri-too-long' } } });
    expect(await ask(`GET /api/${marker} HTTP/1.1\r\nHost: t\r\n${auth}\r\n`)).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
    expect(await ask(`GET /api/secrets HTTP/1.1\r\nHost: t\r\nX-Big: ${marker}${'y'.repeat(20_000)}\r\n\r\n`)).toMatchObject({ status: 431, body: { error: { code: 'headers-too-large' } } });
    expect(await ask(`${marker} nonsense\r\n\r\n`)).toMatchObject({ status: 400, body: { error: { code: 'bad-request' } } });
    const text = `{"type":"a.b","data":"${marker}"`;
    expect(await ask(`POST /api/events HTTP/1.1\r\nHost: t\r\n${auth}Content-Type: text/${marker}\r\nContent-Length: ${text.length}\r\n\r\n${text}`)).toMatchObject({ status: 415, body: { error: { code: 'unsupported-media-type' } } });
    expect(await ask(`POST /api/events HTTP/1.1\r\nHost: t\r\n${auth}Content-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`)).toMatchObject({
      status: 400,
      body: { error: { code: 'bad-request', message: expect.stringMatching(/^The request body is not valid JSON/) } },
    });
    // Nothing of it reached the log either.
    expect(JSON.stringify(logs)).not.toContain(marker);
  });
});
