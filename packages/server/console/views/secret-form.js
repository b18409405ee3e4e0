// @ts-check
// The secret form, new or editing: its fields come from the chosen kind's declarations; Test tries the form's settings, Save keeps them.
import { api, issuesOf, seg } from '../lib/api.js';
import { busy, cardForm, h } from '../lib/dom.js';
import { fieldsOf, kindOf, kinds } from '../lib/kinds.js';
import { focusControl, takePendingFocus } from '../lib/focus-control.js';
import { markIssues } from '../lib/mark-issues.js';
import { MASK } from '../lib/mask.js';
import { say } from '../lib/messages.js';
import { current, setView, viewGeneration } from '../lib/router.js';
import { advancedSettings } from './advanced-settings.js';
import { watchDestinations } from './destination-watch.js';
import { fieldInput } from './field-input.js';
import { secretInputId } from './secret-controls.js';
import { renderReport } from './test-report.js';
import { tokenActivityCard } from './token-activity.js';
import { showUnloadedSecret } from './unloaded-secret.js';

/** @typedef {import('../api-bodies').Secret} Secret */
/** @typedef {import('../api-bodies').TestReport} TestReport */

/** The form's input for a kind's field. */
function fieldElement(/** @type {string} */ name) {
  const input = document.getElementById(`field-${name}`);
  return input instanceof HTMLInputElement || input instanceof HTMLSelectElement ? input : undefined;
}

export async function showSecretForm(/** @type {string | undefined} */ id) {
  const gen = viewGeneration();
  const existing = id ? /** @type {Secret} */ (await api('GET', `/api/secrets/${seg(id)}`)) : undefined;
  if (!current(gen)) return;
  if (existing?.kindKnown === false) return showUnloadedSecret(existing);
  const name = h('input', { id: 'secret-name', name: 'name', required: true, value: existing?.name ?? '', autocomplete: 'off' });
  const description = h('input', { id: 'secret-description', name: 'description', value: existing?.description ?? '', autocomplete: 'off' });
  const kind = h(
    'select',
    { id: 'secret-kind', name: 'kind', disabled: existing !== undefined, 'aria-describedby': 'secret-kind-help' },
    kinds().map((k) => h('option', { value: k.id, selected: (existing?.kind ?? 'general') === k.id }, k.label)),
  );
  const kindHelp = h('p', { id: 'secret-kind-help', class: 'help' });
  const fields = h('fieldset', { class: 'plain' });
  const stored = existing?.params ?? {};
  const advanced = advancedSettings(stored);
  const errors = h('div', { role: 'alert', class: 'error' });
  const report = h('div', { 'aria-live': 'polite' });
  const renderFields = () => {
    const chosen = kindOf(kind.value);
    kindHelp.textContent = `${chosen?.description ?? ''} Default wire format: ${chosen?.defaults?.encoding ?? ''} body, ${chosen?.defaults?.scopeFormat ?? ''} scope.`;
    fields.replaceChildren(
      h('legend', {}, `${chosen?.label ?? ''} fields`),
      ...fieldsOf(chosen).map((field) => fieldInput(field, existing?.kind === chosen?.id ? existing?.params?.[field.name] : undefined, existing !== undefined)),
    );
  };
  kind.addEventListener('change', renderFields);
  renderFields();
  const again = h('p', { id: 'credentials-again', class: 'notice', role: 'status', hidden: true });
  const extrasAgain = h('div', { id: 'extras-again' });
  if (existing) fields.addEventListener('input', () => watchDestinations(existing, kindOf(existing.kind), again, extrasAgain));

  /**
   * The form as params. Editing: an empty sensitive field keeps the stored value (sent masked), an
   * emptied field is cleared (null), as PATCH /api/secrets/:id reads them.
   */
  const values = () => {
    /** @type {Record<string, unknown>} */
    const params = {};
    for (const field of fieldsOf(kindOf(kind.value))) {
      const input = fieldElement(field.name);
      if (!input) continue;
      const value = input.value.trim();
      if (value !== '') params[field.name] = field.sensitive ? input.value : value;
      else if (existing && field.sensitive) params[field.name] = MASK;
      else if (existing) params[field.name] = null;
    }
    /** @type {Record<string, string>} */
    const retyped = {};
    for (const input of extrasAgain.querySelectorAll('input')) if (input.value !== '' && input.dataset.extra) retyped[input.dataset.extra] = input.value;
    advanced.readInto(params, existing !== undefined, retyped);
    return { name: name.value.trim(), description: description.value.trim(), kind: kind.value, params };
  };
  const showIssues = (/** @type {unknown} */ error) => {
    const issues = issuesOf(error);
    markIssues(form, errors, error, secretInputId, issues.length ? h('ul', {}, issues.map((i) => h('li', {}, `${i.field}: ${i.message}`))) : '');
  };
  const test = h(
    'button',
    {
      type: 'button',
      onclick: async (event) => {
        errors.replaceChildren();
        const { kind: kindId, params } = values();
        // Editing: the saved secret with the form's changes (kept sensitive values stay on the server).
        const result = /** @type {TestReport | undefined} */ (
          await busy(event.currentTarget, 'Testing…', async () => {
            try {
              return existing ? await api('POST', `/api/secrets/${seg(existing.id)}/test`, { params }) : await api('POST', '/api/secrets/test', { kind: kindId, params });
            } catch (error) {
              showIssues(error);
              throw error;
            }
          })
        );
        if (result) {
          report.replaceChildren(renderReport(result, existing ? 'Test of these settings' : 'Test of this draft', { kind: kindId, goTo: focusControl }));
          report.querySelector('h2')?.focus();
        }
      },
    },
    existing ? 'Test' : 'Test draft',
  );
  const save = h('button', { type: 'submit', class: 'primary' }, existing ? 'Save changes' : 'Save secret');
  const form = cardForm(
    errors,
    async () => {
      const input = values();
      const saved = /** @type {Secret | undefined} */ (
        await busy(save, 'Saving…', async () => {
          try {
            return existing
              ? await api('PATCH', `/api/secrets/${seg(existing.id)}`, { name: input.name, description: input.description, params: input.params, expectedRevision: existing.revision })
              : await api('POST', '/api/secrets', { name: input.name, kind: input.kind, params: input.params, ...(input.description && { description: input.description }) });
          } catch (error) {
            showIssues(error);
            throw error;
          }
        })
      );
      if (saved) {
        say(`Saved secret “${saved.name}”.`, { next: true });
        location.hash = '#/secrets';
      }
    },
    h('div', { class: 'field' }, h('label', { for: 'secret-kind' }, 'Type'), kind, kindHelp),
    h('div', { class: 'field' }, h('label', { for: 'secret-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'secret-description' }, 'Description (optional)'), description),
    fields,
    again,
    extrasAgain,
    advanced.details,
    errors,
    h('div', { class: 'row' }, test, save, h('a', { href: '#/secrets', class: 'button' }, 'Cancel')),
    report,
  );
  setView(existing ? `Edit secret “${existing.name}”` : 'New secret', form, existing ? tokenActivityCard(existing.id, () => current(gen)) : null);
  // Sent here by a report's “Go to” button: that control; else the first one to fill in.
  if (!takePendingFocus()) (existing ? name : kind).focus();
}
