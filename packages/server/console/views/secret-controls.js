// @ts-check
// Where the secret form's controls are: the input a field issue or a test diagnostic points at, and its label.
import { fieldsOf, kindOf } from '../lib/kinds.js';

/** @typedef {import('../api-bodies').Diagnostic} Diagnostic */

/** Where a field issue from the API points in the secret form. */
export function secretInputId(/** @type {string} */ field) {
  if (field === 'name' || field === 'description' || field === 'kind') return `secret-${field}`;
  if (field.startsWith('params.extraParams.')) return `extra-${field.slice('params.extraParams.'.length)}`;
  return `field-${field.replace(/^params\./, '').split('.')[0]}`;
}

/** The Advanced section's settings: the control each diagnostic's `setting` names, and its label. */
const SETTINGS = {
  scopeFormat: { id: 'field-scopeFormat', label: 'Scope format' },
  encoding: { id: 'field-encoding', label: 'Body encoding' },
  defaultLifetimeSeconds: { id: 'field-defaultLifetimeSeconds', label: 'Default token lifetime' },
  responseFields: { id: 'field-responseFields-accessToken', label: 'Response field for the access token' },
  extraParams: { id: 'field-extraParams', label: 'Extra body parameters' },
};

const OWN_FIELDS = /** @type {Record<string, string>} */ ({ name: 'Name', description: 'Description', kind: 'Type' });

/**
 * The control that fixes what a diagnostic reports (the kind's field, else the setting), or undefined.
 * @param {Diagnostic} diagnostic
 * @param {string} kindId the kind of the secret tested
 * @returns {{ id: string, label: string } | undefined}
 */
export function controlOf(diagnostic, kindId) {
  if (diagnostic.field) {
    const declared = fieldsOf(kindOf(kindId)).find((field) => field.name === diagnostic.field);
    const label = declared?.label ?? OWN_FIELDS[diagnostic.field];
    return label ? { id: secretInputId(diagnostic.field), label } : undefined;
  }
  return diagnostic.setting ? SETTINGS[diagnostic.setting] : undefined;
}
