// @ts-check
// A webhook's settings form on its page: URL, name, events, secret, timeout, retry schedule, extra headers (masked values keep the stored ones) and how long its deliveries are kept.
import { api, seg } from '../lib/api.js';
import { busy, cardForm, h } from '../lib/dom.js';
import { kindLabel } from '../lib/kinds.js';
import { markIssues } from '../lib/mark-issues.js';
import { say } from '../lib/messages.js';

/** @typedef {import('../api-bodies').Webhook} Webhook */
/** @typedef {import('../api-bodies').Secret} Secret */

/** `Name: value` lines (a masked value keeps the stored one) as the headers object the API takes. */
function parseHeaderLines(/** @type {string} */ text) {
  /** @type {Record<string, string>} */
  const headers = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf(':');
    if (at <= 0) throw Object.assign(new Error(`Headers: “${line.trim().slice(0, 40)}” is not Name: value.`), { issues: [{ field: 'headers' }] });
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

const DAY_MS = 86_400_000;

/** A retention field's days as the API's milliseconds; empty is null (the server's period). */
function retentionMs(/** @type {HTMLInputElement} */ field) {
  const days = field.value.trim();
  return days === '' ? null : Math.round(Number(days) * DAY_MS);
}

/** Where a field issue from the API points in this form. */
const INPUTS = /** @type {Record<string, string>} */ ({ url: 'edit-url', name: 'edit-name', events: 'edit-events', timeoutMs: 'edit-timeout', retrySchedule: 'edit-schedule', secretId: 'edit-secret', headers: 'edit-headers', retention: 'edit-keep-succeeded' });

export function webhookSettingsForm(/** @type {Webhook} */ webhook, /** @type {Secret[]} */ secrets) {
  const input = (/** @type {string} */ key, /** @type {Record<string, unknown>} */ attributes) => h('input', { id: `edit-${key}`, name: key, autocomplete: 'off', ...attributes });
  const url = input('url', { type: 'url', required: true, value: webhook.url });
  const name = input('name', { value: webhook.name });
  const events = input('events', { value: webhook.events.join(', '), 'aria-describedby': 'edit-events-help' });
  const timeout = input('timeout', { type: 'number', min: 1, max: 60, step: 1, value: Math.round(webhook.timeoutMs / 1000), 'aria-describedby': 'edit-timeout-help' });
  const schedule = input('schedule', { value: webhook.retrySchedule === null ? '' : webhook.retrySchedule.join(', '), placeholder: 'the server’s default', 'aria-describedby': 'edit-schedule-help' });
  const days = (/** @type {number | null} */ ms) => (ms === null ? '' : String(Math.round((ms / DAY_MS) * 1000) / 1000));
  const keepSucceeded = /** @type {HTMLInputElement} */ (input('keep-succeeded', { type: 'number', min: 0.001, step: 'any', value: days(webhook.retention.succeededMs), placeholder: 'the server’s', 'aria-describedby': 'edit-keep-help' }));
  const keepFailed = /** @type {HTMLInputElement} */ (input('keep-failed', { type: 'number', min: 0.001, step: 'any', value: days(webhook.retention.failedMs), placeholder: 'the server’s', 'aria-describedby': 'edit-keep-help' }));
  // A connector's secret is for its API only: offered only if this webhook already has it (from before that rule).
  const usable = secrets.filter((s) => s.origin !== 'connector' || s.id === webhook.secretId);
  const secret = h('select', { id: 'edit-secret', name: 'secretId' }, usable.map((s) => h('option', { value: s.id, selected: s.id === webhook.secretId }, `${s.name} (${kindLabel(s.kind)})`)));
  const headers = h(
    'textarea',
    { id: 'edit-headers', name: 'headers', rows: 3, 'aria-describedby': 'edit-headers-help' },
    Object.entries(webhook.headers)
      .map(([header, value]) => `${header}: ${value}`)
      .join('\n'),
  );
  const errors = h('div', { role: 'alert', class: 'error' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
  const form = cardForm(
    errors,
    async () => {
      const saved = /** @type {Webhook | undefined} */ (
        await busy(save, 'Saving…', async () => {
          try {
            const steps = schedule.value.split(',').map((step) => step.trim()).filter(Boolean);
            return await api('PATCH', `/api/webhooks/${seg(webhook.id)}`, {
              url: url.value.trim(),
              name: name.value.trim(),
              events: events.value.split(',').map((e) => e.trim()).filter(Boolean),
              timeoutMs: Number(timeout.value) * 1000,
              retrySchedule: steps.length === 0 ? null : steps.map(Number),
              secretId: secret.value,
              headers: parseHeaderLines(headers.value),
              // Only when changed: the days shown are rounded, and saving them as shown would move the period.
              ...(keepSucceeded.value !== keepSucceeded.defaultValue || keepFailed.value !== keepFailed.defaultValue
                ? { retention: { succeededMs: retentionMs(keepSucceeded), failedMs: retentionMs(keepFailed) } }
                : {}),
              // Refused (409) if someone changed the webhook since this page read it: this form sends every field.
              expectedRevision: webhook.revision,
            });
          } catch (error) {
            markIssues(form, errors, error, (field) => INPUTS[field.split('.')[0] ?? '']);
            throw error;
          }
        })
      );
      if (saved) {
        say(`Saved webhook “${saved.name}”.`, { next: true });
        location.hash = '#/webhooks';
      }
    },
    h('h2', {}, 'Settings'),
    h('div', { class: 'field' }, h('label', { for: 'edit-url' }, 'Endpoint URL'), url),
    h('div', { class: 'field' }, h('label', { for: 'edit-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'edit-events' }, 'Events'), events, h('p', { id: 'edit-events-help', class: 'help' }, 'Comma-separated: exact types (invoice.paid), * for all, or prefixes (invoice.*).')),
    h('div', { class: 'field' }, h('label', { for: 'edit-secret' }, 'Secret (its token authorises each request)'), secret),
    h('div', { class: 'field' }, h('label', { for: 'edit-timeout' }, 'Timeout (seconds)'), timeout, h('p', { id: 'edit-timeout-help', class: 'help' }, 'How long one request may take before it counts as failed.')),
    h('div', { class: 'field' }, h('label', { for: 'edit-schedule' }, 'Retry schedule (seconds)'), schedule, h('p', { id: 'edit-schedule-help', class: 'help' }, 'Delays after each failed attempt, e.g. 10, 60, 600; empty for the server’s default.')),
    h('div', { class: 'field' }, h('label', { for: 'edit-headers' }, 'Extra headers'), headers, h('p', { id: 'edit-headers-help', class: 'help' }, 'One Name: value per line. A value shown as •••• keeps the stored one; changing the URL needs every value again.')),
    h('div', { class: 'field' }, h('label', { for: 'edit-keep-succeeded' }, 'Keep succeeded deliveries (days)'), keepSucceeded),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'edit-keep-failed' }, 'Keep failed deliveries (days)'),
      keepFailed,
      h('p', { id: 'edit-keep-help', class: 'help' }, 'How long this webhook’s finished deliveries stay in the log before they are pruned; empty for the server’s (14 and 30 days unless set otherwise).'),
    ),
    errors,
    h('div', { class: 'row' }, save, h('a', { href: '#/webhooks', class: 'button' }, 'Cancel')),
  );
  return form;
}
