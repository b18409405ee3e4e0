// @ts-check
// A secret test's report: token issued or not, how long it took, and each diagnostic in words an operator can act on.
import { badge, h } from '../lib/dom.js';
import { controlOf } from './secret-controls.js';

/** @typedef {import('../api-bodies').TestReport} TestReport */

/**
 * The report; a diagnostic that a field or setting fixes gets a “Go to …” button that calls `goTo`
 * with that control's id (the form focuses it; the secrets list opens the secret's form first).
 * @param {TestReport} report
 * @param {string} title
 * @param {{ kind: string, goTo: (controlId: string) => unknown }} target
 */
export function renderReport(report, title, { kind, goTo }) {
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
            h(
              'li',
              {},
              badge(d.level, d.level === 'error' ? 'bad' : d.level === 'warning' ? 'warn' : 'muted'),
              ' ',
              d.message,
              d.hint ? h('div', { class: 'help' }, `Hint: ${d.hint}`) : null,
              goToButton(controlOf(d, kind), goTo),
            ),
          ),
        ),
  );
}

/** “Go to Token URL”: takes the operator to the control that fixes a diagnostic. */
function goToButton(/** @type {{ id: string, label: string } | undefined} */ control, /** @type {(controlId: string) => unknown} */ goTo) {
  if (!control) return null;
  return h('div', {}, h('button', { type: 'button', class: 'go-to', onclick: () => goTo(control.id) }, `Go to ${control.label}`));
}
