// @ts-check
// A saved secret's token requests in this server process: per hour of the last 24 (issued, refreshed, failed, cache hits) and the last requests.
import { api, messageOf, seg } from '../lib/api.js';
import { stackedBars } from '../lib/charts.js';
import { badge, dataTable, h, labelCells, when } from '../lib/dom.js';

/** @typedef {import('../api-bodies').TokenActivity} TokenActivity */
/** @typedef {TokenActivity['hours'][number]} Hour */

/** @type {Array<import('../lib/charts.js').Series<Hour>>} */
const COUNTS = [
  { key: 'issued', label: 'issued', value: (hour) => hour.issued },
  { key: 'refreshed', label: 'refreshed', value: (hour) => hour.refreshed },
  { key: 'failed', label: 'failed', value: (hour) => hour.failed },
  { key: 'cacheHits', label: 'cache hits', value: (hour) => hour.cacheHits },
];

/** The last requests, newest first. */
function recentTable(/** @type {TokenActivity['recent']} */ recent) {
  const rows = recent.map((request) =>
    h(
      'tr',
      {},
      h('td', {}, when(request.at)),
      h('td', {}, badge(request.outcome, request.outcome === 'failed' ? 'bad' : 'ok'), request.status === null ? '' : ` HTTP ${request.status}`),
      h('td', {}, `${Math.round(request.durationMs)} ms`),
      h('td', {}, [request.code, request.message].filter(Boolean).join(': ') || '—'),
    ),
  );
  return h('div', { class: 'table-wrap' }, dataTable(h('caption', {}, `The last ${recent.length} token request${recent.length === 1 ? '' : 's'}, newest first`), ['Time', 'Result', 'Duration', 'Message'], h('tbody', {}, rows)));
}

/** The card, drawn when the activity has loaded (the form does not wait for it). */
export function tokenActivityCard(/** @type {string} */ secretId, /** @type {() => boolean} */ stillShown) {
  const body = h('div', {}, h('p', { class: 'help' }, 'Loading…'));
  const card = h(
    'section',
    { class: 'card', 'aria-labelledby': 'token-activity-heading', dataset: { testid: 'token-activity' } },
    h('h2', { id: 'token-activity-heading' }, 'Token requests'),
    h('p', { class: 'help' }, 'Counted by this server process since it started, over the last 24 hours; each server of a fleet counts its own.'),
    body,
  );
  api('GET', `/api/secrets/${seg(secretId)}/token-activity`).then(
    (answer) => {
      if (!stillShown()) return;
      const activity = /** @type {TokenActivity} */ (answer);
      body.replaceChildren(
        stackedBars(activity.hours, COUNTS, { label: 'Last 24 hours', empty: 'No token requested or served in the last 24 hours.' }),
        ...(activity.recent.length === 0 ? [] : [recentTable(activity.recent)]),
      );
      labelCells(body);
    },
    (error) => {
      if (stillShown()) body.replaceChildren(h('p', { class: 'error' }, `The token requests could not be loaded: ${messageOf(error)}`));
    },
  );
  return card;
}
