/** The `tessera` CLI as child processes: exit codes, one-line reasons, secrets never echoed, keys rotated, and `serve` draining on SIGTERM. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { runTessera } from '../support/cli-process.js';
import { randomCredential } from '../support/start-test-tessera.js';
import { waitFor } from '../support/wait-for.js';

const TESSERA = join(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'cli', 'tessera.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function tessera(dir: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<Run> {
  return runTessera(args, { TESSERA_DATA_DIR: dir, TESSERA_ALLOW_PRIVATE: 'true', ...env }, input === undefined ? {} : { input });
}

/** `tessera serve` on port 0 in the background; resolves with its URL once it listens. */
async function serve(dir: string): Promise<{ child: ChildProcess; url: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [TESSERA, 'serve', '--port', '0'], { env: { PATH: process.env.PATH, TESSERA_DATA_DIR: dir, TESSERA_ALLOW_PRIVATE: 'true' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  // The banner's last line: everything before it has been printed.
  await waitFor(() => /running at (http:\S+)/.test(output) && /\n {2}data: /.test(output), 15_000);
  return { child, url: /running at (http:\S+)/.exec(output)![1]!, output: () => output, exited };
}

/** Polls `probe` (a child process each time, so not too often) until it returns a value. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function createSecret(dir: string, tokenServer: FakeTokenServer, name = 'crm', password = randomCredential('pw')): Promise<{ run: Run; password: string }> {
  const run = await tessera(dir, ['secrets', 'create', '--kind', 'general', '--name', name, '--url', tokenServer.tokenUrl, '--username', 'svc-user'], password + '\n');
  return { run, password };
}

async function fakeTokenServer(): Promise<FakeTokenServer> {
  const server = await FakeTokenServer.start();
  onTestFinished(() => server.close());
  return server;
}

describe('usage and exit codes', () => {
  it('exits 2 with a one-line reason for a command used wrongly', async () => {
    const dir = dataDir();
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /^tessera: Unknown command 'frobnicate'\. Run 'tessera help' for the list\.$/],
      [['secrets', 'create', '--name', 'x'], /^tessera: --kind is required\./],
      [['secrets', 'create', '--kind', 'nope', '--name', 'x'], /^tessera: Unknown kind 'nope'\. Kinds: general, microsoft-graph, salesforce\.$/],
      [['secrets', 'create', '--kind', 'general', '--name', 'x', '--password', 'on-the-command-line'], /^tessera: --password is sensitive and is not taken on the command line/],
      [['secrets', 'list', '--colour'], /^tessera: Unknown option '--colour'/],
      [['secrets', 'list', '--limit', '0'], /^tessera: --limit takes a whole number from 1 to 1000\./],
      [['secrets', 'list', '--limit', '1001'], /^tessera: --limit takes a whole number from 1 to 1000\./],
      [['secrets', 'list', '--limit', '2e1'], /^tessera: --limit takes a whole number from 1 to 1000\./],
      [['deliveries', 'list', '--limit', '1001'], /^tessera: --limit takes a whole number from 1 to 1000\./],
      [['deliveries', 'list', '--status', 'lost'], /^tessera: --status is one of pending, delivering, succeeded, failed\./],
      [['secrets', 'show'], /^tessera: Give exactly one secret id or name\./],
      [['secrets', 'list', '--port', 'abc'], /^tessera: The port 'abc' is not a port number \(0–65535\)\. Set --port or TESSERA_PORT\.$/],
      [['secrets', 'list', '--log-level', 'loud'], /^tessera: The log level 'loud' is not one of error, warn, info, debug\./],
    ];
    for (const [args, reason] of cases) {
      const run = await tessera(dir, args);
      expect(run.code, args.join(' ')).toBe(2);
      // The reason is the last line (a first use of the data directory may warn before it).
      expect(run.stderr.trim().split('\n').at(-1), args.join(' ')).toMatch(reason);
      expect(run.stdout).toBe('');
    }
    expect((await tessera(dir, ['help'])).code).toBe(0);
    // `npx tessera` goes through the workspace's bin link, made by npm ci before anything is built.
    const linked = spawnSync(join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tessera'), ['help'], { encoding: 'utf8' });
    expect(linked.status).toBe(0);
    expect(linked.stdout).toMatch(/^tessera: integration secrets, webhooks and their deliveries\./);
    expect((await tessera(dir, [])).code).toBe(2);
    // Usage errors never opened the data directory.
    expect(existsSync(join(dir, 'tessera.db'))).toBe(false);
  });

  it('exits 1 with a one-line reason when a command runs and fails', async () => {
    const dir = dataDir();
    const missing = await tessera(dir, ['secrets', 'show', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n').at(-1)).toBe("tessera: secret 'nope' does not exist. Check the id, or list secrets to find it.");
    expect(missing.stderr).toContain(`tessera: warn: Development mode: created a master key file at ${join(dir, 'master.key')}`);
    const noDelivery = await tessera(dir, ['deliveries', 'show', 'msg_nope']);
    expect(noDelivery.code).toBe(1);
    expect(noDelivery.stderr.trim()).toBe("tessera: delivery 'msg_nope' does not exist. Check the id, or list deliveries to find it.");
    const invalid = await tessera(dir, ['secrets', 'create', '--kind', 'general', '--name', 'x', '--url', 'not-a-url', '--username', 'u'], 'pw\n');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.trim().split('\n').at(-1)).toMatch(/^tessera: The General – username and password secret is invalid: params\.url: /);
  });
});

describe('secrets', () => {
  it('creates a secret with the password from stdin, never echoes it, lists, shows masked, tests and deletes', async () => {
    const dir = dataDir();
    const tokenServer = await fakeTokenServer();
    const { run, password } = await createSecret(dir, tokenServer);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Created secret 'crm' \(sec_[0-9a-f]+\), kind general\./);

    const listed = await tessera(dir, ['secrets', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'crm', kind: 'general', origin: 'manual', params: expect.objectContaining({ password: '••••' }), lastTest: null })]);
    const table = await tessera(dir, ['secrets', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+KIND\s+ORIGIN\s+UPDATED\s+LAST TEST\s+ID$/);
    const shown = await tessera(dir, ['secrets', 'show', 'crm']);
    expect(shown.stdout).toMatch(/params\.password\s+••••/);

    const tested = await tessera(dir, ['secrets', 'test', 'crm']);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/^ok: secret 'crm' \(HTTP 200\) in \d+ ms\n {2}token: Bearer /);
    expect(tokenServer.requests[0]!.body).toContain(password);
    expect(JSON.parse((await tessera(dir, ['secrets', 'list', '--json'])).stdout)[0].lastTest).toMatchObject({ ok: true });

    tokenServer.respond(() => ({ status: 401, body: JSON.stringify({ error: 'invalid_client' }) }));
    const failed = await tessera(dir, ['secrets', 'test', 'crm', '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, status: 401 });
    expect(failed.stderr.trim().split('\n').at(-1)).toMatch(/^tessera: The test of secret 'crm' failed: /);

    const outputs = [run, listed, table, shown, tested, failed].flatMap((r) => [r.stdout, r.stderr]).join('\n');
    expect(outputs).not.toContain(password);
    expect(outputs).not.toContain(tokenServer.issued[0]!);
    // The database holds the password only encrypted.
    expect(readFileSync(join(dir, 'tessera.db')).includes(Buffer.from(password))).toBe(false);

    // A sensitive value may also come from a file (a PEM key, say), never from the command line itself.
    tokenServer.respond(() => tokenServer.tokenResponse());
    const file = join(dir, 'erp-password.txt');
    const filePassword = randomCredential('pw');
    writeFileSync(file, filePassword + '\n');
    const fromFile = await tessera(dir, ['secrets', 'create', '--kind', 'general', '--name', 'erp', '--url', tokenServer.tokenUrl, '--username', 'erp-user', '--password-file', file]);
    expect(fromFile.code).toBe(0);
    expect((await tessera(dir, ['secrets', 'test', 'erp'])).code).toBe(0);
    expect(JSON.parse(tokenServer.requests.at(-1)!.body)).toMatchObject({ username: 'erp-user', password: filePassword });

    const deleted = await tessera(dir, ['secrets', 'delete', 'crm']);
    expect(deleted.stdout.trim()).toMatch(/^Deleted secret 'crm' \(sec_[0-9a-f]+\)\.$/);
    expect(JSON.parse((await tessera(dir, ['secrets', 'list', '--json'])).stdout).map((x: { name: string }) => x.name)).toEqual(['erp']);
  });
});

describe('secrets list pages', () => {
  it('lists a page in name order with --limit, says how to ask for the next, and goes on --after the last name', async () => {
    const dir = dataDir();
    const tokenServer = await fakeTokenServer();
    for (const name of ['hr', 'crm', 'erp']) expect((await createSecret(dir, tokenServer, name)).run.code).toBe(0);
    const first = await tessera(dir, ['secrets', 'list', '--limit', '2', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).map((x: { name: string }) => x.name)).toEqual(['crm', 'erp']);
    expect(first.stderr.trim().split('\n').at(-1)).toBe('More may follow: tessera secrets list --limit 2 --after erp');
    const next = await tessera(dir, ['secrets', 'list', '--limit', '2', '--after', 'erp']);
    expect(next.code).toBe(0);
    expect(next.stdout.split('\n').slice(1).filter(Boolean).map((line) => line.split(/\s+/)[0])).toEqual(['hr']);
    expect(next.stderr).not.toContain('More may follow');
    expect((await tessera(dir, ['secrets', 'list', '--limit', '2', '--after', 'hr'])).stdout.trim()).toBe("No secrets after 'hr'.");
    // Without --limit, every secret, as before.
    expect(JSON.parse((await tessera(dir, ['secrets', 'list', '--json'])).stdout).map((x: { name: string }) => x.name)).toEqual(['crm', 'erp', 'hr']);
    const tooLong = await tessera(dir, ['secrets', 'list', '--limit', '2', '--after', 'x'.repeat(5_000)]);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr.trim().split('\n').at(-1)).toMatch(/after must be at most \d+ characters/);
  });
});

describe('secrets update', () => {
  it('asks for the stored credentials again when the token URL moves, and never sends the old password there', async () => {
    const dir = dataDir();
    const tokenServer = await fakeTokenServer();
    const elsewhere = await fakeTokenServer();
    const { password } = await createSecret(dir, tokenServer);

    // A plain change needs no credential.
    const renamed = await tessera(dir, ['secrets', 'update', 'crm', '--username', 'svc-2', '--description', 'CRM hook']);
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toMatch(/^Updated secret 'crm' \(sec_[0-9a-f]+\), revision 2; its cached token is dropped\./);

    // Moving the token URL with nothing on stdin: refused, nothing saved.
    const refused = await tessera(dir, ['secrets', 'update', 'crm', '--url', elsewhere.tokenUrl]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('url changes: give Password again (a stored credential is never sent to a new destination).');
    expect(JSON.parse((await tessera(dir, ['secrets', 'show', 'crm', '--json'])).stdout)).toMatchObject({ revision: 2, params: { url: tokenServer.tokenUrl } });

    // With the password on stdin it is saved, and the new endpoint only ever sees the new password.
    const retyped = randomCredential('pw');
    const moved = await tessera(dir, ['secrets', 'update', 'crm', '--url', elsewhere.tokenUrl], retyped + '\n');
    expect(moved.code).toBe(0);
    expect((await tessera(dir, ['secrets', 'test', 'crm'])).code).toBe(0);
    expect(elsewhere.requests.map((r) => JSON.parse(r.body).password)).toEqual([retyped]);
    expect([refused, moved].map((r) => r.stdout + r.stderr).join('\n')).not.toContain(retyped);
    expect(elsewhere.requests.some((r) => r.body.includes(password))).toBe(false);
    // Sensitive values are still never taken on the command line.
    expect((await tessera(dir, ['secrets', 'update', 'crm', '--password', 'x'])).stderr).toMatch(/--password is sensitive and is not taken on the command line/);
  });
});

describe('webhooks, deliveries and serve', () => {
  it('creates a webhook, sends a test event through a running server, lists, shows and retries deliveries', async () => {
    const dir = dataDir();
    const tokenServer = await fakeTokenServer();
    const receiver = await new FakeHttpServer(() => ({ status: 200 })).listen();
    onTestFinished(() => receiver.close());
    await createSecret(dir, tokenServer);
    const created = await tessera(dir, ['webhooks', 'create', '--url', receiver.url('/hook'), '--secret', 'crm', '--name', 'orders', '--events', 'order.*']);
    expect(created.code).toBe(0);
    const signingSecret = /Signing secret \(shown only now; give it to the receiver\): (whsec_\S+)/.exec(created.stdout)?.[1];
    expect(signingSecret).toBeDefined();
    const listed = await tessera(dir, ['webhooks', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'orders', events: ['order.*'], enabled: true })]);
    expect(listed.stdout).not.toContain(signingSecret!.slice(6));

    const server = await serve(dir);
    expect(server.output()).toContain(`admin token: generated into ${join(dir, 'admin-token')}`);
    expect(server.output()).toContain(`(OpenAPI, with the admin token: ${server.url}api/openapi.json)`);
    expect((await tessera(dir, ['webhooks', 'list'])).stdout).toMatch(/\borders\s+\S+\s+order\.\*\s+enabled\s+crm\s+ep_/);
    expect(statSync(join(dir, 'admin-token')).mode & 0o777).toBe(0o600);
    const sent = await tessera(dir, ['webhooks', 'send-test', 'orders', '--wait', '15']);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^Test delivery msg_\S+ to 'orders' succeeded: HTTP 200 in \d+ ms\.$/m);
    expect(receiver.requests[0]!.headers.authorization).toBe(`Bearer ${tokenServer.issued[0]}`);

    // An answer that would drive the operator's terminal: set its title, then a C1 CSI.
    receiver.respond(() => ({ status: 500, body: 'broken \u001b]0;pwned\u0007 \u009b31m red' }));
    await tessera(dir, ['webhooks', 'send-test', 'orders']);
    const retrying = await eventually(async () => {
      const list = JSON.parse((await tessera(dir, ['deliveries', 'list', '--json'])).stdout) as Array<{ id: string; status: string; attempts: number }>;
      return list.find((d) => d.attempts > 0 && d.status === 'pending');
    });
    const shown = await tessera(dir, ['deliveries', 'show', retrying.id]);
    expect(shown.stdout).toContain('HTTP 500');
    const asJson = await tessera(dir, ['deliveries', 'show', retrying.id, '--json']);
    expect(asJson.stdout).not.toMatch(/(?!\n)\p{Cc}/u);
    expect(JSON.stringify(JSON.parse(asJson.stdout))).toContain('broken \\u001b]0;pwned\\u0007 \u009b31m red');
    // A delivery waiting for its next attempt is sent now by hand, with the same webhook-id.
    const attemptsBefore = receiver.requests.length;
    const early = await tessera(dir, ['deliveries', 'retry', retrying.id]);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout).toBe(`Delivery ${retrying.id} is due now, with the same webhook-id; the running server sends it.\n`);
    await waitFor(() => receiver.requests.length > attemptsBefore, 30_000);
    expect(receiver.requests.at(-1)!.headers['webhook-id']).toBe(retrying.id);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dir, 'server.pid'))).toBe(false);
  });

  it('drains a delivery in flight on SIGTERM before exiting', async () => {
    const dir = dataDir();
    const tokenServer = await fakeTokenServer();
    const receiver = await new FakeHttpServer(() => ({ status: 200, delayMs: 1_500 })).listen();
    onTestFinished(() => receiver.close());
    await createSecret(dir, tokenServer);
    await tessera(dir, ['webhooks', 'create', '--url', receiver.url('/slow'), '--secret', 'crm', '--name', 'slow']);
    const server = await serve(dir);
    await tessera(dir, ['webhooks', 'send-test', 'slow']);
    await waitFor(() => receiver.requests.length === 1, 15_000);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('SIGTERM received: finishing deliveries in flight');
    const [delivery] = JSON.parse((await tessera(dir, ['deliveries', 'list', '--json'])).stdout) as Array<{ status: string }>;
    expect(delivery!.status).toBe('succeeded');
  });
});

describe('one server per data directory', () => {
  it('refuses a second server on the same data, exits at once when the port is taken, and refuses an empty admin token file', async () => {
    const dir = dataDir();
    const first = await serve(dir);
    const second = await tessera(dir, ['serve', '--port', '0']);
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n').at(-1)).toMatch(/^tessera: A Tessera server \(pid \d+\) already runs on .*; one data directory serves one server\.$/);
    // Another data directory, the same port: the start fails and the process ends instead of hanging.
    const port = new URL(first.url).port;
    const other = dataDir();
    const taken = await tessera(other, ['serve', '--port', port]);
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim().split('\n').at(-1)).toBe(`tessera: Port ${port} on 127.0.0.1 is in use by another program: stop that program, or start Tessera on another port with --port <port> (or TESSERA_PORT).`);
    expect(existsSync(join(other, 'server.pid'))).toBe(false);
    first.child.kill('SIGTERM');
    await first.exited;

    const empty = dataDir();
    writeFileSync(join(empty, 'admin-token'), '\n');
    const refused = await tessera(empty, ['serve', '--port', '0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(/^tessera: The admin token file .* holds no usable token/);
  });
});

describe('keys rotate', () => {
  it('re-encrypts every secret and signing secret under a new key with a progress bar, and drops the old key', async () => {
    const dir = dataDir();
    const tokenServer = await fakeTokenServer();
    const { password } = await createSecret(dir, tokenServer);
    await createSecret(dir, tokenServer, 'erp');
    await tessera(dir, ['webhooks', 'create', '--url', 'http://127.0.0.1:9/hook', '--secret', 'crm']);
    const before = readFileSync(join(dir, 'master.key'), 'utf8');

    // Refused while a server runs on the same data.
    const server = await serve(dir);
    const refused = await tessera(dir, ['keys', 'rotate']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^tessera: A Tessera server \(pid \d+\) is running on .*; stop it first/);
    server.child.kill('SIGTERM');
    await server.exited;

    const rotated = await tessera(dir, ['keys', 'rotate']);
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toContain('[████████████████████████] 100% 2/2 secrets');
    expect(rotated.stdout).toMatch(/^Re-encrypted 2 of 2 secrets and the signing secrets and header values of 1 webhooks under key k[0-9a-f]+\./);
    const after = readFileSync(join(dir, 'master.key'), 'utf8');
    expect(after).not.toBe(before);
    expect(existsSync(join(dir, 'master.key.previous'))).toBe(false);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);

    // Everything still decrypts with the new key alone: the secret's token request carries the password.
    const tested = await tessera(dir, ['secrets', 'test', 'crm']);
    expect(tested.code).toBe(0);
    expect(tokenServer.requests.at(-1)!.body).toContain(password);
    expect(JSON.parse((await tessera(dir, ['webhooks', 'list', '--json'])).stdout)[0].signing.enabled).toBe(true);
    // And the old key opens nothing any more: with it alone, reading the secret fails.
    const withOld = await tessera(dir, ['secrets', 'test', 'crm'], undefined, { TESSERA_MASTER_KEY: before.trim() });
    expect(withOld.code).toBe(1);
  });

  it('finishes a rotation interrupted after either key file step', async () => {
    const dir = dataDir();
    const tokenServer = await fakeTokenServer();
    const { password } = await createSecret(dir, tokenServer);
    const original = readFileSync(join(dir, 'master.key'), 'utf8');
    // Interrupted after step 1: the old key kept aside, no new key yet.
    writeFileSync(join(dir, 'master.key.previous'), original);
    const resumed = await tessera(dir, ['keys', 'rotate']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('An interrupted rotation was found');
    expect(resumed.stdout).toMatch(/^Re-encrypted 1 of 1 secrets/);
    expect(readFileSync(join(dir, 'master.key'), 'utf8')).not.toBe(original);

    // Interrupted after step 2: a new key in place, the values still under the old one.
    const second = readFileSync(join(dir, 'master.key'), 'utf8');
    writeFileSync(join(dir, 'master.key.previous'), second);
    writeFileSync(join(dir, 'master.key'), generateMasterKey() + '\n');
    // The server reads both while the rotation is unfinished...
    expect((await tessera(dir, ['secrets', 'test', 'crm'])).code).toBe(0);
    // ...and a rerun finishes it.
    const finished = await tessera(dir, ['keys', 'rotate']);
    expect(finished.stdout).toMatch(/^Re-encrypted 1 of 1 secrets/);
    expect(existsSync(join(dir, 'master.key.previous'))).toBe(false);
    expect((await tessera(dir, ['secrets', 'test', 'crm'])).code).toBe(0);
    expect(tokenServer.requests.at(-1)!.body).toContain(password);
  });

  it('keeps the server from starting while a rotation holds the data directory', async () => {
    const dir = dataDir();
    // A live process (this test runner) holds the rotation lock.
    writeFileSync(join(dir, 'rotation.lock'), `${process.pid}\n`);
    const refused = await tessera(dir, ['serve', '--port', '0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(/^tessera: A key rotation \(pid \d+\) is running on .*; start the server when it has finished\.$/);
    expect(existsSync(join(dir, 'server.pid'))).toBe(false);
  });
});
