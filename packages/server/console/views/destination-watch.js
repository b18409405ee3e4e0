// @ts-check
// Editing a secret: once a field that decides where the credentials go differs from the saved one, the sensitive fields must be typed again.
import { MASK } from '../lib/mask.js';
import { h } from '../lib/dom.js';
import { fieldsOf } from '../lib/kinds.js';

/** @typedef {import('../api-bodies').Secret} Secret */
/** @typedef {import('../api-bodies').SecretKind} SecretKind */
/** @typedef {import('../api-bodies').FieldDeclaration} FieldDeclaration */

/** The place a destination field sends the credentials to: the value as saved (trimmed), or the field's default. */
function destinationOf(/** @type {FieldDeclaration} */ field, /** @type {unknown} */ value) {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? (field.default ?? '') : text;
}

/** The value of the form's input for a field, if the form has one. */
function inputOf(/** @type {string} */ name) {
  const input = document.getElementById(`field-${name}`);
  return input instanceof HTMLInputElement || input instanceof HTMLSelectElement ? input : undefined;
}

/**
 * Marks the sensitive fields required again (and lists the sealed extra parameters to type again) while
 * a destination differs from the saved one; the server refuses to send stored ones elsewhere.
 * @param {Secret} existing
 * @param {SecretKind | undefined} kind
 * @param {HTMLElement} notice
 * @param {HTMLElement} extrasBox
 */
export function watchDestinations(existing, kind, notice, extrasBox) {
  const fields = fieldsOf(kind);
  const moved = fields.filter((f) => f.destination && destinationOf(f, inputOf(f.name)?.value) !== destinationOf(f, existing.params[f.name]));
  const sensitive = fields.filter((f) => f.sensitive);
  // Secret extra parameters are shown masked; once the URL moves they are typed again here.
  const stored = /** @type {Record<string, unknown>} */ (existing.params.extraParams ?? {});
  const sealedExtras = Object.entries(stored)
    .filter(([, value]) => value === MASK)
    .map(([name]) => name);
  if (moved.length === 0) extrasBox.replaceChildren();
  else if (!extrasBox.hasChildNodes()) {
    extrasBox.replaceChildren(
      ...sealedExtras.map((name) =>
        h(
          'div',
          { class: 'field' },
          h('label', { for: `extra-${name}` }, `Extra parameter ${name}`),
          h('input', { id: `extra-${name}`, type: 'password', autocomplete: 'new-password', required: true, placeholder: 'type it again', dataset: { extra: name } }),
        ),
      ),
    );
  }
  for (const field of sensitive) {
    const input = inputOf(field.name);
    if (!input) continue;
    input.required = moved.length > 0 && field.required;
    if (input instanceof HTMLInputElement) input.placeholder = moved.length > 0 ? 'type it again' : 'unchanged';
    const help = document.getElementById(`field-${field.name}-help`);
    if (help) {
      help.dataset.kept ??= help.textContent ?? '';
      help.textContent = moved.length > 0 ? [field.help, 'Stored encrypted; type it again to save this change.'].filter(Boolean).join(' ') : help.dataset.kept;
    }
  }
  notice.hidden = moved.length === 0;
  notice.textContent =
    moved.length === 0
      ? ''
      : `${moved.map((f) => f.label).join(' and ')} changed: type ${[...sensitive.map((f) => f.label), ...sealedExtras].join(', ')} again where set. A stored credential is never sent to a new destination.`;
}
