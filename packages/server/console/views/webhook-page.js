// @ts-check
// A webhook's page: its settings, disable or enable it, rotate its signing secret, recover failed deliveries, delete it.
import { api, seg } from '../lib/api.js';
import { badge, busy, h, reportFailure, when } from '../lib/dom.js';
import { say, sayFailure } from '../lib/messages.js';
import { current, setView, viewGeneration } from '../lib/router.js';
import { oneTimeSecret } from './one-time-secret.js';
import { webhookActivityCard } from './webhook-activity.js';
import { webhookSettingsForm } from './webhook-settings-form.js';

/** @typedef {import('../api-bodies').Webhook} Webhook */
/** @typedef {import('../api-bodies').Secret} Secret */
/** @typedef {import('../api-bodies').RotatedSigningSecret} RotatedSigningSecret */
/** @typedef {import('../api-bodies').Recovered} Recovered */

export async function showWebhookPage(/** @type {string} */ id) {
  const gen = viewGeneration();
  const [webhook, secrets] = /** @type {[Webhook, Secret[]]} */ (await Promise.all([api('GET', `/api/webhooks/${seg(id)}`), api('GET', '/api/secrets')]));
  if (!current(gen)) return;
  const toggle = h('button', { type: 'button', onclick: (event) => setEnabled(event.currentTarget, webhook, !webhook.enabled) }, webhook.enabled ? 'Disable' : 'Enable');
  const grace = h(
    'select',
    { id: 'rotate-grace' },
    [
      ['86400', '24 hours (the default)'],
      ['3600', '1 hour'],
      ['0', 'none: the old secret stops now (after a leak)'],
    ].map(([value, label]) => h('option', { value }, label)),
  );
  const rotate = h('button', { type: 'button', onclick: (event) => rotateSigning(event.currentTarget, webhook, Number(grace.value)) }, 'Rotate signing secret');
  const since = h('input', { id: 'recover-since', type: 'datetime-local', value: new Date(Date.now() - 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) });
  const recover = h('button', { type: 'button', onclick: (event) => recoverSince(event.currentTarget, webhook, since.value) }, 'Retry failed deliveries');
  const confirmBox = h('div', { class: 'row' });
  const remove = h('button', { type: 'button', class: 'danger', onclick: () => confirmDelete(webhook, confirmBox) }, 'Delete webhook');
  setView(
    `Webhook “${webhook.name}”`,
    h('div', { id: 'rotated-once' }),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'State'),
      h('p', {}, webhook.enabled ? badge('enabled', 'ok') : [badge('disabled', 'bad'), ' ', webhook.disabledReason ?? ''], webhook.failingSince ? ` · failing since ${when(webhook.failingSince)}` : ''),
      h('p', { class: 'help' }, 'Disabled, it gets no new deliveries; those already queued wait until it is enabled again.'),
      h('div', { class: 'row' }, toggle, h('a', { href: `#/deliveries?webhook=${webhook.id}`, class: 'button' }, 'Its deliveries')),
    ),
    webhookActivityCard(webhook.id, () => current(gen)),
    webhookSettingsForm(webhook, secrets),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Signing secret'),
      h('p', {}, webhook.signing.enabled ? `Requests are signed (${webhook.signing.preview ?? 'whsec_••••'}).` : 'Requests are not signed.', webhook.signing.previousValidUntil ? ` The previous secret also signs until ${when(webhook.signing.previousValidUntil)}.` : ''),
      h('div', { class: 'field' }, h('label', { for: 'rotate-grace' }, 'Grace period for the old secret'), grace),
      rotate,
    ),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Recover after an outage'),
      h('div', { class: 'field' }, h('label', { for: 'recover-since' }, 'Failed deliveries created since'), since),
      h('p', { class: 'help' }, 'Each is sent again now, with its own webhook-id, its retry schedule started over.'),
      recover,
    ),
    h('div', { class: 'card' }, h('h2', {}, 'Delete'), h('p', { class: 'help' }, 'Its waiting deliveries fail as endpoint-deleted; the deliveries made stay in the log.'), remove, confirmBox),
  );
}

async function setEnabled(/** @type {HTMLButtonElement} */ button, /** @type {Webhook} */ webhook, /** @type {boolean} */ enabled) {
  const done = await busy(button, enabled ? 'Enabling…' : 'Disabling…', () => api('PATCH', `/api/webhooks/${seg(webhook.id)}`, { enabled }));
  if (done) {
    say(`Webhook “${webhook.name}” ${enabled ? 'enabled' : 'disabled'}.`);
    reportFailure(showWebhookPage(webhook.id));
  }
}

async function rotateSigning(/** @type {HTMLButtonElement} */ button, /** @type {Webhook} */ webhook, /** @type {number} */ graceSeconds) {
  const rotated = /** @type {RotatedSigningSecret | undefined} */ (await busy(button, 'Rotating…', () => api('POST', `/api/webhooks/${seg(webhook.id)}/rotate-signing-secret`, { graceSeconds })));
  if (!rotated) return;
  await showWebhookPage(webhook.id).catch(sayFailure);
  const heading = h('h2', { tabindex: '-1' }, 'New signing secret');
  document.getElementById('rotated-once')?.replaceChildren(oneTimeSecret(heading, 'It is shown only now. Give it to the receiver.', rotated.signingSecret ?? ''));
  heading.focus();
}

async function recoverSince(/** @type {HTMLButtonElement} */ button, /** @type {Webhook} */ webhook, /** @type {string} */ localTime) {
  const since = new Date(localTime);
  if (Number.isNaN(since.getTime())) return say('Choose the time to recover from.', { error: true });
  const done = /** @type {Recovered | undefined} */ (await busy(button, 'Queuing…', () => api('POST', `/api/webhooks/${seg(webhook.id)}/recover`, { since: since.toISOString() })));
  if (done) say(done.recovered === 0 ? `No failed deliveries to “${webhook.name}” since ${when(since.toISOString())}.` : `Queued ${done.recovered} failed deliveries to “${webhook.name}” again.`);
}

function confirmDelete(/** @type {Webhook} */ webhook, /** @type {HTMLElement} */ box) {
  const yes = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: async (event) => {
        const done = await busy(event.currentTarget, 'Deleting…', () => api('DELETE', `/api/webhooks/${seg(webhook.id)}`).then(() => true));
        if (done) {
          say(`Deleted webhook “${webhook.name}”.`, { next: true });
          location.hash = '#/webhooks';
        }
      },
    },
    `Yes, delete “${webhook.name}”`,
  );
  box.replaceChildren(h('span', {}, 'Delete it for good?'), yes, h('button', { type: 'button', onclick: () => box.replaceChildren() }, 'Keep it'));
  yes.focus();
}
