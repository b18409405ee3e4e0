/**
 * The web console in Debian's Chromium (playwright-core): the operator story from sign-in to a
 * succeeded delivery, a manual retry, keyboard use and labels, the layout at 1280 and 390 px, and a
 * secret whose kind the server does not load.
 * Screenshots go to test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { consolePage, launchChromium, signInToConsole } from '../support/chromium.js';
import { ContainerModule } from 'inversify';
import { CORE, field, generateMasterKey, type SecretKind } from '@tessera/core';
import { resolveServerConfig, startServer, type RunningServer } from '@tessera/server';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { rememberSecret } from '../support/leak-audit.js';
import { captureTransport, randomCredential, startTestTessera } from '../support/start-test-tessera.js';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results');

let browser: Browser;
let server: RunningServer;
let tokenServer: FakeTokenServer;
let receiver: FakeHttpServer;
let dataDir: string;
let masterKey: string;
const adminToken = rememberSecret('tsa_console_' + generateMasterKey().replace(/[^A-Za-z0-9]/g, ''));

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-console-'));
  tokenServer = await FakeTokenServer.start();
  receiver = await new FakeHttpServer(() => ({ status: 200, body: 'ok' })).listen();
  masterKey = generateMasterKey();
  const config = resolveServerConfig({ dataDir, port: 0, allowPrivate: true }, { TESSERA_ADMIN_TOKEN: adminToken, TESSERA_MASTER_KEY: masterKey });
  server = await startServer(config, { handleSignals: false, print: () => undefined, logTransports: [captureTransport(() => undefined)] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop(2_000);
  await tokenServer?.close();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function signIn(page: Page): Promise<void> {
  return signInToConsole(page, server.url, adminToken);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
}

/** A screenshot of what the viewport shows (for the README: not an enormous full page). */
async function viewportShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`) });
}

/** The visible elements that reach past the viewport's right edge (each as tag#id.class “text”): clipped at this width. */
function pastRightEdge(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        // (checkVisibility: not hidden, and not inside a closed <details>.)
        return box.width > 0 && box.height > 0 && element.checkVisibility({ visibilityProperty: true }) && box.right > window.innerWidth + 0.5;
      })
      .map((element) => `${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}${element.className ? '.' + String(element.className).replace(/ /g, '.') : ''} “${(element.textContent ?? '').slice(0, 30)}”`),
  );
}

describe('web console', () => {
  it('does the operator story: secret, test, webhook, test event, delivery succeeded', async () => {
    const { page, problems } = await consolePage(browser);
    // A request cut short by a reload is not a problem; any other failure is.
    page.on('requestfailed', (request) => {
      if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) problems.push(`left the server: ${request.url()}`);
    });

    await page.goto(server.url);
    await shot(page, '01-sign-in');
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('That admin token is not valid.');
    await signIn(page);

    // The form follows the chosen kind's field declarations.
    await page.getByRole('button', { name: 'New secret' }).click();
    const type = page.getByLabel('Type', { exact: true });
    expect(await type.locator('option').allTextContents()).toEqual(expect.arrayContaining(['General – username and password', 'Microsoft Graph REST API v1.0']));
    await type.selectOption({ label: 'Microsoft Graph REST API v1.0' });
    await expect.poll(() => page.getByLabel('Client secret').getAttribute('type')).toBe('password');
    const graphScopeHelp = await page.locator('#field-scope-help').textContent();
    await type.selectOption({ label: 'General – username and password' });
    expect(await page.getByLabel('Client secret').count()).toBe(0);
    const generalScopeHelp = await page.locator('#field-scope-help').textContent();
    expect(generalScopeHelp).toContain("('read,write',)");
    expect(graphScopeHelp).not.toBe(generalScopeHelp);

    const password = randomCredential('pw');
    await page.getByLabel('Name', { exact: true }).fill('crm-hook');
    await page.getByLabel('Token URL').fill(tokenServer.tokenUrl);
    await page.getByLabel('Username').fill('svc-user');
    await page.getByLabel('Password').fill(password);
    expect(await page.getByLabel('Password').getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Test draft' }).click();
    const report = page.getByTestId('test-report');
    await expect.poll(() => report.textContent()).toContain('Token issued');
    expect(await report.textContent()).toContain('HTTP 200');
    await shot(page, '02-secret-form-tested');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await expect.poll(() => page.getByRole('row', { name: /crm-hook/ }).count()).toBe(1);

    await page.getByRole('button', { name: 'Test crm-hook' }).click();
    await expect.poll(() => page.getByRole('row', { name: /crm-hook/ }).textContent()).toContain('token issued (HTTP 200)');
    await shot(page, '03-secrets');

    // Editing keeps a sensitive value that was left empty: the next token request still carries it.
    await page.getByRole('button', { name: 'Edit crm-hook' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Edit secret “crm-hook”');
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(await page.getByLabel('Password').getAttribute('placeholder')).toBe('unchanged');
    await page.getByLabel('Username').fill('svc-user-2');
    // Moving the token URL asks for the password again: the stored one is never sent to the new URL.
    tokenServer.respond((request) => (request.path === '/nowhere' ? { status: 401, body: '{"error":"invalid_client"}' } : tokenServer.tokenResponse()));
    await page.getByLabel('Token URL').fill(tokenServer.url('/nowhere'));
    await expect.poll(() => page.locator('#credentials-again').textContent()).toContain('Token URL changed: type Password again');
    expect(await page.getByLabel('Password').getAttribute('placeholder')).toBe('type it again');
    const sentBefore = tokenServer.count;
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => page.locator('#field-password').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('form [role="alert"]').textContent()).toContain('would send the stored params.password to a new destination');
    await shot(page, '03b-credentials-again');
    expect(tokenServer.count).toBe(sentBefore);
    // Test in edit mode tries the form's settings (the new token URL, the password typed again), not the saved ones.
    const retyped = randomCredential('pw');
    await page.getByLabel('Password').fill(retyped);
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => page.getByTestId('test-report').textContent()).toContain('HTTP 401');
    expect(await page.getByTestId('test-report').textContent()).toContain('Test of these settings');
    expect(tokenServer.requests.at(-1)!.path).toBe('/nowhere');
    expect(JSON.parse(tokenServer.requests.at(-1)!.body)).toMatchObject({ password: retyped });
    expect(tokenServer.requests.filter((r) => r.path === '/nowhere').some((r) => r.body.includes(password))).toBe(false);
    // Back at the saved URL, the stored password may be kept again.
    await page.getByLabel('Token URL').fill(tokenServer.tokenUrl);
    await page.getByLabel('Password').fill('');
    await expect.poll(() => page.locator('#credentials-again').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Secrets');
    await page.getByRole('button', { name: 'Test crm-hook' }).click();
    await expect.poll(() => page.getByTestId('test-report').textContent()).toContain('Token issued');
    const lastBody = JSON.parse(tokenServer.requests.at(-1)!.body) as Record<string, string>;
    expect(lastBody).toMatchObject({ username: 'svc-user-2', password });

    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('Endpoint URL').fill(receiver.url('/hook'));
    await page.getByLabel('Secret (its token authorises each request)').selectOption({ label: 'crm-hook (General – username and password)' });
    await page.getByLabel('Name (optional)').fill('orders');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const signingSecret = page.getByTestId('signing-secret');
    await expect.poll(() => signingSecret.textContent()).toMatch(/^whsec_/);
    rememberSecret((await signingSecret.textContent())!);
    expect(await page.getByRole('region', { name: 'Signing secret' }).getByRole('button', { name: 'Copy' }).count()).toBe(1);
    await shot(page, '04-webhook-created');
    // Shown once: a fresh view of the page does not have it.
    await page.reload();
    await expect.poll(() => page.getByRole('row', { name: /orders/ }).count()).toBe(1);
    expect(await page.getByTestId('signing-secret').count()).toBe(0);

    await page.getByRole('button', { name: 'Send test event to orders' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Deliveries');
    // The table refreshes by itself until the delivery has succeeded.
    await expect.poll(() => page.getByTestId('delivery-status').first().textContent(), { timeout: 15_000 }).toBe('succeeded');
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers.authorization).toBe(`Bearer ${tokenServer.issued.at(-1)}`);
    // The footer's storage line (figures measured at most every 30 s, so the count may predate this delivery).
    await expect.poll(() => page.getByRole('contentinfo', { name: 'Storage' }).textContent()).toMatch(/^Database \d+(\.\d)? (B|KB|MB) · (\d+(\.\d)? (B|KB|MB) free · )?\d+ deliver(y|ies) kept · (oldest \d+ (s|min|h|d) old|none yet)$/);
    await shot(page, '05-delivery-succeeded');

    // The webhook's page pictures its last 24 hours: the delivery by outcome, and the latency of the answered attempt.
    await page.goto(`${server.url}#/webhooks`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');
    await page.getByRole('button', { name: 'Edit orders', exact: true }).click();
    const activity = page.getByTestId('webhook-activity');
    const outcomes = activity.getByRole('img', { name: /^Last 24 hours: 1 succeeded, 0 failed/ });
    await expect.poll(() => outcomes.count()).toBe(1);
    expect(await outcomes.locator('rect.chart-bar.series-succeeded').count()).toBe(1);
    expect(await activity.getByRole('img', { name: /^Latency of answered attempts, last 24 hours: p50 \d+ ms/ }).count()).toBe(1);
    expect(await activity.getByRole('listitem').allTextContents()).toEqual(expect.arrayContaining([' succeeded 1']));
    await activity.scrollIntoViewIfNeeded();
    await viewportShot(page, '13-webhook-activity');
    await page.setViewportSize({ width: 390, height: 844 });
    await activity.scrollIntoViewIfNeeded();
    expect(await pastRightEdge(page)).toEqual([]);
    await viewportShot(page, '14-webhook-activity-390');
    await page.setViewportSize({ width: 1280, height: 860 });

    // The secret's page counts the tokens this server process requested for it (one, for the delivery).
    await page.goto(`${server.url}#/secrets`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Secrets');
    await page.getByRole('button', { name: 'Edit crm-hook' }).click();
    const tokens = page.getByTestId('token-activity');
    const tokenChart = tokens.getByRole('img', { name: /^Last 24 hours: [1-9]\d* issued, \d+ refreshed, \d+ failed, \d+ cache hits$/ });
    await expect.poll(() => tokenChart.count()).toBe(1);
    expect(await tokenChart.locator('rect.chart-bar.series-issued').count()).toBeGreaterThan(0);
    expect(await tokens.getByRole('table').getByRole('row', { name: /issued/ }).count()).toBeGreaterThan(0);
    expect(await tokens.textContent()).toContain('this server process');
    await tokens.scrollIntoViewIfNeeded();
    await viewportShot(page, '15-token-activity');

    expect(await page.content()).not.toContain(password);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('retries a failed delivery from the deliveries table', async () => {
    receiver.respond(() => ({ status: 500 }));
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const secret = (await (
      await fetch(`${server.url}api/secrets`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'billing-secret', kind: 'general', params: { url: tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } }),
      })
    ).json()) as { id: string };
    await fetch(`${server.url}api/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: receiver.url('/flaky'), secretId: secret.id, events: ['invoice.*'], retrySchedule: [], name: 'billing' }) });
    await fetch(`${server.url}api/events`, { method: 'POST', headers, body: JSON.stringify({ type: 'invoice.paid', data: { amount: 12 } }) });

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page);
    await page.getByRole('link', { name: 'Deliveries' }).click();
    const row = page.getByRole('row', { name: /invoice\.paid billing/ });
    await expect.poll(() => row.getByTestId('delivery-status').textContent(), { timeout: 15_000 }).toBe('failed');
    await shot(page, '06-delivery-failed');
    receiver.respond(() => ({ status: 204 }));
    await row.getByRole('button', { name: /^Retry delivery/ }).click();
    await expect.poll(() => row.getByTestId('delivery-status').textContent(), { timeout: 15_000 }).toBe('succeeded');
    const ids = receiver.requests.filter((r) => r.path === '/flaky').map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    // Its page: the event as sent and both attempts, what the receiver answered each time.
    await row.getByRole('link', { name: /^Delivery msg_/ }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Delivery ${ids[0]}`);
    await expect.poll(() => page.getByRole('heading', { name: '2 attempts' }).count()).toBe(1);
    const attempts = page.getByRole('list', { name: 'Attempts' }).getByRole('listitem');
    expect(await attempts.count()).toBe(2);
    expect(await attempts.nth(0).textContent()).toContain('HTTP 500');
    expect(await attempts.nth(1).textContent()).toContain('HTTP 204');
    expect(JSON.parse((await page.getByTestId('delivery-payload').textContent())!)).toMatchObject({ type: 'invoice.paid', data: { amount: 12 } });
    await shot(page, '12-delivery-page');
    // The list filters by event type.
    await page.getByRole('link', { name: 'Deliveries of this webhook' }).click();
    await page.getByLabel('Event type').fill('invoice.void');
    await page.getByLabel('Event type').press('Enter');
    await expect.poll(() => page.getByRole('row', { name: /invoice\.paid billing/ }).count()).toBe(0);
    await page.close();
  });

  it('changes, disables, enables, rotates, recovers and deletes a webhook from its page', async () => {
    receiver.respond(() => ({ status: 200 }));
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const post = async <T>(path: string, body: unknown): Promise<T> => (await (await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as T;
    const secret = await post<{ id: string }>('api/secrets', { name: 'ledger-secret', kind: 'general', params: { url: tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } });
    const headerValue = rememberSecret(randomCredential('ledger-key'));
    const made = await post<{ endpoint: { id: string } }>('api/webhooks', { url: receiver.url('/ledger'), secretId: secret.id, events: ['ledger.*'], name: 'ledger', headers: { 'X-Ledger-Key': headerValue } });
    const id = made.endpoint.id;
    const view = async () =>
      (await (await fetch(`${server.url}api/webhooks/${id}`, { headers })).json()) as {
        name: string;
        events: string[];
        timeoutMs: number;
        retrySchedule: number[] | null;
        enabled: boolean;
        headers: Record<string, string>;
        retention: { succeededMs: number | null; failedMs: number | null };
      };

    const { page, problems } = await consolePage(browser);
    await signIn(page);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    // (Exact: the secrets page, still shown for a moment, has an "Edit ledger-secret" button.)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');
    await page.getByRole('button', { name: 'Edit ledger', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhook “ledger”');
    // The header value is masked on the page; kept when saved as shown, a header added beside it.
    expect(await page.getByLabel('Extra headers').inputValue()).toBe('X-Ledger-Key: ••••');
    expect(await page.content()).not.toContain(headerValue);
    await page.getByLabel('Events').fill('ledger.*, invoice.paid');
    await page.getByLabel('Timeout (seconds)').fill('7');
    await page.getByLabel('Retry schedule (seconds)').fill('5, 30');
    await page.getByLabel('Extra headers').fill('X-Ledger-Key: ••••\nX-Team: books');
    // Its own retention: succeeded deliveries kept 2 days, failed ones the server's period.
    expect(await page.getByLabel('Keep succeeded deliveries (days)').inputValue()).toBe('');
    await page.getByLabel('Keep succeeded deliveries (days)').fill('2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');
    expect(await view()).toMatchObject({
      events: ['ledger.*', 'invoice.paid'],
      timeoutMs: 7_000,
      retrySchedule: [5, 30],
      headers: { 'X-Ledger-Key': '••••', 'X-Team': '••••' },
      retention: { succeededMs: 2 * 86_400_000, failedMs: null },
    });
    await post('api/events', { type: 'ledger.closed', data: { day: 1 } });
    await expect.poll(() => receiver.requests.filter((r) => r.path === '/ledger').length, { timeout: 15_000 }).toBe(1);
    expect(receiver.requests.find((r) => r.path === '/ledger')!.headers).toMatchObject({ 'x-ledger-key': headerValue, 'x-team': 'books' });

    // Changed by someone else while the page is open: saving the form is refused, and undoes nothing.
    await page.getByRole('button', { name: 'Edit ledger', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhook “ledger”');
    await fetch(`${server.url}api/webhooks/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ events: ['ledger.*'] }) });
    await page.getByLabel('Timeout (seconds)').fill('9');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('changed since you read it');
    expect(await view()).toMatchObject({ events: ['ledger.*'], timeoutMs: 7_000 });
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');

    // Disabled and enabled again.
    await page.getByRole('button', { name: 'Edit ledger', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhook “ledger”');
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await expect.poll(async () => (await view()).enabled).toBe(false);
    await expect.poll(() => page.getByRole('button', { name: 'Enable', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await expect.poll(async () => (await view()).enabled).toBe(true);

    // Rotated with no grace: the new secret shown once, with a copy button.
    await page.getByLabel('Grace period for the old secret').selectOption({ label: 'none: the old secret stops now (after a leak)' });
    await page.getByRole('button', { name: 'Rotate signing secret' }).click();
    const rotated = page.getByTestId('signing-secret');
    await expect.poll(() => rotated.textContent()).toMatch(/^whsec_/);
    rememberSecret((await rotated.textContent())!);
    // Copy puts it on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    await page.getByRole('region', { name: 'Signing secret' }).getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Signing secret' }).getByRole('button', { name: 'Copied' }).count()).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await rotated.textContent());
    await shot(page, '11-webhook-page');

    // Recover: nothing failed, and it says so.
    await page.getByRole('button', { name: 'Retry failed deliveries' }).click();
    await expect.poll(() => page.locator('#toast').textContent()).toContain('No failed deliveries to “ledger” since');

    // Deleted, after saying so once more.
    await page.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByRole('button', { name: 'Yes, delete “ledger”' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');
    expect((await fetch(`${server.url}api/webhooks/${id}`, { headers })).status).toBe(404);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sets the advanced settings of a secret: lifetime, response field names, extra parameters', async () => {
    const { page, problems } = await consolePage(browser);
    await signIn(page);
    // An endpoint that names its token `at` and sends no lifetime.
    tokenServer.respond(() => ({ body: { at: tokenServer.newToken(), token_type: 'Bearer' } }));
    onTestFinished(() => tokenServer.respond(() => tokenServer.tokenResponse()));
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Name', { exact: true }).fill('legacy-erp');
    await page.getByLabel('Token URL').fill(tokenServer.tokenUrl);
    await page.getByLabel('Username').fill('svc');
    await page.getByLabel('Password').fill(randomCredential('pw'));
    await page.getByText('Advanced: wire format, lifetime, response fields, extra parameters').click();
    await page.getByLabel('Default token lifetime (seconds)').fill('900');
    await page.getByLabel('Response field for the access token').fill('at');
    await page.getByLabel('Extra body parameters').fill('audience=erp');
    await page.getByRole('button', { name: 'Test draft' }).click();
    await expect.poll(() => page.getByTestId('test-report').textContent()).toContain('Token issued');
    expect(JSON.parse(tokenServer.requests.at(-1)!.body)).toMatchObject({ username: 'svc', audience: 'erp' });
    await page.getByRole('button', { name: 'Save secret' }).click();
    await expect.poll(() => page.getByRole('row', { name: /legacy-erp/ }).count()).toBe(1);
    const headers = { authorization: `Bearer ${adminToken}` };
    const listed = (await (await fetch(`${server.url}api/secrets`, { headers })).json()) as Array<{ name: string; params: Record<string, unknown> }>;
    expect(listed.find((secret) => secret.name === 'legacy-erp')!.params).toMatchObject({ defaultLifetimeSeconds: 900, responseFields: { accessToken: 'at' }, extraParams: { audience: 'erp' } });
    // Shown again, open, as saved.
    await page.getByRole('button', { name: 'Edit legacy-erp', exact: true }).click();
    await expect.poll(() => page.getByLabel('Default token lifetime (seconds)').inputValue()).toBe('900');
    expect(await page.getByLabel('Extra body parameters').inputValue()).toBe('audience=erp');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("points a test report's hints at the control that fixes them, in the form and from the secrets list", async () => {
    const { page, problems } = await consolePage(browser);
    await signIn(page);
    const loginPage = await new FakeHttpServer(() => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><html><body>Sign in</body></html>' })).listen();
    onTestFinished(() => loginPage.close());
    const focused = () => page.evaluate(() => ({ id: document.activeElement?.id, highlighted: document.activeElement?.classList.contains('needs-fix') ?? false }));

    // A token URL that answers a web page: the report's button goes to the Token URL input.
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Name', { exact: true }).fill('hinted');
    await page.getByLabel('Token URL').fill(loginPage.url('/login'));
    await page.getByLabel('Username').fill('svc');
    await page.getByLabel('Password').fill(randomCredential('pw'));
    await page.getByRole('button', { name: 'Test draft' }).click();
    await expect.poll(() => page.getByTestId('test-report').textContent()).toContain('Failed');
    await page.getByRole('button', { name: 'Go to Token URL' }).click();
    expect(await focused()).toEqual({ id: 'field-url', highlighted: true });
    await shot(page, '16-go-to-token-url');
    // Edited, it is no longer highlighted.
    await page.getByLabel('Token URL').fill(tokenServer.tokenUrl);
    expect(await focused()).toEqual({ id: 'field-url', highlighted: false });

    // invalid_scope: the button opens the Advanced section and focuses the scope format there.
    tokenServer.respond(() => ({ status: 400, body: { error: 'invalid_scope', error_description: 'The scope is not known.' } }));
    onTestFinished(() => tokenServer.respond(() => tokenServer.tokenResponse()));
    expect(await page.locator('details').first().getAttribute('open')).toBeNull();
    await page.getByRole('button', { name: 'Test draft' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Go to Scope format' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Go to Scope format' }).click();
    expect(await focused()).toEqual({ id: 'field-scopeFormat', highlighted: true });
    expect(await page.locator('details').first().getAttribute('open')).toBe('');

    // A saved secret tested from the list: the button opens its form, then focuses the control.
    await page.getByRole('button', { name: 'Save secret' }).click();
    await expect.poll(() => page.getByRole('row', { name: /hinted/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Test hinted', exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Go to Scope format' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Go to Scope format' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Edit secret “hinted”');
    await expect.poll(focused).toEqual({ id: 'field-scopeFormat', highlighted: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('pages through many deliveries and filters them by time', async () => {
    receiver.respond(() => ({ status: 200 }));
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const post = async <T>(path: string, body: unknown): Promise<T> => (await (await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as T;
    const secret = await post<{ id: string }>('api/secrets', { name: 'pages-secret', kind: 'general', params: { url: tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } });
    const made = await post<{ endpoint: { id: string } }>('api/webhooks', { url: receiver.url('/pages'), secretId: secret.id, events: ['page.*'], name: 'pages' });
    for (let i = 0; i < 130; i++) await post('api/events', { type: 'page.turned', data: { i } });

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page);
    await page.goto(`${server.url}#/deliveries?webhook=${made.endpoint.id}`);
    const rows = page.getByRole('row', { name: /page\.turned pages/ });
    await expect.poll(() => rows.count()).toBe(100);
    await page.getByRole('link', { name: 'Older than these 100' }).click();
    await expect.poll(() => rows.count()).toBe(30);
    expect(await page.getByRole('link', { name: /^Older than/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Newest' }).click();
    await expect.poll(() => rows.count()).toBe(100);
    // Created since a time to come: none.
    await page.getByLabel('Created since').fill('2999-01-01T00:00');
    await page.getByLabel('Created since').dispatchEvent('change');
    await expect.poll(() => rows.count()).toBe(0);
    await page.close();
  });

  it('asks again for secret extra parameters too when the token URL moves', async () => {
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const apiKey = randomCredential('extra');
    const secret = (await (
      await fetch(`${server.url}api/secrets`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'extras-secret', kind: 'general', params: { url: tokenServer.tokenUrl, username: 'u', password: randomCredential('pw'), extraParams: { api_key: apiKey, resource: 'crm' } } }),
      })
    ).json()) as { id: string };
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page);
    await page.goto(`${server.url}#/secrets/${secret.id}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Edit secret “extras-secret”');
    expect(await page.getByLabel('Extra parameter api_key').count()).toBe(0);
    await page.getByLabel('Token URL').fill(tokenServer.url('/moved'));
    await expect.poll(() => page.locator('#credentials-again').textContent()).toContain('type Password, api_key again');
    const retypedPassword = randomCredential('pw');
    const retypedKey = randomCredential('extra');
    await page.getByLabel('Password').fill(retypedPassword);
    await page.getByLabel('Extra parameter api_key').fill(retypedKey);
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => page.getByTestId('test-report').textContent()).toContain('Token issued');
    const sent = JSON.parse(tokenServer.requests.at(-1)!.body) as Record<string, string>;
    expect(tokenServer.requests.at(-1)!.path).toBe('/moved');
    expect(sent).toMatchObject({ password: retypedPassword, api_key: retypedKey, resource: 'crm' });
    expect(tokenServer.requests.filter((r) => r.path === '/moved').some((r) => r.body.includes(apiKey))).toBe(false);
    await page.close();
  });

  it('is usable by keyboard, labels every control, and fits 390 px', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(server.url);
    // Signed out, the navigation is neither shown nor in the tab order.
    expect(await page.locator('#nav').isVisible()).toBe(false);
    // Keyboard only: the token field has focus, Enter submits.
    await page.keyboard.type(adminToken);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Secrets');
    await shot(page, '07-secrets-390');
    const views = { '#/secrets/new': 'New secret', '#/webhooks': 'Webhooks', '#/deliveries': 'Deliveries', '#/secrets': 'Secrets' };
    for (const [view, heading] of Object.entries(views)) {
      await page.goto(server.url + view);
      // The view has rendered (not the one before it, still on screen while this one loads).
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
      const unlabelled = await page.$$eval('input, select, textarea', (controls) =>
        controls.filter((c) => (c as HTMLInputElement).labels?.length === 0 && !c.getAttribute('aria-label')).map((c) => c.id || c.outerHTML),
      );
      expect(unlabelled, view).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, view).toBeLessThanOrEqual(0);
      expect(await pastRightEdge(page), view).toEqual([]);
    }
    // The pages of a webhook, a delivery and a saved secret (with its Advanced section open) fit too.
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const post = async <T>(path: string, body: unknown): Promise<T> => (await (await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as T;
    const secret = await post<{ id: string }>('api/secrets', { name: 'narrow-secret', kind: 'general', params: { url: tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } });
    const webhook = (await post<{ endpoint: { id: string } }>('api/webhooks', { url: receiver.url('/narrow'), secretId: secret.id, events: ['narrow.*'], name: 'narrow' })).endpoint;
    const [delivery] = (await post<{ deliveryIds: string[] }>('api/events', { type: 'narrow.checked', data: { width: 390 } })).deliveryIds;
    const pages = { [`#/webhooks/${webhook.id}`]: 'Webhook “narrow”', [`#/deliveries/${delivery}`]: `Delivery ${delivery}`, [`#/secrets/${secret.id}`]: 'Edit secret “narrow-secret”' };
    for (const [view, heading] of Object.entries(pages)) {
      await page.goto(server.url + view);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
      if (view.startsWith('#/secrets/')) await page.getByText('Advanced: wire format, lifetime, response fields, extra parameters').click();
      expect(await pastRightEdge(page), view).toEqual([]);
    }
    // A message with a long unbroken word (a delivery id, as after Retry now) wraps: its close button stays on screen.
    // (A string: vitest would rewrite an import() written as code.)
    await page.evaluate("import('/console/lib/messages.js').then((m) => m.say('Delivery msg_2q8f7d9s0a1b2c3d4e5f6g7h8i9j0k1l2m3n queued again with the same webhook-id.', { error: true }))");
    await expect.poll(() => page.getByRole('button', { name: 'Dismiss message' }).count()).toBe(1);
    expect(await pastRightEdge(page)).toEqual([]);
    await page.goto(server.url + '#/deliveries');
    await expect.poll(() => page.locator('caption').textContent()).toMatch(/deliver/);
    await shot(page, '08-deliveries-390');

    // An error message stays on screen, but the page makes room for it: scrolled to the end, the
    // form's last button is above the message, not under it.
    await page.goto(server.url + '#/secrets/new');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('New secret');
    await page.getByRole('button', { name: 'Save secret' }).click();
    const message = page.locator('#toast');
    await expect.poll(() => message.textContent()).toMatch(/\w/);
    // Neither the message's close button nor the form's Type select is clipped.
    expect(await pastRightEdge(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-10-secret-form-390.png') });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const saveBox = (await page.getByRole('button', { name: 'Save secret' }).boundingBox())!;
    const messageBox = (await message.boundingBox())!;
    expect(saveBox.y + saveBox.height).toBeLessThanOrEqual(messageBox.y);
    await page.getByRole('button', { name: 'Dismiss message' }).click();
    expect(await page.evaluate(() => document.body.style.paddingBottom)).toBe('');

    // From the page's content (focused after each navigation), Shift+Tab reaches the navigation and Enter follows it.
    await page.goto(server.url + '#/secrets');
    await page.waitForSelector('h1');
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Shift+Tab');
      reached = (await page.evaluate(() => document.activeElement?.textContent)) === 'Webhooks';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');
    await page.close();
  });

  it('lists a secret whose kind is not loaded with a badge, shows what is known of it instead of a form, and deletes it', async () => {
    // Product code with its own kind (as a plugin would contribute it) writes a secret into the server's database.
    const acme: SecretKind = {
      id: 'acme-client',
      label: 'Acme client credentials',
      fields: [
        { name: 'url', label: 'Token URL', type: 'url', required: true, sensitive: false },
        { name: 'clientSecret', label: 'Client secret', type: 'text', required: true, sensitive: true },
      ],
      defaults: { encoding: 'form', scopeFormat: 'plain' },
      lifetime: { requireExpiresIn: true },
      bodyParameters: (params) => ({ client_secret: field(params, 'clientSecret') }),
    };
    const product = await startTestTessera({ database: join(dataDir, 'tessera.db'), masterKey }, [new ContainerModule(({ bind }) => void bind(CORE.SecretKind).toConstantValue(acme))]);
    const clientSecret = randomCredential('acme');
    await product.secrets.create({ name: 'acme-prod', kind: 'acme-client', params: { url: tokenServer.tokenUrl, clientSecret } });
    await product.close();

    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 860 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await signIn(page);
      const row = page.getByRole('row', { name: /acme-prod/ });
      await expect.poll(() => row.textContent()).toContain('kind not loaded');
      await row.getByRole('button', { name: 'Edit acme-prod' }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Secret “acme-prod”');
      const notice = page.getByTestId('kind-not-loaded');
      expect(await notice.textContent()).toMatch(/acme-client.*TESSERA_PLUGINS/);
      expect(await notice.textContent()).toContain(tokenServer.tokenUrl);
      expect(await page.content()).not.toContain(clientSecret);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(page, `09-kind-not-loaded-${width}`);
      expect(problems).toEqual([]);
      if (width === 390) {
        await page.getByRole('button', { name: 'Back to secrets' }).click();
        page.once('dialog', (dialog) => void dialog.accept());
        await page.getByRole('row', { name: /acme-prod/ }).getByRole('button', { name: 'Delete acme-prod' }).click();
        await expect.poll(() => page.getByRole('row', { name: /acme-prod/ }).count()).toBe(0);
      }
      await page.close();
    }
  });
});
