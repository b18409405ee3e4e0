// @ts-check
// The secrets view: every secret with its kind, origin and last test; test, edit or delete each one.
import { api, seg } from '../lib/api.js';
import { badge, busy, h, listCard, reportFailure, when } from '../lib/dom.js';
import { focusControlWhenShown } from '../lib/focus-control.js';
import { kindLabel } from '../lib/kinds.js';
import { say } from '../lib/messages.js';
import { current, setView, viewGeneration } from '../lib/router.js';
import { renderReport } from './test-report.js';

/** @typedef {import('../api-bodies').Secret} Secret */
/** @typedef {import('../api-bodies').TestReport} TestReport */

export async function showSecrets() {
  const gen = viewGeneration();
  const secrets = /** @type {Secret[]} */ (await api('GET', '/api/secrets'));
  if (!current(gen)) return;
  const rows = secrets.map((secret) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, secret.name),
      h('td', {}, secret.kindKnown === false ? [kindLabel(secret.kind), ' ', badge('kind not loaded', 'warn')] : kindLabel(secret.kind)),
      h('td', {}, secret.origin),
      h('td', {}, when(secret.updatedAt)),
      h(
        'td',
        {},
        secret.lastTest
          ? [badge(secret.lastTest.ok ? 'ok' : 'failed', secret.lastTest.ok ? 'ok' : 'bad'), ' ', h('span', { class: 'help' }, secret.lastTest.summary)]
          : badge('not tested', 'muted'),
      ),
      h(
        'td',
        { class: 'actions' },
        h('button', { type: 'button', 'aria-label': `Test ${secret.name}`, onclick: (event) => testSaved(event.currentTarget, secret) }, 'Test'),
        ' ',
        h('button', { type: 'button', 'aria-label': `Edit ${secret.name}`, onclick: () => (location.hash = `#/secrets/${secret.id}`) }, 'Edit'),
        ' ',
        h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${secret.name}`, onclick: (event) => deleteSecret(event.currentTarget, secret) }, 'Delete'),
      ),
    ),
  );
  setView(
    'Secrets',
    h(
      'div',
      { class: 'bar' },
      h('p', { class: 'help' }, 'Credentials that Tessera exchanges for bearer tokens.'),
      h('button', { type: 'button', class: 'primary', onclick: () => (location.hash = '#/secrets/new') }, 'New secret'),
    ),
    h('div', { id: 'secret-report', 'aria-live': 'polite' }),
    listCard(rows, 'secret', 'No secrets yet. Create one with “New secret”.', ['Name', 'Kind', 'Origin', 'Last update', 'Last test', 'Actions']),
  );
}

async function testSaved(/** @type {HTMLButtonElement} */ button, /** @type {Secret} */ secret) {
  const report = /** @type {TestReport | undefined} */ (await busy(button, 'Testing…', () => api('POST', `/api/secrets/${seg(secret.id)}/test`)));
  if (!report) return;
  reportFailure(
    showSecrets().then(() => {
      const region = document.getElementById('secret-report');
      // Its “Go to” buttons open the secret's form, then focus the control there.
      const goTo = (/** @type {string} */ controlId) => {
        focusControlWhenShown(controlId);
        location.hash = `#/secrets/${secret.id}`;
      };
      region?.replaceChildren(renderReport(report, `Test of “${secret.name}”`, { kind: secret.kind, goTo }));
      region?.querySelector('h2')?.focus();
    }),
  );
}

async function deleteSecret(/** @type {HTMLButtonElement} */ button, /** @type {Secret} */ secret) {
  if (!confirm(`Delete secret “${secret.name}”? Webhooks that use it must be deleted first.`)) return;
  const done = await busy(button, 'Deleting…', async () => {
    await api('DELETE', `/api/secrets/${seg(secret.id)}`);
    return true;
  });
  if (done) {
    say(`Deleted secret “${secret.name}”.`);
    reportFailure(showSecrets());
  }
}
