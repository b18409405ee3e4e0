// @ts-check
// The sign-in view: asks for the admin token and checks it before keeping it for this tab.
import { rememberAdminToken } from '../lib/api.js';
import { byId, h } from '../lib/dom.js';
import { setKinds } from '../lib/kinds.js';
import { route, startView } from '../lib/router.js';

/** @typedef {import('../api-bodies').SecretKind} SecretKind */

export function showSignIn(/** @type {string | undefined} */ message) {
  byId('nav').hidden = true;
  startView();
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
  byId('main').replaceChildren(form);
  document.title = 'Sign in · Tessera';
  input.focus();
}

async function signIn(/** @type {SubmitEvent} */ event, /** @type {HTMLInputElement} */ input, /** @type {HTMLElement} */ error) {
  event.preventDefault();
  const token = input.value.trim();
  // Checked directly, so a wrong token is reported here rather than by the session-expired path of api().
  const response = await fetch('/api/secret-kinds', { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
  if (!response?.ok) {
    error.textContent = response?.status === 401 ? 'That admin token is not valid.' : 'The server could not be reached. Is it running?';
    input.focus();
    return;
  }
  rememberAdminToken(token);
  setKinds(/** @type {SecretKind[]} */ (await response.json()));
  byId('nav').hidden = false;
  if (!location.hash || location.hash === '#/') location.hash = '#/secrets';
  else void route();
}
