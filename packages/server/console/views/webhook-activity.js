// @ts-check
// A webhook's last 24 hours: its deliveries per hour by outcome, and the latency of the attempts its receiver answered.
import { api, messageOf, seg } from '../lib/api.js';
import { lines, stackedBars } from '../lib/charts.js';
import { h } from '../lib/dom.js';

/** @typedef {import('../api-bodies').DeliveryActivity} DeliveryActivity */
/** @typedef {DeliveryActivity['hours'][number]} Hour */

/** @type {Array<import('../lib/charts.js').Series<Hour>>} */
const OUTCOMES = [
  { key: 'succeeded', label: 'succeeded', value: (hour) => hour.succeeded },
  { key: 'failed', label: 'failed', value: (hour) => hour.failed },
  { key: 'pending', label: 'pending', value: (hour) => hour.pending },
  { key: 'delivering', label: 'delivering', value: (hour) => hour.delivering },
];

/** @type {Array<import('../lib/charts.js').Series<Hour>>} */
const LATENCIES = [
  { key: 'p50', label: 'p50', value: (hour) => hour.latencyMs.p50 },
  { key: 'p95', label: 'p95', value: (hour) => hour.latencyMs.p95 },
  { key: 'p99', label: 'p99', value: (hour) => hour.latencyMs.p99 },
];

/** The card, drawn when the activity has loaded (the rest of the page does not wait for it). */
export function webhookActivityCard(/** @type {string} */ webhookId, /** @type {() => boolean} */ stillShown) {
  const body = h('div', {}, h('p', { class: 'help' }, 'Loading…'));
  const card = h('section', { class: 'card', 'aria-labelledby': 'activity-heading', dataset: { testid: 'webhook-activity' } }, h('h2', { id: 'activity-heading' }, 'Last 24 hours'), body);
  api('GET', `/api/webhooks/${seg(webhookId)}/activity?hours=24`).then(
    (answer) => {
      if (!stillShown()) return;
      const activity = /** @type {DeliveryActivity} */ (answer);
      body.replaceChildren(
        h('h3', {}, 'Deliveries by outcome, per hour they were created'),
        stackedBars(activity.hours, OUTCOMES, { label: 'Last 24 hours', empty: 'No deliveries in the last 24 hours.' }),
        h('h3', {}, 'Latency of answered attempts (ms)'),
        lines(activity.hours, LATENCIES, {
          label: 'Latency of answered attempts, last 24 hours',
          empty: 'No attempt was answered in the last 24 hours.',
          unit: 'ms',
          overall: [activity.totals.latencyMs.p50, activity.totals.latencyMs.p95, activity.totals.latencyMs.p99],
        }),
      );
    },
    (error) => {
      if (stillShown()) body.replaceChildren(h('p', { class: 'error' }, `The activity could not be loaded: ${messageOf(error)}`));
    },
  );
  return card;
}
