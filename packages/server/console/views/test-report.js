// @ts-check
// A secret test's report: token issued or not, how long it took, and each diagnostic in words an operator can act on.
import { badge, h } from '../lib/dom.js';

/** @typedef {import('../api-bodies').TestReport} TestReport */

export function renderReport(/** @type {TestReport} */ report, /** @type {string} */ title) {
  const status = report.status === undefined ? '' : ` · HTTP ${report.status}`;
  return h(
    'section',
    { class: `report ${report.ok ? 'ok' : 'bad'}`, 'aria-label': title, dataset: { testid: 'test-report' } },
    h('h2', { tabindex: '-1' }, title),
    h('p', {}, badge(report.ok ? 'Token issued' : 'Failed', report.ok ? 'ok' : 'bad'), ` in ${report.durationMs} ms${status}`),
    report.token ? h('p', {}, `Token: ${report.token.type} ${report.token.preview}, expires in ${report.token.expiresInSeconds} s`) : null,
    report.diagnostics.length === 0
      ? null
      : h(
          'ul',
          {},
          report.diagnostics.map((d) =>
            h('li', {}, badge(d.level, d.level === 'error' ? 'bad' : d.level === 'warning' ? 'warn' : 'muted'), ' ', d.message, d.hint ? h('div', { class: 'help' }, `Hint: ${d.hint}`) : null),
          ),
        ),
  );
}
