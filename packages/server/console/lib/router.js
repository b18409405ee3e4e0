// @ts-check
// Hash routing: which view the address names, and the generation check that keeps a slow view from drawing over the next one.
import { adminToken, messageOf, statusOf } from './api.js';
import { byId, h, labelCells } from './dom.js';
import { viewChanged } from './messages.js';

/**
 * A view the address can name: `path` matches exactly, or as a prefix when it ends with '/' (the rest,
 * decoded, is the id given to `show`).
 * @typedef {{ path: string, show: (id: string, query: URLSearchParams) => Promise<void> | void }} Route
 */

/** Which navigation is current, so a view that finishes loading after the operator moved on draws nothing. */
let generation = 0;
/** @type {ReturnType<typeof setInterval> | undefined} */
let refreshTimer;
/** @type {Route[]} */
let routes = [];
/** @type {() => Promise<void> | void} */
let signIn = () => undefined;
/** @type {() => Promise<void>} */
let beforeViews = async () => undefined;

/** The generation a view starts at; pass it to `current` after each await. */
export function viewGeneration() {
  return generation;
}

/** True while the view started at generation `gen` is still the one the operator is on. */
export function current(/** @type {number} */ gen) {
  return gen === generation;
}

/** A new view begins: views still loading will not draw, the old view's timer and message go. */
export function startView() {
  generation++;
  clearInterval(refreshTimer);
  viewChanged();
}

/** A timer that lives as long as the current view (the deliveries' refresh). */
export function everyWhileShown(/** @type {() => void} */ tick, /** @type {number} */ ms) {
  clearInterval(refreshTimer);
  refreshTimer = setInterval(tick, ms);
}

/** Draws a view: its heading and content, the page title, the current navigation link; focus moves to it. */
export function setView(/** @type {string} */ title, /** @type {Array<Node | null>} */ ...content) {
  const main = byId('main');
  clearInterval(refreshTimer);
  main.replaceChildren(h('h1', {}, title), ...content.filter((node) => node !== null));
  labelCells(main);
  document.title = `${title} · Tessera`;
  for (const link of byId('nav').querySelectorAll('a')) {
    if (location.hash.startsWith(`#/${link.dataset.view}`)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.focus();
}

/**
 * Starts routing: `table` in order (the first match wins, the last is the default), `needSignIn` when
 * no admin token is held, `prepare` before any view (loads what every view needs).
 * @param {Route[]} table
 * @param {() => Promise<void> | void} needSignIn
 * @param {() => Promise<void>} prepare
 */
export function startRouting(table, needSignIn, prepare) {
  routes = table;
  signIn = needSignIn;
  beforeViews = prepare;
  window.addEventListener('hashchange', () => route());
  return route();
}

/** Shows the view the address names. */
export async function route() {
  startView();
  if (!adminToken()) return signIn();
  try {
    await beforeViews();
    byId('nav').hidden = false;
    const [path = '', search = ''] = location.hash.slice(1).split('?');
    const query = new URLSearchParams(search);
    const match = routes.find((r) => (r.path.endsWith('/') ? path.startsWith(r.path) : path === r.path)) ?? routes.at(-1);
    await match?.show(decodeURIComponent(match.path.endsWith('/') ? path.slice(match.path.length) : ''), query);
  } catch (error) {
    if (statusOf(error) !== 401) setView('Something went wrong', h('p', { class: 'error', role: 'alert' }, messageOf(error)));
  }
}
