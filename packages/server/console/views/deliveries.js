// @ts-check
// The deliveries view: newest first, filtered by status, event type, webhook and time, a page of 100 at a time, refreshing by itself.
import { api, statusOf, messageOf } from '../lib/api.js';
import { badge, dataTable, h, labelCells, statusTone, when } from '../lib/dom.js';
import { current, everyWhileShown, setView, viewGeneration } from '../lib/router.js';
import { retryDelivery } from './delivery-retry.js';

/** @typedef {import('../api-bodies').DeliverySummary} DeliverySummary */
/** @typedef {import('../api-bodies').Webhook} Webhook */

/** `HTTP 500 · timeout`: the status the receiver answered, then the error code when it says more. */
function lastResult(/** @type {DeliverySummary} */ delivery) {
  const status = delivery.lastStatus === null ? '' : `HTTP ${delivery.lastStatus}`;
  const code = delivery.lastError && delivery.lastError !== 'http' ? delivery.lastError : '';
  return [status, code].filter(Boolean).join(' · ') || '—';
}

/** Deliveries per page of the list. */
const PAGE_SIZE = 100;

/** The filter controls, set from the address. */
function filterControls(/** @type {URLSearchParams} */ query) {
  const status = h(
    'select',
    { id: 'delivery-status' },
    ['', 'pending', 'delivering', 'succeeded', 'failed'].map((s) => h('option', { value: s, selected: (query.get('status') ?? '') === s }, s || 'any status')),
  );
  const eventType = h('input', { id: 'delivery-event-type', type: 'search', placeholder: 'invoice.paid', value: query.get('eventType') ?? '', autocomplete: 'off' });
  const since = h('input', { id: 'delivery-since', type: 'datetime-local', value: query.get('since') ?? '' });
  const auto = h('input', { id: 'auto-refresh', type: 'checkbox', checked: true });
  return { status, eventType, since, auto };
}

/** One row of the table. */
function deliveryRow(/** @type {DeliverySummary} */ d, /** @type {string} */ webhookName, /** @type {() => Promise<void>} */ reload) {
  return h(
    'tr',
    { dataset: { delivery: d.id } },
    h('td', {}, h('a', { href: `#/deliveries/${d.id}`, 'aria-label': `Delivery ${d.id}: ${d.eventType}, ${when(d.createdAt)}` }, when(d.createdAt))),
    h('td', {}, d.eventType),
    h('td', {}, webhookName),
    h('td', { dataset: { testid: 'delivery-status' } }, badge(d.status, statusTone(d.status))),
    h('td', {}, String(d.attempts)),
    h('td', {}, lastResult(d)),
    h(
      'td',
      { class: 'actions' },
      d.status === 'failed' || d.status === 'pending'
        ? h('button', { type: 'button', 'aria-label': `Retry delivery ${d.id}`, onclick: (event) => retryDelivery(event.currentTarget, d, reload) }, d.status === 'failed' ? 'Retry' : 'Send now')
        : null,
    ),
  );
}

export async function showDeliveries(/** @type {string} */ _id, /** @type {URLSearchParams} */ query) {
  const gen = viewGeneration();
  const webhookFilter = query.get('webhook') ?? '';
  const { status, eventType, since, auto } = filterControls(query);
  // A page of older deliveries: after the last one of the page before (a cursor, so new ones do not shift it).
  const before = query.get('before') ?? '';
  const older = h('p', {});
  const body = h('tbody', {});
  const caption = h('caption', {});
  const table = dataTable(caption, ['Created', 'Event', 'Webhook', 'Status', 'Attempts', 'Last result', 'Actions'], body);
  const load = async () => {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status.value) params.set('status', status.value);
    if (eventType.value.trim()) params.set('eventType', eventType.value.trim());
    if (since.value && !Number.isNaN(new Date(since.value).getTime())) params.set('since', new Date(since.value).toISOString());
    if (before) params.set('before', before);
    if (webhookFilter) params.set('endpointId', webhookFilter);
    const [deliveries, webhooks] = /** @type {[DeliverySummary[], Webhook[]]} */ (await Promise.all([api('GET', `/api/deliveries?${params}`), api('GET', '/api/webhooks')]));
    if (!current(gen)) return;
    const webhookName = (/** @type {string} */ id) => webhooks.find((w) => w.id === id)?.name ?? id;
    caption.textContent = `${deliveries.length} deliver${deliveries.length === 1 ? 'y' : 'ies'}, newest first${before ? ', older than the page before' : ''}${auto.checked && !before ? ' · refreshing every 2 s' : ''}`;
    const filters = new URLSearchParams();
    for (const [key, value] of [
      ['status', status.value],
      ['webhook', webhookFilter],
      ['eventType', eventType.value.trim()],
      ['since', since.value],
    ])
      if (key && value) filters.set(key, value);
    const last = deliveries.at(-1);
    older.replaceChildren(
      before ? h('a', { href: `#/deliveries?${filters}` }, 'Newest') : '',
      before && deliveries.length === PAGE_SIZE ? ' · ' : '',
      deliveries.length === PAGE_SIZE && last ? h('a', { href: `#/deliveries?${new URLSearchParams([...filters, ['before', last.id]])}` }, `Older than these ${PAGE_SIZE}`) : '',
    );
    // Rows are redrawn; focus on a row's button comes back to the same row's button.
    const focused = document.activeElement;
    const focusedRow = focused instanceof HTMLElement ? focused.closest('tr')?.dataset.delivery : undefined;
    body.replaceChildren(...deliveries.map((d) => deliveryRow(d, webhookName(d.endpointId), load)));
    labelCells(table.parentElement ?? table);
    if (focusedRow) /** @type {HTMLButtonElement | null} */ (body.querySelector(`tr[data-delivery="${CSS.escape(focusedRow)}"] button`))?.focus();
  };
  const refresh = () =>
    load().catch((error) => {
      if (statusOf(error) !== 401 && current(gen)) caption.textContent = `Last refresh failed: ${messageOf(error)}`;
    });
  status.addEventListener('change', refresh);
  eventType.addEventListener('change', refresh);
  since.addEventListener('change', refresh);
  setView(
    'Deliveries',
    h(
      'div',
      { class: 'bar' },
      h('div', { class: 'row' }, h('label', { for: 'delivery-status' }, 'Status'), status),
      h('div', { class: 'row' }, h('label', { for: 'delivery-event-type' }, 'Event type'), eventType),
      h('div', { class: 'row' }, h('label', { for: 'delivery-since' }, 'Created since'), since),
      h('div', { class: 'row' }, auto, h('label', { for: 'auto-refresh' }, 'Refresh by itself')),
      webhookFilter ? h('a', { href: '#/deliveries' }, 'Show all webhooks') : null,
    ),
    h('div', { class: 'card table-wrap' }, table, older),
  );
  // Started with the view, so leaving the view (which clears it) can never leave it running.
  everyWhileShown(() => {
    if (auto.checked && !before && !document.hidden) void refresh();
  }, 2000);
  await refresh();
}
