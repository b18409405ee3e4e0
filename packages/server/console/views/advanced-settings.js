// @ts-check
// The secret form's Advanced section: what every kind takes (scope format, encoding, default lifetime, response field names, extra body parameters).
import { h } from '../lib/dom.js';

/** @typedef {Record<string, unknown>} Params */

/** The settings of this section, in the order of the form. */
export const ADVANCED_SETTINGS = ['scopeFormat', 'encoding', 'defaultLifetimeSeconds', 'responseFields', 'extraParams'];

const RESPONSE_FIELDS = /** @type {const} */ ({
  accessToken: { placeholder: 'access_token', label: 'the access token' },
  expiresIn: { placeholder: 'expires_in', label: 'the lifetime' },
  tokenType: { placeholder: 'token_type', label: 'the token type' },
});

/** A select of `values`, the empty one meaning the kind's default. */
function defaultableSelect(/** @type {string} */ id, /** @type {string[]} */ values, /** @type {unknown} */ stored, /** @type {string | undefined} */ describedBy) {
  return h(
    'select',
    { id, name: id.replace(/^field-/, ''), 'aria-describedby': describedBy },
    ['', ...values].map((v) => h('option', { value: v, selected: (stored ?? '') === v }, v === '' ? "the kind's default" : v)),
  );
}

/**
 * The section, open when any of its settings is stored, and how its inputs become params.
 * @param {Params} stored the saved secret's params (empty for a new one)
 */
export function advancedSettings(stored) {
  const scopeFormat = defaultableSelect('field-scopeFormat', ['tuple', 'plain', 'space'], stored.scopeFormat, 'field-scopeFormat-help');
  const encoding = defaultableSelect('field-encoding', ['json', 'form'], stored.encoding, undefined);
  const lifetime = h('input', { id: 'field-defaultLifetimeSeconds', type: 'number', min: 1, step: 1, value: stored.defaultLifetimeSeconds ?? '', 'aria-describedby': 'field-defaultLifetimeSeconds-help' });
  const storedNames = /** @type {Record<string, string> | undefined} */ (stored.responseFields);
  const responseInputs = /** @type {Array<keyof typeof RESPONSE_FIELDS>} */ (Object.keys(RESPONSE_FIELDS)).map(
    (key) => /** @type {const} */ ([key, h('input', { id: `field-responseFields-${key}`, value: storedNames?.[key] ?? '', placeholder: RESPONSE_FIELDS[key].placeholder, autocomplete: 'off' })]),
  );
  const storedExtras = /** @type {Record<string, string> | undefined} */ (stored.extraParams);
  const extras = h(
    'textarea',
    { id: 'field-extraParams', rows: 3, 'aria-describedby': 'field-extraParams-help' },
    Object.entries(storedExtras ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join('\n'),
  );
  const details = h(
    'details',
    { open: ADVANCED_SETTINGS.some((key) => stored[key] !== undefined && stored[key] !== null) },
    h('summary', {}, 'Advanced: wire format, lifetime, response fields, extra parameters'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'field-scopeFormat' }, 'Scope format'),
      scopeFormat,
      h('p', { id: 'field-scopeFormat-help', class: 'help' }, "tuple sends ('read,write',); plain sends the scope as typed; space turns commas into spaces."),
    ),
    h('div', { class: 'field' }, h('label', { for: 'field-encoding' }, 'Body encoding'), encoding),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'field-defaultLifetimeSeconds' }, 'Default token lifetime (seconds)'),
      lifetime,
      h('p', { id: 'field-defaultLifetimeSeconds-help', class: 'help' }, 'How long a token lives when the endpoint answers without expires_in. Empty: such an answer is an error for kinds that need it.'),
    ),
    ...responseInputs.map(([key, input]) => h('div', { class: 'field' }, h('label', { for: input.id }, `Response field for ${RESPONSE_FIELDS[key].label}`), input)),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'field-extraParams' }, 'Extra body parameters'),
      extras,
      h('p', { id: 'field-extraParams-help', class: 'help' }, 'One name=value per line, sent with the token request. Secret ones (keys, assertions) are sealed; shown as ••••, they keep their value.'),
    ),
  );

  /**
   * Adds the section's settings to `params`; editing (`editing`), a setting emptied is cleared (null).
   * `retyped`: secret extra parameters typed again because the token URL moved.
   * @param {Params} params
   * @param {boolean} editing
   * @param {Record<string, string>} retyped
   */
  const readInto = (params, editing, retyped) => {
    for (const [name, input] of /** @type {const} */ ([['scopeFormat', scopeFormat], ['encoding', encoding]])) {
      if (input.value !== '') params[name] = input.value;
      else if (editing) params[name] = null;
    }
    const seconds = lifetime.value.trim();
    if (seconds !== '') params.defaultLifetimeSeconds = Number(seconds);
    else if (stored.defaultLifetimeSeconds !== undefined) params.defaultLifetimeSeconds = null;
    const names = Object.fromEntries(responseInputs.map(([key, input]) => [key, input.value.trim()]).filter(([, value]) => value !== ''));
    if (Object.keys(names).length > 0) params.responseFields = names;
    else if (stored.responseFields) params.responseFields = null;
    // Extra parameters as listed (secret ones sent back masked keep their values), and those typed again.
    const listed = Object.fromEntries(
      extras.value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => [line.slice(0, Math.max(0, line.indexOf('='))).trim(), line.slice(line.indexOf('=') + 1)]),
    );
    Object.assign(listed, retyped);
    if (Object.keys(listed).length > 0 || stored.extraParams) params.extraParams = listed;
  };
  return { details, readInto };
}
