// The Tessera web console: signs in with the admin token and drives the HTTP API (no framework, no external asset).
// Every value from the server is put on the page as text (textContent), never as HTML.

const TOKEN_KEY = 'tessera.adminToken';
const MASK = '••••';
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const toast = document.getElementById('toast');

/**
 * State shared by the views: the kinds (with their field declarations), loaded once after sign-in;
 * the deliveries refresh timer; and which navigation is current, so a view that finishes loading after
 * the operator moved on draws nothing.
 */
const state = { kinds: [], refreshTimer: undefined, generation: 0 };

/** True while the view started at generation `gen` is still the one the operator is on. */
function current(gen) {
  return gen === state.generation;
}

/** An id as one URL path segment. */
function seg(id) {
  return encodeURIComponent(id);
}

/** `h('button', { type: 'button', onclick }, 'Save')`: an element with attributes, handlers and text or element children. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A table with a caption and column headers; narrow screens stack its rows (see labelCells). */
function dataTable(caption, columns, body) {
  return h('table', { class: 'stack' }, caption, h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column)))), body);
}

/** A card listing `rows` under a counted caption (`3 secrets`), or saying `empty` when there are none. */
function listCard(rows, noun, empty, columns) {
  const count = rows.length;
  return h(
    'div',
    { class: 'card table-wrap' },
    count === 0 ? h('p', {}, empty) : dataTable(h('caption', {}, `${count} ${noun}${count === 1 ? '' : 's'}`), columns, h('tbody', {}, rows)),
  );
}

/** Gives each cell its column's name, which narrow screens show beside the value (tables become stacked rows). */
function labelCells(root) {
  for (const table of root.querySelectorAll('table')) {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
    for (const row of table.querySelectorAll('tbody tr')) [...row.children].forEach((cell, i) => (cell.dataset.label = headers[i] ?? ''));
  }
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.issues = body?.error?.details?.issues ?? [];
  }
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn('The admin token was not accepted. Sign in again.');
    throw new ApiError(401, parsed);
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/**
 * A message in the status region: information fades after 6 s; an error stays until closed or replaced.
 * While it shows, the page gets room below its content so nothing is left hidden under the message.
 */
function say(message, { error = false } = {}) {
  clearTimeout(say.timer);
  toast.replaceChildren(
    h('span', {}, message),
    h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss message', onclick: () => unsay() }, '×'),
  );
  toast.classList.toggle('error-toast', error);
  document.body.style.paddingBottom = `${toast.offsetHeight + 24}px`;
  if (!error) say.timer = setTimeout(unsay, 6000);
}

function unsay() {
  toast.replaceChildren();
  document.body.style.paddingBottom = '';
}

function when(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

function badge(text, tone) {
  return h('span', { class: `badge ${tone}` }, text);
}

/**
 * Runs `work` with the button marked busy (it keeps focus: aria-disabled, not disabled) and its label
 * changed, and shows an error instead of throwing.
 */
async function busy(button, label, work) {
  if (button.getAttribute('aria-disabled') === 'true') return undefined;
  const original = button.textContent;
  button.setAttribute('aria-disabled', 'true');
  button.textContent = label;
  try {
    return await work();
  } catch (error) {
    if (error.status !== 401) say(error.message, { error: true });
    return undefined;
  } finally {
    button.removeAttribute('aria-disabled');
    button.textContent = original;
  }
}

/**
 * A refused form: the message in its alert box (with `more` after it), focused; each field an issue
 * names (`inputOf(field)` gives its input's id) marked invalid, and no other.
 */
function markIssues(form, errors, error, inputOf, more = '') {
  const summary = h('p', { tabindex: '-1' }, error.message);
  errors.replaceChildren(summary, more);
  for (const element of form.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
  for (const issue of error.issues ?? []) document.getElementById(inputOf(issue.field) ?? '')?.setAttribute('aria-invalid', 'true');
  summary.focus();
}

/** Runs a follow-up (a reload after an action) and reports its failure instead of leaving it unhandled. */
function reportFailure(promise) {
  promise.catch((error) => {
    if (error.status !== 401) say(error.message, { error: true });
  });
}

function setView(title, ...content) {
  clearInterval(state.refreshTimer);
  main.replaceChildren(h('h1', {}, title), ...content);
  labelCells(main);
  document.title = `${title} · Tessera`;
  for (const link of nav.querySelectorAll('a')) {
    if (location.hash.startsWith(`#/${link.dataset.view}`)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.focus();
}

// ——— Sign in ———

function showSignIn(message) {
  nav.hidden = true;
  state.generation++;
  clearInterval(state.refreshTimer);
  const input = h('input', { id: 'admin-token', name: 'admin-token', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'admin-token-help' });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    { class: 'card signin', onsubmit: (event) => signIn(event, input, error) },
    h('h1', {}, 'Sign in to Tessera'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'admin-token' }, 'Admin token'),
      input,
      h('p', { id: 'admin-token-help', class: 'help' }, 'TESSERA_ADMIN_TOKEN, or the dev token file whose path the server printed at start (data/admin-token).'),
    ),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  main.replaceChildren(form);
  document.title = 'Sign in · Tessera';
  input.focus();
}

async function signIn(event, input, error) {
  event.preventDefault();
  const token = input.value.trim();
  // Checked directly, so a wrong token is reported here rather than by the session-expired path of api().
  const response = await fetch('/api/secret-kinds', { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
  if (!response?.ok) {
    error.textContent = response?.status === 401 ? 'That admin token is not valid.' : 'The server could not be reached. Is it running?';
    input.focus();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  state.kinds = await response.json();
  nav.hidden = false;
  if (!location.hash || location.hash === '#/') location.hash = '#/secrets';
  else route();
}

// ——— Secrets ———

function kindLabel(id) {
  return state.kinds.find((kind) => kind.id === id)?.label ?? id;
}

async function showSecrets() {
  const gen = state.generation;
  const secrets = await api('GET', '/api/secrets');
  if (!current(gen)) return;
  const rows = secrets.map((secret) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, secret.name),
      h('td', {}, secret.kindKnown === false ? [kindLabel(secret.kind), ' ', badge('kind not loaded', 'warn')] : kindLabel(secret.kind)),
      h('td', {}, secret.origin),
      h('td', {}, when(secret.updatedAt)),
      h(
        'td',
        {},
        secret.lastTest
          ? [badge(secret.lastTest.ok ? 'ok' : 'failed', secret.lastTest.ok ? 'ok' : 'bad'), ' ', h('span', { class: 'help' }, secret.lastTest.summary)]
          : badge('not tested', 'muted'),
      ),
      h(
        'td',
        { class: 'actions' },
        h('button', { type: 'button', 'aria-label': `Test ${secret.name}`, onclick: (event) => testSaved(event.currentTarget, secret) }, 'Test'),
        ' ',
        h('button', { type: 'button', 'aria-label': `Edit ${secret.name}`, onclick: () => (location.hash = `#/secrets/${secret.id}`) }, 'Edit'),
        ' ',
        h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${secret.name}`, onclick: (event) => deleteSecret(event.currentTarget, secret) }, 'Delete'),
      ),
    ),
  );
  setView(
    'Secrets',
    h(
      'div',
      { class: 'bar' },
      h('p', { class: 'help' }, 'Credentials that Tessera exchanges for bearer tokens.'),
      h('button', { type: 'button', class: 'primary', onclick: () => (location.hash = '#/secrets/new') }, 'New secret'),
    ),
    h('div', { id: 'secret-report', 'aria-live': 'polite' }),
    listCard(rows, 'secret', 'No secrets yet. Create one with “New secret”.', ['Name', 'Kind', 'Origin', 'Last update', 'Last test', 'Actions']),
  );
}

async function testSaved(button, secret) {
  const report = await busy(button, 'Testing…', () => api('POST', `/api/secrets/${seg(secret.id)}/test`));
  if (!report) return;
  reportFailure(
    showSecrets().then(() => {
      const region = document.getElementById('secret-report');
      region?.replaceChildren(renderReport(report, `Test of “${secret.name}”`));
      region?.querySelector('h2')?.focus();
    }),
  );
}

async function deleteSecret(button, secret) {
  if (!confirm(`Delete secret “${secret.name}”? Webhooks that use it must be deleted first.`)) return;
  const done = await busy(button, 'Deleting…', async () => {
    await api('DELETE', `/api/secrets/${seg(secret.id)}`);
    return true;
  });
  if (done) {
    say(`Deleted secret “${secret.name}”.`);
    reportFailure(showSecrets());
  }
}

function renderReport(report, title) {
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

/** A secret whose kind no loaded plugin declares: what is known of it, and how to make it usable. */
function showUnloadedSecret(secret) {
  const rows = [
    ['Name', secret.name],
    ['Kind', secret.kind],
    ['Origin', secret.origin],
    ['Created', when(secret.createdAt)],
    ['Last update', when(secret.updatedAt)],
    ...Object.entries(secret.params).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
  ];
  setView(
    `Secret “${secret.name}”`,
    h(
      'section',
      { class: 'card', dataset: { testid: 'kind-not-loaded' } },
      h('p', {}, badge('kind not loaded', 'warn'), ` No loaded plugin declares the kind “${secret.kind}”, so this secret can be seen and deleted here, not tested, used or edited.`),
      h('p', { class: 'help' }, 'Load the plugin that contributes the kind (TESSERA_PLUGINS, --plugin, or "plugins" in the data directory\'s tessera.config.json) and restart the server.'),
      h('dl', {}, rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
      h('p', {}, h('button', { type: 'button', onclick: () => (location.hash = '#/secrets') }, 'Back to secrets')),
    ),
  );
}

/** The create or edit form; its fields come from the chosen kind's field declarations. */
/** Where a field issue from the API points in the secret form. */
function secretInputId(field) {
  if (field === 'name' || field === 'description' || field === 'kind') return `secret-${field}`;
  if (field.startsWith('params.extraParams.')) return `extra-${field.slice('params.extraParams.'.length)}`;
  return `field-${field.replace(/^params\./, '').split('.')[0]}`;
}

async function showSecretForm(id) {
  const gen = state.generation;
  const existing = id ? await api('GET', `/api/secrets/${seg(id)}`) : undefined;
  if (!current(gen)) return;
  if (existing?.kindKnown === false) return showUnloadedSecret(existing);
  const name = h('input', { id: 'secret-name', name: 'name', required: true, value: existing?.name ?? '', autocomplete: 'off' });
  const description = h('input', { id: 'secret-description', name: 'description', value: existing?.description ?? '', autocomplete: 'off' });
  const kind = h(
    'select',
    { id: 'secret-kind', name: 'kind', disabled: existing !== undefined, 'aria-describedby': 'secret-kind-help' },
    state.kinds.map((k) => h('option', { value: k.id, selected: (existing?.kind ?? 'general') === k.id }, k.label)),
  );
  const kindHelp = h('p', { id: 'secret-kind-help', class: 'help' });
  const fields = h('fieldset', { class: 'plain' });
  const scopeFormat = h(
    'select',
    { id: 'field-scopeFormat', name: 'scopeFormat', 'aria-describedby': 'field-scopeFormat-help' },
    ['', 'tuple', 'plain', 'space'].map((v) => h('option', { value: v, selected: (existing?.params?.scopeFormat ?? '') === v }, v === '' ? "the kind's default" : v)),
  );
  const encoding = h(
    'select',
    { id: 'field-encoding', name: 'encoding' },
    ['', 'json', 'form'].map((v) => h('option', { value: v, selected: (existing?.params?.encoding ?? '') === v }, v === '' ? "the kind's default" : v)),
  );
  const stored = existing?.params ?? {};
  const lifetime = h('input', { id: 'field-defaultLifetimeSeconds', type: 'number', min: 1, step: 1, value: stored.defaultLifetimeSeconds ?? '', 'aria-describedby': 'field-defaultLifetimeSeconds-help' });
  const responseInputs = ['accessToken', 'expiresIn', 'tokenType'].map((key) => [key, h('input', { id: `field-responseFields-${key}`, value: stored.responseFields?.[key] ?? '', placeholder: { accessToken: 'access_token', expiresIn: 'expires_in', tokenType: 'token_type' }[key], autocomplete: 'off' })]);
  const extras = h(
    'textarea',
    { id: 'field-extraParams', rows: 3, 'aria-describedby': 'field-extraParams-help' },
    Object.entries(stored.extraParams ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join('\n'),
  );
  const advanced = h(
    'details',
    { open: ['scopeFormat', 'encoding', 'defaultLifetimeSeconds', 'responseFields', 'extraParams'].some((key) => stored[key] !== undefined && stored[key] !== null) },
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
    ...responseInputs.map(([key, input]) =>
      h('div', { class: 'field' }, h('label', { for: input.id }, `Response field for ${{ accessToken: 'the access token', expiresIn: 'the lifetime', tokenType: 'the token type' }[key]}`), input),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'field-extraParams' }, 'Extra body parameters'),
      extras,
      h('p', { id: 'field-extraParams-help', class: 'help' }, 'One name=value per line, sent with the token request. Secret ones (keys, assertions) are sealed; shown as ••••, they keep their value.'),
    ),
  );
  const errors = h('div', { role: 'alert', class: 'error' });
  const report = h('div', { 'aria-live': 'polite' });
  const renderFields = () => {
    const chosen = state.kinds.find((k) => k.id === kind.value);
    kindHelp.textContent = `${chosen?.description ?? ''} Default wire format: ${chosen?.defaults?.encoding ?? ''} body, ${chosen?.defaults?.scopeFormat ?? ''} scope.`;
    fields.replaceChildren(
      h('legend', {}, `${chosen?.label ?? ''} fields`),
      ...(chosen?.fields ?? []).map((field) => fieldInput(field, existing?.kind === chosen?.id ? existing?.params?.[field.name] : undefined, existing !== undefined)),
    );
  };
  kind.addEventListener('change', renderFields);
  renderFields();
  const again = h('p', { id: 'credentials-again', class: 'notice', role: 'status', hidden: true });
  const extrasAgain = h('div', { id: 'extras-again' });
  if (existing) fields.addEventListener('input', () => watchDestinations(existing, state.kinds.find((k) => k.id === existing.kind), again, extrasAgain));

  /**
   * The form as params. Editing: an empty sensitive field keeps the stored value (sent masked), an
   * emptied field is cleared (null), as PATCH /api/secrets/:id reads them.
   */
  const values = () => {
    const chosen = state.kinds.find((k) => k.id === kind.value);
    const params = {};
    const inputs = [...chosen.fields.map((field) => [field, document.getElementById(`field-${field.name}`)]), [{ name: 'scopeFormat' }, scopeFormat], [{ name: 'encoding' }, encoding]];
    for (const [field, input] of inputs) {
      const value = input.value.trim();
      if (value !== '') params[field.name] = field.sensitive ? input.value : value;
      else if (existing && field.sensitive) params[field.name] = MASK;
      else if (existing) params[field.name] = null;
    }
    const seconds = lifetime.value.trim();
    if (seconds !== '') params.defaultLifetimeSeconds = Number(seconds);
    else if (stored.defaultLifetimeSeconds !== undefined) params.defaultLifetimeSeconds = null;
    const names = Object.fromEntries(responseInputs.map(([key, input]) => [key, input.value.trim()]).filter(([, value]) => value !== ''));
    if (Object.keys(names).length > 0) params.responseFields = names;
    else if (stored.responseFields) params.responseFields = null;
    // Extra parameters as listed (secret ones sent back masked keep their values), and those typed
    // again because the token URL moved.
    const listed = Object.fromEntries(
      extras.value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => [line.slice(0, Math.max(0, line.indexOf('='))).trim(), line.slice(line.indexOf('=') + 1)]),
    );
    for (const input of extrasAgain.querySelectorAll('input')) if (input.value !== '') listed[input.dataset.extra] = input.value;
    if (Object.keys(listed).length > 0 || stored.extraParams) params.extraParams = listed;
    return { name: name.value.trim(), description: description.value.trim(), kind: kind.value, params };
  };
  const showIssues = (error) => {
    const issues = error.issues ?? [];
    markIssues(form, errors, error, (field) => secretInputId(field), issues.length ? h('ul', {}, issues.map((i) => h('li', {}, `${i.field}: ${i.message}`))) : '');
  };
  const test = h(
    'button',
    {
      type: 'button',
      onclick: async (event) => {
        errors.replaceChildren();
        const { kind: kindId, params } = values();
        // Editing: the saved secret with the form's changes (kept sensitive values stay on the server).
        const result = await busy(event.currentTarget, 'Testing…', async () => {
          try {
            return existing ? await api('POST', `/api/secrets/${seg(existing.id)}/test`, { params }) : await api('POST', '/api/secrets/test', { kind: kindId, params });
          } catch (error) {
            showIssues(error);
            throw error;
          }
        });
        if (result) {
          report.replaceChildren(renderReport(result, existing ? 'Test of these settings' : 'Test of this draft'));
          report.querySelector('h2')?.focus();
        }
      },
    },
    existing ? 'Test' : 'Test draft',
  );
  const save = h('button', { type: 'submit', class: 'primary' }, existing ? 'Save changes' : 'Save secret');
  const form = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        errors.replaceChildren();
        const input = values();
        const saved = await busy(save, 'Saving…', async () => {
          try {
            return existing
              ? await api('PATCH', `/api/secrets/${seg(existing.id)}`, { name: input.name, description: input.description, params: input.params, expectedRevision: existing.revision })
              : await api('POST', '/api/secrets', { name: input.name, kind: input.kind, params: input.params, ...(input.description && { description: input.description }) });
          } catch (error) {
            showIssues(error);
            throw error;
          }
        });
        if (saved) {
          say(`Saved secret “${saved.name}”.`);
          location.hash = '#/secrets';
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'secret-kind' }, 'Type'), kind, kindHelp),
    h('div', { class: 'field' }, h('label', { for: 'secret-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'secret-description' }, 'Description (optional)'), description),
    fields,
    again,
    extrasAgain,
    advanced,
    errors,
    h('div', { class: 'row' }, test, save, h('a', { href: '#/secrets', class: 'button' }, 'Cancel')),
    report,
  );
  setView(existing ? `Edit secret “${existing.name}”` : 'New secret', form);
  (existing ? name : kind).focus();
}

/** The place a destination field sends the credentials to: the value as saved (trimmed), or the field's default. */
function destinationOf(field, value) {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? (field.default ?? '') : text;
}

/**
 * Editing: once a field that decides where the credentials go (the token URL, say) differs from the
 * saved one, the sensitive fields must be typed again; the server refuses to send stored ones elsewhere.
 */
function watchDestinations(existing, kind, notice, extrasBox) {
  const moved = (kind?.fields ?? []).filter((f) => f.destination && destinationOf(f, document.getElementById(`field-${f.name}`)?.value) !== destinationOf(f, existing.params[f.name]));
  const sensitive = (kind?.fields ?? []).filter((f) => f.sensitive);
  // Secret extra parameters are shown masked; once the URL moves they are typed again here.
  const sealedExtras = Object.entries(existing.params.extraParams ?? {})
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
    const input = document.getElementById(`field-${field.name}`);
    if (!input) continue;
    input.required = moved.length > 0 && field.required;
    input.placeholder = moved.length > 0 ? 'type it again' : 'unchanged';
    const help = document.getElementById(`field-${field.name}-help`);
    if (help) {
      help.dataset.kept ??= help.textContent;
      help.textContent = moved.length > 0 ? [field.help, 'Stored encrypted; type it again to save this change.'].filter(Boolean).join(' ') : help.dataset.kept;
    }
  }
  notice.hidden = moved.length === 0;
  notice.textContent =
    moved.length === 0
      ? ''
      : `${moved.map((f) => f.label).join(' and ')} changed: type ${[...sensitive.map((f) => f.label), ...sealedExtras].join(', ')} again where set. A stored credential is never sent to a new destination.`;
}

function fieldInput(field, current, editing) {
  const id = `field-${field.name}`;
  const helpId = `${id}-help`;
  const help = [field.help, field.sensitive ? (editing ? 'Stored encrypted; leave empty to keep the current value.' : 'Stored encrypted and never shown again.') : undefined]
    .filter(Boolean)
    .join(' ');
  const common = { id, name: field.name, 'aria-describedby': help ? helpId : undefined, required: field.required && !(editing && field.sensitive) };
  const input =
    field.type === 'select'
      ? h('select', common, (field.options ?? []).map((option) => h('option', { value: option, selected: (current ?? field.default) === option }, option)))
      : h('input', {
          ...common,
          type: field.sensitive ? 'password' : field.type === 'url' ? 'url' : 'text',
          autocomplete: field.sensitive ? 'new-password' : 'off',
          value: field.sensitive ? '' : (current ?? field.default ?? ''),
          placeholder: field.sensitive && editing ? 'unchanged' : field.type === 'url' ? 'https://' : undefined,
        });
  return h('div', { class: 'field' }, h('label', { for: id }, `${field.label}${field.required ? '' : ' (optional)'}`), input, help ? h('p', { id: helpId, class: 'help' }, help) : null);
}

// ——— Webhooks ———

/** Where a field issue from the API points in the webhook form. */
const WEBHOOK_INPUTS = { url: 'webhook-url', secretId: 'webhook-secret', events: 'webhook-events', name: 'webhook-name' };

async function showWebhooks() {
  const gen = state.generation;
  const [webhooks, secrets] = await Promise.all([api('GET', '/api/webhooks'), api('GET', '/api/secrets')]);
  if (!current(gen)) return;
  const secretName = (id) => secrets.find((s) => s.id === id)?.name ?? id;
  const url = h('input', { id: 'webhook-url', name: 'url', type: 'url', required: true, placeholder: 'https://', autocomplete: 'off' });
  const secret = h('select', { id: 'webhook-secret', name: 'secretId', required: true }, secrets.map((s) => h('option', { value: s.id }, `${s.name} (${kindLabel(s.kind)})`)));
  const events = h('input', { id: 'webhook-events', name: 'events', value: '*', 'aria-describedby': 'webhook-events-help', autocomplete: 'off' });
  const name = h('input', { id: 'webhook-name', name: 'name', autocomplete: 'off' });
  const signing = h('input', { id: 'webhook-signing', name: 'signing', type: 'checkbox', checked: true });
  const errors = h('div', { role: 'alert', class: 'error' });
  const create = h('button', { type: 'submit', class: 'primary', disabled: secrets.length === 0 }, 'Create webhook');
  const form = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        errors.replaceChildren();
        const body = {
          url: url.value.trim(),
          secretId: secret.value,
          events: events.value
            .split(',')
            .map((e) => e.trim())
            .filter(Boolean),
          signing: signing.checked ? 'generate' : 'none',
          ...(name.value.trim() && { name: name.value.trim() }),
        };
        const created = await busy(create, 'Creating…', async () => {
          try {
            return await api('POST', '/api/webhooks', body);
          } catch (error) {
            markIssues(form, errors, error, (field) => WEBHOOK_INPUTS[field.split('.')[0]]);
            throw error;
          }
        });
        if (!created) return;
        try {
          await showWebhooks();
        } catch (error) {
          say(error.message, { error: true });
        }
        const heading = h('h2', { tabindex: '-1' }, `Webhook “${created.endpoint.name}” created`);
        document.getElementById('signing-once').replaceChildren(
          created.signingSecret
            ? oneTimeSecret(heading, 'Its signing secret is shown only now. Give it to the receiver, which verifies the webhook-signature header with it:', created.signingSecret)
            : h('div', { class: 'card' }, heading, h('p', {}, 'Requests to it are not signed.')),
        );
        heading.focus();
      },
    },
    h('h2', {}, 'New webhook'),
    secrets.length === 0 ? h('p', {}, 'Create a secret first: every webhook request carries a bearer token from a secret.') : null,
    h('div', { class: 'field' }, h('label', { for: 'webhook-url' }, 'Endpoint URL'), url),
    h('div', { class: 'field' }, h('label', { for: 'webhook-secret' }, 'Secret (its token authorises each request)'), secret),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'webhook-events' }, 'Events'),
      events,
      h('p', { id: 'webhook-events-help', class: 'help' }, 'Comma-separated: exact types (invoice.paid), * for all, or prefixes (invoice.*).'),
    ),
    h('div', { class: 'field' }, h('label', { for: 'webhook-name' }, 'Name (optional)'), name),
    h('div', { class: 'field row' }, signing, h('label', { for: 'webhook-signing' }, 'Sign requests (generate a whsec_ signing secret)')),
    errors,
    create,
  );
  const rows = webhooks.map((webhook) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, webhook.name),
      h('td', { class: 'mono' }, webhook.url),
      h('td', {}, webhook.events.join(', ')),
      h('td', {}, webhook.enabled ? badge('enabled', 'ok') : [badge('disabled', 'bad'), h('div', { class: 'help' }, webhook.disabledReason ?? '')]),
      h('td', {}, secretName(webhook.secretId)),
      h(
        'td',
        { class: 'actions' },
        h('button', { type: 'button', 'aria-label': `Edit ${webhook.name}`, onclick: () => (location.hash = `#/webhooks/${webhook.id}`) }, 'Edit'),
        ' ',
        h('button', { type: 'button', disabled: !webhook.enabled, 'aria-label': `Send test event to ${webhook.name}`, onclick: (event) => sendTest(event.currentTarget, webhook) }, 'Send test event'),
        ' ',
        webhook.enabled ? null : h('button', { type: 'button', onclick: (event) => enable(event.currentTarget, webhook) }, 'Enable'),
      ),
    ),
  );
  setView(
    'Webhooks',
    h('div', { id: 'signing-once' }),
    listCard(rows, 'webhook', 'No webhooks yet.', ['Name', 'URL', 'Events', 'State', 'Secret', 'Actions']),
    form,
  );
}

/** `Name: value` lines (a masked value keeps the stored one) as the headers object the API takes. */
function parseHeaderLines(text) {
  const headers = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf(':');
    if (at <= 0) throw Object.assign(new Error(`Headers: “${line.trim().slice(0, 40)}” is not Name: value.`), { issues: [{ field: 'headers' }] });
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

/** A webhook's page: change it, disable or enable it, rotate its signing secret, recover failed deliveries, delete it. */
async function showWebhookForm(id) {
  const gen = state.generation;
  const [webhook, secrets] = await Promise.all([api('GET', `/api/webhooks/${seg(id)}`), api('GET', '/api/secrets')]);
  if (!current(gen)) return;
  const input = (key, attributes) => h('input', { id: `edit-${key}`, name: key, autocomplete: 'off', ...attributes });
  const url = input('url', { type: 'url', required: true, value: webhook.url });
  const name = input('name', { value: webhook.name });
  const events = input('events', { value: webhook.events.join(', '), 'aria-describedby': 'edit-events-help' });
  const timeout = input('timeout', { type: 'number', min: 1, max: 60, step: 1, value: Math.round(webhook.timeoutMs / 1000), 'aria-describedby': 'edit-timeout-help' });
  const schedule = input('schedule', { value: webhook.retrySchedule === null ? '' : webhook.retrySchedule.join(', '), placeholder: 'the server’s default', 'aria-describedby': 'edit-schedule-help' });
  const secret = h('select', { id: 'edit-secret', name: 'secretId' }, secrets.map((s) => h('option', { value: s.id, selected: s.id === webhook.secretId }, `${s.name} (${kindLabel(s.kind)})`)));
  const headers = h('textarea', { id: 'edit-headers', name: 'headers', rows: 3, 'aria-describedby': 'edit-headers-help' }, Object.entries(webhook.headers).map(([header, value]) => `${header}: ${value}`).join('\n'));
  const errors = h('div', { role: 'alert', class: 'error' });
  const once = h('div', { id: 'rotated-once' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
  const inputs = { url: 'edit-url', name: 'edit-name', events: 'edit-events', timeoutMs: 'edit-timeout', retrySchedule: 'edit-schedule', secretId: 'edit-secret', headers: 'edit-headers' };
  const form = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        errors.replaceChildren();
        const saved = await busy(save, 'Saving…', async () => {
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
            });
          } catch (error) {
            markIssues(form, errors, error, (field) => inputs[field.split('.')[0]]);
            throw error;
          }
        });
        if (saved) {
          say(`Saved webhook “${saved.name}”.`);
          location.hash = '#/webhooks';
        }
      },
    },
    h('h2', {}, 'Settings'),
    h('div', { class: 'field' }, h('label', { for: 'edit-url' }, 'Endpoint URL'), url),
    h('div', { class: 'field' }, h('label', { for: 'edit-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'edit-events' }, 'Events'), events, h('p', { id: 'edit-events-help', class: 'help' }, 'Comma-separated: exact types (invoice.paid), * for all, or prefixes (invoice.*).')),
    h('div', { class: 'field' }, h('label', { for: 'edit-secret' }, 'Secret (its token authorises each request)'), secret),
    h('div', { class: 'field' }, h('label', { for: 'edit-timeout' }, 'Timeout (seconds)'), timeout, h('p', { id: 'edit-timeout-help', class: 'help' }, 'How long one request may take before it counts as failed.')),
    h('div', { class: 'field' }, h('label', { for: 'edit-schedule' }, 'Retry schedule (seconds)'), schedule, h('p', { id: 'edit-schedule-help', class: 'help' }, 'Delays after each failed attempt, e.g. 10, 60, 600; empty for the server’s default.')),
    h('div', { class: 'field' }, h('label', { for: 'edit-headers' }, 'Extra headers'), headers, h('p', { id: 'edit-headers-help', class: 'help' }, 'One Name: value per line. A value shown as •••• keeps the stored one; changing the URL needs every value again.')),
    errors,
    h('div', { class: 'row' }, save, h('a', { href: '#/webhooks', class: 'button' }, 'Cancel')),
  );

  const toggle = h('button', { type: 'button', onclick: (event) => setEnabled(event.currentTarget, webhook, !webhook.enabled) }, webhook.enabled ? 'Disable' : 'Enable');
  const grace = h('select', { id: 'rotate-grace' }, [['86400', '24 hours (the default)'], ['3600', '1 hour'], ['0', 'none: the old secret stops now (after a leak)']].map(([value, label]) => h('option', { value }, label)));
  const rotate = h('button', { type: 'button', onclick: (event) => rotateSigning(event.currentTarget, webhook, Number(grace.value)) }, 'Rotate signing secret');
  const since = h('input', { id: 'recover-since', type: 'datetime-local', value: new Date(Date.now() - 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) });
  const recover = h('button', { type: 'button', onclick: (event) => recoverSince(event.currentTarget, webhook, since.value) }, 'Retry failed deliveries');
  const confirmBox = h('div', { class: 'row' });
  const remove = h('button', { type: 'button', class: 'danger', onclick: () => confirmDelete(webhook, confirmBox) }, 'Delete webhook');
  setView(
    `Webhook “${webhook.name}”`,
    once,
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'State'),
      h('p', {}, webhook.enabled ? badge('enabled', 'ok') : [badge('disabled', 'bad'), ' ', webhook.disabledReason ?? ''], webhook.failingSince ? ` · failing since ${when(webhook.failingSince)}` : ''),
      h('p', { class: 'help' }, 'Disabled, it gets no new deliveries; those already queued wait until it is enabled again.'),
      h('div', { class: 'row' }, toggle, h('a', { href: `#/deliveries?webhook=${webhook.id}`, class: 'button' }, 'Its deliveries')),
    ),
    form,
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Signing secret'),
      h('p', {}, webhook.signing.enabled ? `Requests are signed (${webhook.signing.preview ?? 'whsec_••••'}).` : 'Requests are not signed.', webhook.signing.previousValidUntil ? ` The previous secret also signs until ${when(webhook.signing.previousValidUntil)}.` : ''),
      h('div', { class: 'field' }, h('label', { for: 'rotate-grace' }, 'Grace period for the old secret'), grace),
      rotate,
    ),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Recover after an outage'),
      h('div', { class: 'field' }, h('label', { for: 'recover-since' }, 'Failed deliveries created since'), since),
      h('p', { class: 'help' }, 'Each is sent again now, with its own webhook-id, its retry schedule started over.'),
      recover,
    ),
    h('div', { class: 'card' }, h('h2', {}, 'Delete'), h('p', { class: 'help' }, 'Its waiting deliveries fail as endpoint-deleted; the deliveries made stay in the log.'), remove, confirmBox),
  );
}

async function setEnabled(button, webhook, enabled) {
  const done = await busy(button, enabled ? 'Enabling…' : 'Disabling…', () => api('PATCH', `/api/webhooks/${seg(webhook.id)}`, { enabled }));
  if (done) {
    say(`Webhook “${webhook.name}” ${enabled ? 'enabled' : 'disabled'}.`);
    reportFailure(showWebhookForm(webhook.id));
  }
}

async function rotateSigning(button, webhook, graceSeconds) {
  const rotated = await busy(button, 'Rotating…', () => api('POST', `/api/webhooks/${seg(webhook.id)}/rotate-signing-secret`, { graceSeconds }));
  if (!rotated) return;
  await showWebhookForm(webhook.id).catch((error) => say(error.message, { error: true }));
  const heading = h('h2', { tabindex: '-1' }, 'New signing secret');
  document.getElementById('rotated-once')?.replaceChildren(oneTimeSecret(heading, 'It is shown only now. Give it to the receiver.', rotated.signingSecret));
  heading.focus();
}

/** A secret shown once (a signing secret), in its own region, with a button that copies it. */
function oneTimeSecret(heading, explanation, secret) {
  const value = h('p', { class: 'mono', dataset: { testid: 'signing-secret' } }, secret);
  const byHand = () => {
    // No clipboard outside a secure context (plain http to another host): the secret is selected instead.
    window.getSelection()?.selectAllChildren(value);
    say('Copying was refused here: the secret is selected, copy it with Ctrl+C.', { error: true });
  };
  const copy = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        const clipboard = globalThis.navigator.clipboard;
        if (!clipboard) return byHand();
        clipboard.writeText(secret).then(() => (copy.textContent = 'Copied'), byHand);
      },
    },
    'Copy',
  );
  return h('div', { class: 'secret-once', role: 'region', 'aria-label': 'Signing secret' }, heading, h('p', {}, explanation), h('div', { class: 'row' }, value, copy));
}

async function recoverSince(button, webhook, localTime) {
  const since = new Date(localTime);
  if (Number.isNaN(since.getTime())) return say('Choose the time to recover from.', { error: true });
  const done = await busy(button, 'Queuing…', () => api('POST', `/api/webhooks/${seg(webhook.id)}/recover`, { since: since.toISOString() }));
  if (done) say(done.recovered === 0 ? `No failed deliveries to “${webhook.name}” since ${when(since.toISOString())}.` : `Queued ${done.recovered} failed deliveries to “${webhook.name}” again.`);
}

function confirmDelete(webhook, box) {
  const yes = h('button', { type: 'button', class: 'danger', onclick: async (event) => {
    const done = await busy(event.currentTarget, 'Deleting…', () => api('DELETE', `/api/webhooks/${seg(webhook.id)}`).then(() => true));
    if (done) {
      say(`Deleted webhook “${webhook.name}”.`);
      location.hash = '#/webhooks';
    }
  } }, `Yes, delete “${webhook.name}”`);
  box.replaceChildren(h('span', {}, 'Delete it for good?'), yes, h('button', { type: 'button', onclick: () => box.replaceChildren() }, 'Keep it'));
  yes.focus();
}

async function sendTest(button, webhook) {
  const sent = await busy(button, 'Sending…', () => api('POST', `/api/webhooks/${seg(webhook.id)}/test`));
  if (sent) {
    say(`Test event queued for “${webhook.name}” (delivery ${sent.deliveryId}).`);
    location.hash = `#/deliveries?webhook=${webhook.id}`;
  }
}

async function enable(button, webhook) {
  const done = await busy(button, 'Enabling…', () => api('PATCH', `/api/webhooks/${seg(webhook.id)}`, { enabled: true }));
  if (done) reportFailure(showWebhooks());
}

// ——— Deliveries ———

/** `HTTP 500 · timeout`: the status the receiver answered, then the error code when it says more. */
function lastResult(delivery) {
  const status = delivery.lastStatus === null ? '' : `HTTP ${delivery.lastStatus}`;
  const code = delivery.lastError && delivery.lastError !== 'http' ? delivery.lastError : '';
  return [status, code].filter(Boolean).join(' · ') || '—';
}

/** Deliveries per page of the list. */
const PAGE_SIZE = 100;

async function showDeliveries(query) {
  const gen = state.generation;
  const webhookFilter = query.get('webhook') ?? '';
  const status = h(
    'select',
    { id: 'delivery-status' },
    ['', 'pending', 'delivering', 'succeeded', 'failed'].map((s) => h('option', { value: s, selected: (query.get('status') ?? '') === s }, s || 'any status')),
  );
  const eventType = h('input', { id: 'delivery-event-type', type: 'search', placeholder: 'invoice.paid', value: query.get('eventType') ?? '', autocomplete: 'off' });
  const since = h('input', { id: 'delivery-since', type: 'datetime-local', value: query.get('since') ?? '' });
  // A page of older deliveries: after the last one of the page before (a cursor, so new ones do not shift it).
  const before = query.get('before') ?? '';
  const older = h('p', {});
  const auto = h('input', { id: 'auto-refresh', type: 'checkbox', checked: true });
  const body = h('tbody', {});
  const caption = h('caption', {});
  const table = dataTable(caption, ['Created', 'Event', 'Webhook', 'Status', 'Attempts', 'Last result', 'Actions'], body);
  const load = async () => {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status.value) params.set('status', status.value);
    if (eventType.value.trim()) params.set('eventType', eventType.value.trim());
    if (since.value && !Number.isNaN(new Date(since.value).getTime())) params.set('since', new Date(since.value).toISOString());
    if (before) params.set('before', before);
    if (webhookFilter) params.set('endpointId', webhookFilter);
    const [deliveries, webhooks] = await Promise.all([api('GET', `/api/deliveries?${params}`), api('GET', '/api/webhooks')]);
    if (!current(gen)) return;
    const webhookName = (id) => webhooks.find((w) => w.id === id)?.name ?? id;
    caption.textContent = `${deliveries.length} deliver${deliveries.length === 1 ? 'y' : 'ies'}, newest first${before ? ', older than the page before' : ''}${auto.checked && !before ? ' · refreshing every 2 s' : ''}`;
    const filters = new URLSearchParams();
    for (const [key, value] of [['status', status.value], ['webhook', webhookFilter], ['eventType', eventType.value.trim()], ['since', since.value]]) if (value) filters.set(key, value);
    const last = deliveries.at(-1);
    older.replaceChildren(
      before ? h('a', { href: `#/deliveries?${filters}` }, 'Newest') : '',
      before && deliveries.length === PAGE_SIZE ? ' · ' : '',
      deliveries.length === PAGE_SIZE && last ? h('a', { href: `#/deliveries?${new URLSearchParams([...filters, ['before', last.id]])}` }, `Older than these ${PAGE_SIZE}`) : '',
    );
    // Rows are redrawn; focus on a row's button comes back to the same row's button.
    const focusedRow = document.activeElement?.closest?.('tr')?.dataset.delivery;
    body.replaceChildren(
      ...deliveries.map((d) =>
        h(
          'tr',
          { dataset: { delivery: d.id } },
          h('td', {}, h('a', { href: `#/deliveries/${d.id}`, 'aria-label': `Delivery ${d.id}: ${d.eventType}, ${when(d.createdAt)}` }, when(d.createdAt))),
          h('td', {}, d.eventType),
          h('td', {}, webhookName(d.endpointId)),
          h('td', { dataset: { testid: 'delivery-status' } }, badge(d.status, d.status === 'succeeded' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn')),
          h('td', {}, String(d.attempts)),
          h('td', {}, lastResult(d)),
          h('td', { class: 'actions' }, d.status === 'failed' || d.status === 'pending' ? h('button', { type: 'button', 'aria-label': `Retry delivery ${d.id}`, onclick: (event) => retry(event.currentTarget, d, load) }, d.status === 'failed' ? 'Retry' : 'Send now') : null),
        ),
      ),
    );
    labelCells(table.parentElement ?? table);
    if (focusedRow) body.querySelector(`tr[data-delivery="${CSS.escape(focusedRow)}"] button`)?.focus();
  };
  const refresh = () =>
    load().catch((error) => {
      if (error.status !== 401 && current(gen)) caption.textContent = `Last refresh failed: ${error.message}`;
    });
  status.addEventListener('change', refresh);
  eventType.addEventListener('change', refresh);
  since.addEventListener('change', refresh);
  setView(
    'Deliveries',
    h(
      'div',
      { class: 'bar' },
      h('div', { class: 'row' }, h('label', { for: 'delivery-status' }, 'Status'), status),
      h('div', { class: 'row' }, h('label', { for: 'delivery-event-type' }, 'Event type'), eventType),
      h('div', { class: 'row' }, h('label', { for: 'delivery-since' }, 'Created since'), since),
      h('div', { class: 'row' }, auto, h('label', { for: 'auto-refresh' }, 'Refresh by itself')),
      webhookFilter ? h('a', { href: '#/deliveries' }, 'Show all webhooks') : null,
    ),
    h('div', { class: 'card table-wrap' }, table, older),
  );
  // Started with the view, so leaving the view (which clears it) can never leave it running.
  state.refreshTimer = setInterval(() => {
    if (auto.checked && !before && !document.hidden) refresh();
  }, 2000);
  await refresh();
}

/** One delivery: its event as sent, and every attempt on a timeline, with what the receiver answered. */
async function showDelivery(id) {
  const gen = state.generation;
  const delivery = await api('GET', `/api/deliveries/${seg(id)}`);
  const webhook = await api('GET', `/api/webhooks/${seg(delivery.endpointId)}`).catch(() => undefined);
  if (!current(gen)) return;
  const attempts = delivery.attemptLog.map((attempt, index) =>
    h(
      'li',
      { class: 'card' },
      h('p', {}, h('strong', {}, `Attempt ${index + 1}`), ' · ', when(attempt.attemptedAt), ' · ', attempt.status === null ? badge(attempt.errorCode ?? 'error', 'bad') : badge(`HTTP ${attempt.status}`, attempt.status < 300 ? 'ok' : 'bad'), ` · ${Math.round(attempt.latencyMs)} ms`),
      attempt.errorMessage ? h('p', { class: 'help' }, attempt.errorMessage) : null,
      attempt.responseBody ? h('details', {}, h('summary', {}, 'Response body (first 4 KB, credentials masked)'), h('pre', { class: 'mono' }, attempt.responseBody)) : null,
    ),
  );
  const actions = h('div', { class: 'row' });
  if (delivery.status === 'failed' || delivery.status === 'pending') {
    actions.append(h('button', { type: 'button', class: 'primary', onclick: (event) => retry(event.currentTarget, delivery, () => showDelivery(delivery.id)) }, delivery.status === 'failed' ? 'Retry now' : 'Send now'));
  }
  actions.append(h('a', { href: `#/deliveries?webhook=${delivery.endpointId}`, class: 'button' }, 'Deliveries of this webhook'));
  setView(
    `Delivery ${delivery.id}`,
    h(
      'div',
      { class: 'card' },
      h('p', {}, badge(delivery.status, delivery.status === 'succeeded' ? 'ok' : delivery.status === 'failed' ? 'bad' : 'warn'), ` ${delivery.eventType} to `, webhook ? h('a', { href: `#/webhooks/${webhook.id}` }, webhook.name) : `${delivery.endpointId} (deleted)`),
      h('p', { class: 'help' }, `webhook-id ${delivery.id} (the same on every attempt) · created ${when(delivery.createdAt)}`, delivery.status === 'pending' && delivery.nextAttemptAt ? ` · next attempt ${when(delivery.nextAttemptAt)}` : ''),
      actions,
    ),
    h('h2', {}, delivery.attemptLog.length === 0 ? 'No attempt yet' : `${delivery.attemptLog.length} attempt${delivery.attemptLog.length === 1 ? '' : 's'}`),
    h('ol', { class: 'timeline', 'aria-label': 'Attempts' }, attempts),
    h('details', { class: 'card' }, h('summary', {}, 'The event as sent'), h('pre', { class: 'mono', dataset: { testid: 'delivery-payload' } }, JSON.stringify(delivery.payload, null, 2))),
  );
}

async function retry(button, delivery, reload) {
  const done = await busy(button, 'Retrying…', () => api('POST', `/api/deliveries/${seg(delivery.id)}/retry`));
  if (done) {
    say(delivery.status === 'pending' ? `Delivery ${delivery.id} is due now, with the same webhook-id.` : `Delivery ${delivery.id} queued again with the same webhook-id.`);
    reportFailure(reload());
  }
}

// ——— Routing ———

async function route() {
  state.generation++;
  clearInterval(state.refreshTimer);
  if (!sessionStorage.getItem(TOKEN_KEY)) return showSignIn();
  try {
    if (state.kinds.length === 0) state.kinds = await api('GET', '/api/secret-kinds');
    nav.hidden = false;
    const [path, search] = location.hash.slice(1).split('?');
    const query = new URLSearchParams(search ?? '');
    if (path === '/secrets/new') return await showSecretForm();
    if (path?.startsWith('/secrets/')) return await showSecretForm(decodeURIComponent(path.slice('/secrets/'.length)));
    if (path === '/webhooks') return await showWebhooks();
    if (path?.startsWith('/webhooks/')) return await showWebhookForm(decodeURIComponent(path.slice('/webhooks/'.length)));
    if (path === '/deliveries') return await showDeliveries(query);
    if (path?.startsWith('/deliveries/')) return await showDelivery(decodeURIComponent(path.slice('/deliveries/'.length)));
    return await showSecrets();
  } catch (error) {
    if (error.status !== 401) setView('Something went wrong', h('p', { class: 'error', role: 'alert' }, error.message));
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  state.kinds = [];
  // Changes the address without a hashchange, so the "Signed out." message stays.
  history.replaceState(null, '', location.pathname);
  showSignIn('Signed out.');
});
window.addEventListener('hashchange', () => route());
route();
