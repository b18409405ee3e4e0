/**
 * A webhook's whole life from the CLI, as real processes beside a real `tessera serve` (issue 14 point 1):
 * update (headers kept or changed by name, events, timeout, retry schedule, name), disable and enable,
 * rotate the signing secret with a chosen grace period, recover failed deliveries since a time, delete
 * with its deliveries' fate said; each command's own `--help`; webhooks named, not numbered, in lists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import type { EndpointView } from '@tessera/webhooks';
import { runTessera, type CliRun } from '../support/cli-process.js';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { rememberSecret } from '../support/leak-audit.js';
import { startServeProcess } from '../support/serve-process.js';
import { randomCredential } from '../support/start-test-tessera.js';
import { waitFor } from '../support/wait-for.js';

/** What `--json` prints of a webhook: its view. */
type EndpointJson = EndpointView;

describe('a webhook from the CLI', () => {
  it('is updated, disabled, enabled, rotated, recovered and deleted, each command with its own help', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-webhook-cli-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const adminToken = rememberSecret('tsa_lifecycle_' + generateMasterKey().replace(/[^A-Za-z0-9]/g, ''));
    const env = { TESSERA_DATA_DIR: dir, TESSERA_ALLOW_PRIVATE: 'true', TESSERA_ADMIN_TOKEN: adminToken, TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()) };
    const tessera = (args: string[], input?: string): Promise<CliRun> => runTessera(args, env, input === undefined ? {} : { input });
    const json = async <T>(args: string[]): Promise<T> => {
      const run = await tessera([...args, '--json']);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      return JSON.parse(run.stdout) as T;
    };
    const tokenServer = await FakeTokenServer.start();
    onTestFinished(() => tokenServer.close());
    const receiver = await new FakeHttpServer(() => ({ status: 200 })).listen();
    onTestFinished(() => receiver.close());
    const password = randomCredential('pw');
    expect((await tessera(['secrets', 'create', '--kind', 'general', '--name', 'crm', '--url', tokenServer.tokenUrl, '--username', 'svc'], `${password}\n`)).code).toBe(0);
    const envValue = rememberSecret(randomCredential('env-key'));
    const made = await tessera(['webhooks', 'create', '--url', receiver.url('/hook'), '--secret', 'crm', '--name', 'orders', '--header', `X-Env=${envValue}`]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).not.toContain(envValue);

    // Each command answers --help with its own usage, and touches nothing.
    const help = await tessera(['webhooks', 'delete', '--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: tessera webhooks delete <id\|name>/) });
    expect(help.stdout.trim().split('\n')).toHaveLength(1);
    expect((await tessera(['webhooks', 'update', 'orders'])).stderr).toMatch(/^tessera: Say what to change\. Usage: tessera webhooks update/);

    // Update: one header added by name (the other keeps its value), events, timeout, retry schedule, name.
    const updated = await json<EndpointJson>(['webhooks', 'update', 'orders', '--header', 'X-Team=billing', '--events', 'order.*,test.*,tessera.test', '--timeout', '5s', '--retry-schedule', '10s,1m,1h', '--name', 'orders-v2']);
    expect(updated).toMatchObject({ name: 'orders-v2', events: ['order.*', 'test.*', 'tessera.test'], timeoutMs: 5_000, retrySchedule: [10, 60, 3600], headers: { 'X-Env': '••••', 'X-Team': '••••' } });
    expect((await tessera(['webhooks', 'update', 'orders-v2', '--retry-schedule', '1.5s'])).stderr).toMatch(/--retry-schedule takes whole seconds/);
    expect((await tessera(['webhooks', 'update', 'orders-v2', '--remove-header', 'X-Nope'])).stderr).toContain("has no header 'X-Nope' to remove (it has: X-Env, X-Team)");

    const server = await startServeProcess(env, adminToken);
    const sent = await tessera(['webhooks', 'send-test', 'orders-v2', '--wait', '30']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(receiver.requests[0]!.headers).toMatchObject({ 'x-env': envValue, 'x-team': 'billing' });

    // Disabled: nothing is queued for it, and a test says why; enabled: deliveries go again.
    const disabled = await json<EndpointJson>(['webhooks', 'disable', 'orders-v2', '--reason', 'receiver migrating']);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'receiver migrating' });
    expect((await tessera(['webhooks', 'list'])).stdout).toMatch(/orders-v2 .* disabled \(receiver migrating\)/);
    expect((await server.api<{ deliveryIds: string[] }>('POST', '/api/events', { type: 'order.created', data: { id: 1 } })).body).toEqual({ deliveryIds: [] });
    expect((await tessera(['webhooks', 'send-test', 'orders-v2'])).stderr).toContain("webhook endpoint 'orders-v2' is disabled; enable it first");
    expect((await tessera(['webhooks', 'enable', 'orders-v2'])).stdout).toBe("Enabled webhook 'orders-v2'; the running server sends what waited.\n");
    const { deliveryIds } = (await server.api<{ deliveryIds: string[] }>('POST', '/api/events', { type: 'order.created', data: { id: 2 } })).body;
    expect(deliveryIds).toHaveLength(1);
    const waitingId = deliveryIds[0]!;
    await waitFor(async () => (await json<{ status: string }>(['deliveries', 'show', waitingId])).status === 'succeeded', 60_000);
    // Lists name the webhook.
    expect((await tessera(['deliveries', 'list'])).stdout).toMatch(new RegExp(`${waitingId}\\s+succeeded\\s+1\\s+HTTP 200\\s+order\\.created\\s+orders-v2\\s`));
    expect((await tessera(['deliveries', 'show', waitingId])).stdout).toMatch(/webhook 'orders-v2' \(ep_/);

    // Rotated with no grace: only the new secret signs.
    const rotated = await tessera(['webhooks', 'rotate-secret', 'orders-v2', '--grace', '0s']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const signingSecret = /\(shown only now; give it to the receiver\): (whsec_\S+)/.exec(rotated.stdout)![1]!;
    // (Not given to the leak audit: this answer shows it, once, on purpose.)
    expect(rotated.stdout).toContain('The old secrets no longer sign anything.');
    const before = receiver.requests.length;
    expect((await tessera(['webhooks', 'send-test', 'orders-v2', '--wait', '30'])).code).toBe(0);
    const signed = receiver.requests[before]!;
    const headers = { 'webhook-id': String(signed.headers['webhook-id']), 'webhook-timestamp': String(signed.headers['webhook-timestamp']), 'webhook-signature': String(signed.headers['webhook-signature']) };
    expect(() => new Webhook(signingSecret).verify(signed.body, headers)).not.toThrow();
    expect(headers['webhook-signature'].split(' ')).toHaveLength(1);

    // Recovered after an outage: the failed deliveries since then go again, with their webhook-ids.
    receiver.respond(() => ({ status: 503 }));
    await json<EndpointJson>(['webhooks', 'update', 'orders-v2', '--retry-schedule', 'none']);
    const failedRun = await tessera(['webhooks', 'send-test', 'orders-v2', '--wait', '30']);
    expect(failedRun.code).toBe(1);
    expect(failedRun.stderr).not.toContain('.;');
    const failedId = /Test delivery (msg_\S+)/.exec(failedRun.stderr)![1]!;
    await waitFor(async () => (await json<{ status: string }>(['deliveries', 'show', failedId])).status === 'failed', 60_000);
    receiver.respond(() => ({ status: 200 }));
    expect((await tessera(['webhooks', 'recover', 'orders-v2', '--since', 'yesterday'])).stderr).toMatch(/^tessera: --since takes an ISO time/);
    expect(await json<{ recovered: number }>(['webhooks', 'recover', 'orders-v2', '--since', '1h'])).toEqual({ recovered: 1 });
    await waitFor(async () => (await json<{ status: string }>(['deliveries', 'show', failedId])).status === 'succeeded', 60_000);
    expect(receiver.requests.filter((request) => request.headers['webhook-id'] === failedId)).toHaveLength(2);
    expect((await tessera(['webhooks', 'recover', 'orders-v2', '--since', '1h'])).stdout).toMatch(/^No failed deliveries to 'orders-v2' since /);

    // Deleted: its fate said, the log kept.
    const gone = await tessera(['webhooks', 'delete', 'orders-v2']);
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.stdout).toMatch(/^Deleted webhook 'orders-v2' \(ep_\S+\): (it had no waiting deliveries|\d+ waiting deliver(y|ies) failed as endpoint-deleted); the deliveries made stay in the log/);
    expect(await json<unknown[]>(['webhooks', 'list'])).toEqual([]);
    expect((await tessera(['deliveries', 'show', waitingId])).stdout).toMatch(/webhook ep_\S+ \(deleted\)/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
