// @ts-check
// One field of a secret kind as a labelled input, from its declaration (select, URL, text or masked).
import { h } from '../lib/dom.js';

/** @typedef {import('../api-bodies').FieldDeclaration} FieldDeclaration */

/**
 * @param {FieldDeclaration} field
 * @param {unknown} current the stored value (editing), shown unless the field is sensitive
 * @param {boolean} editing
 */
export function fieldInput(field, current, editing) {
  const id = `field-${field.name}`;
  const helpId = `${id}-help`;
  const help = [field.help, field.sensitive ? (editing ? 'Stored encrypted; leave empty to keep the current value.' : 'Stored encrypted and never shown again.') : undefined]
    .filter(Boolean)
    .join(' ');
  const value = typeof current === 'string' ? current : undefined;
  const common = { id, name: field.name, 'aria-describedby': help ? helpId : undefined, required: field.required && !(editing && field.sensitive) };
  const input =
    field.type === 'select'
      ? h('select', common, (field.options ?? []).map((option) => h('option', { value: option, selected: (value ?? field.default) === option }, option)))
      : h('input', {
          ...common,
          type: field.sensitive ? 'password' : field.type === 'url' ? 'url' : 'text',
          autocomplete: field.sensitive ? 'new-password' : 'off',
          value: field.sensitive ? '' : (value ?? field.default ?? ''),
          placeholder: field.sensitive && editing ? 'unchanged' : field.type === 'url' ? 'https://' : undefined,
        });
  return h('div', { class: 'field' }, h('label', { for: id }, `${field.label}${field.required ? '' : ' (optional)'}`), input, help ? h('p', { id: helpId, class: 'help' }, help) : null);
}
