// @ts-check
// One delivery's page: its event as sent, and every attempt on a timeline, with what the receiver answered.
import { api, seg } from '../lib/api.js';
import { badge, h, statusTone, when } from '../lib/dom.js';
import { current, setView, viewGeneration } from '../lib/router.js';
import { retryDelivery } from './delivery-retry.js';

/** @typedef {import('../api-bodies').Delivery} Delivery */
/** @typedef {import('../api-bodies').Webhook} Webhook */

function attemptCard(/** @type {Delivery['attemptLog'][number]} */ attempt, /** @type {number} */ index) {
  return h(
    'li',
    { class: 'card' },
    h(
      'p',
      {},
      h('strong', {}, `Attempt ${index + 1}`),
      ' · ',
      when(attempt.attemptedAt),
      ' · ',
      attempt.status === null ? badge(attempt.errorCode ?? 'error', 'bad') : badge(`HTTP ${attempt.status}`, attempt.status < 300 ? 'ok' : 'bad'),
      ` · ${Math.round(attempt.latencyMs)} ms`,
    ),
    attempt.errorMessage ? h('p', { class: 'help' }, attempt.errorMessage) : null,
    attempt.responseBody ? h('details', {}, h('summary', {}, 'Response body (first 4 KB, credentials masked)'), h('pre', { class: 'mono' }, attempt.responseBody)) : null,
  );
}

export async function showDeliveryPage(/** @type {string} */ id) {
  const gen = viewGeneration();
  const delivery = /** @type {Delivery} */ (await api('GET', `/api/deliveries/${seg(id)}`));
  const webhook = /** @type {Webhook | undefined} */ (await api('GET', `/api/webhooks/${seg(delivery.endpointId)}`).catch(() => undefined));
  if (!current(gen)) return;
  const actions = h('div', { class: 'row' });
  if (delivery.status === 'failed' || delivery.status === 'pending') {
    actions.append(h('button', { type: 'button', class: 'primary', onclick: (event) => retryDelivery(event.currentTarget, delivery, () => showDeliveryPage(delivery.id)) }, delivery.status === 'failed' ? 'Retry now' : 'Send now'));
  }
  actions.append(h('a', { href: `#/deliveries?webhook=${delivery.endpointId}`, class: 'button' }, 'Deliveries of this webhook'));
  const count = delivery.attemptLog.length;
  setView(
    `Delivery ${delivery.id}`,
    h(
      'div',
      { class: 'card' },
      h('p', {}, badge(delivery.status, statusTone(delivery.status)), ` ${delivery.eventType} to `, webhook ? h('a', { href: `#/webhooks/${webhook.id}` }, webhook.name) : `${delivery.endpointId} (deleted)`),
      h('p', { class: 'help' }, `webhook-id ${delivery.id} (the same on every attempt) · created ${when(delivery.createdAt)}`, delivery.status === 'pending' && delivery.nextAttemptAt ? ` · next attempt ${when(delivery.nextAttemptAt)}` : ''),
      actions,
    ),
    h('h2', {}, count === 0 ? 'No attempt yet' : `${count} attempt${count === 1 ? '' : 's'}`),
    h('ol', { class: 'timeline', 'aria-label': 'Attempts' }, delivery.attemptLog.map(attemptCard)),
    h('details', { class: 'card' }, h('summary', {}, 'The event as sent'), h('pre', { class: 'mono', dataset: { testid: 'delivery-payload' } }, JSON.stringify(delivery.payload, null, 2))),
  );
}
