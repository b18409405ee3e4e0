// @ts-check
// The webhooks view: every webhook endpoint, a test event or enable for each, and the form that creates one.
import { api, seg } from '../lib/api.js';
import { badge, busy, cardForm, h, listCard, reportFailure } from '../lib/dom.js';
import { kindLabel } from '../lib/kinds.js';
import { markIssues } from '../lib/mark-issues.js';
import { say, sayFailure } from '../lib/messages.js';
import { current, setView, viewGeneration } from '../lib/router.js';
import { oneTimeSecret } from './one-time-secret.js';

/** @typedef {import('../api-bodies').Webhook} Webhook */
/** @typedef {import('../api-bodies').Secret} Secret */
/** @typedef {import('../api-bodies').CreatedWebhook} CreatedWebhook */
/** @typedef {import('../api-bodies').SentTest} SentTest */

/** Where a field issue from the API points in the webhook form. */
const WEBHOOK_INPUTS = /** @type {Record<string, string>} */ ({ url: 'webhook-url', secretId: 'webhook-secret', events: 'webhook-events', name: 'webhook-name' });

/** The form that creates a webhook; once created, its signing secret is shown once above the list. */
function newWebhookForm(/** @type {Secret[]} */ secrets) {
  const url = h('input', { id: 'webhook-url', name: 'url', type: 'url', required: true, placeholder: 'https://', autocomplete: 'off' });
  // A connector's secret is for its API only: a webhook cannot use it.
  const usable = secrets.filter((s) => s.origin !== 'connector');
  const secret = h('select', { id: 'webhook-secret', name: 'secretId', required: true }, usable.map((s) => h('option', { value: s.id }, `${s.name} (${kindLabel(s.kind)})`)));
  const events = h('input', { id: 'webhook-events', name: 'events', value: '*', 'aria-describedby': 'webhook-events-help', autocomplete: 'off' });
  const name = h('input', { id: 'webhook-name', name: 'name', autocomplete: 'off' });
  const signing = h('input', { id: 'webhook-signing', name: 'signing', type: 'checkbox', checked: true });
  const errors = h('div', { role: 'alert', class: 'error' });
  const create = h('button', { type: 'submit', class: 'primary', disabled: usable.length === 0 }, 'Create webhook');
  const form = cardForm(
    errors,
    async () => {
      const body = {
        url: url.value.trim(),
        secretId: secret.value,
        events: events.value
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean),
        signing: signing.checked ? 'generate' : 'none',
        ...(name.value.trim() && { name: name.value.trim() }),
      };
      const created = /** @type {CreatedWebhook | undefined} */ (
        await busy(create, 'Creating…', async () => {
          try {
            return await api('POST', '/api/webhooks', body);
          } catch (error) {
            markIssues(form, errors, error, (field) => WEBHOOK_INPUTS[field.split('.')[0] ?? '']);
            throw error;
          }
        })
      );
      if (!created) return;
      try {
        await showWebhooks();
      } catch (error) {
        sayFailure(error);
      }
      const heading = h('h2', { tabindex: '-1' }, `Webhook “${created.endpoint.name}” created`);
      document.getElementById('signing-once')?.replaceChildren(
        created.signingSecret
          ? oneTimeSecret(heading, 'Its signing secret is shown only now. Give it to the receiver, which verifies the webhook-signature header with it:', created.signingSecret)
          : h('div', { class: 'card' }, heading, h('p', {}, 'Requests to it are not signed.')),
      );
      heading.focus();
    },
    h('h2', {}, 'New webhook'),
    usable.length === 0 ? h('p', {}, 'Create a secret first: every webhook request carries a bearer token from a secret (not one a connector maintains).') : null,
    h('div', { class: 'field' }, h('label', { for: 'webhook-url' }, 'Endpoint URL'), url),
    h('div', { class: 'field' }, h('label', { for: 'webhook-secret' }, 'Secret (its token authorises each request)'), secret),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'webhook-events' }, 'Events'),
      events,
      h('p', { id: 'webhook-events-help', class: 'help' }, 'Comma-separated: exact types (invoice.paid), * for all, or prefixes (invoice.*).'),
    ),
    h('div', { class: 'field' }, h('label', { for: 'webhook-name' }, 'Name (optional)'), name),
    h('div', { class: 'field row' }, signing, h('label', { for: 'webhook-signing' }, 'Sign requests (generate a whsec_ signing secret)')),
    errors,
    create,
  );
  return form;
}

export async function showWebhooks() {
  const gen = viewGeneration();
  const [webhooks, secrets] = /** @type {[Webhook[], Secret[]]} */ (await Promise.all([api('GET', '/api/webhooks'), api('GET', '/api/secrets')]));
  if (!current(gen)) return;
  const secretName = (/** @type {string} */ id) => secrets.find((s) => s.id === id)?.name ?? id;
  const rows = webhooks.map((webhook) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, webhook.name),
      h('td', { class: 'mono' }, webhook.url),
      h('td', {}, webhook.events.join(', ')),
      h('td', {}, webhook.enabled ? badge('enabled', 'ok') : [badge('disabled', 'bad'), h('div', { class: 'help' }, webhook.disabledReason ?? '')]),
      h('td', {}, secretName(webhook.secretId)),
      h(
        'td',
        { class: 'actions' },
        h('button', { type: 'button', 'aria-label': `Edit ${webhook.name}`, onclick: () => (location.hash = `#/webhooks/${webhook.id}`) }, 'Edit'),
        ' ',
        h('button', { type: 'button', disabled: !webhook.enabled, 'aria-label': `Send test event to ${webhook.name}`, onclick: (event) => sendTest(event.currentTarget, webhook) }, 'Send test event'),
        ' ',
        webhook.enabled ? null : h('button', { type: 'button', onclick: (event) => enable(event.currentTarget, webhook) }, 'Enable'),
      ),
    ),
  );
  setView(
    'Webhooks',
    h('div', { id: 'signing-once' }),
    listCard(rows, 'webhook', 'No webhooks yet.', ['Name', 'URL', 'Events', 'State', 'Secret', 'Actions']),
    newWebhookForm(secrets),
  );
}

async function sendTest(/** @type {HTMLButtonElement} */ button, /** @type {Webhook} */ webhook) {
  const sent = /** @type {SentTest | undefined} */ (await busy(button, 'Sending…', () => api('POST', `/api/webhooks/${seg(webhook.id)}/test`)));
  if (sent) {
    say(`Test event queued for “${webhook.name}” (delivery ${sent.deliveryId}).`, { next: true });
    location.hash = `#/deliveries?webhook=${webhook.id}`;
  }
}

async function enable(/** @type {HTMLButtonElement} */ button, /** @type {Webhook} */ webhook) {
  const done = await busy(button, 'Enabling…', () => api('PATCH', `/api/webhooks/${seg(webhook.id)}`, { enabled: true }));
  if (done) reportFailure(showWebhooks());
}
