// @ts-check
// Building the page: elements with text children (never HTML), tables that stack on narrow screens, badges, times, busy buttons.
import { sayFailure } from './messages.js';

/**
 * @typedef {Node | string | number | null | undefined | false} Child
 * @typedef {Child | Child[]} Children
 * @typedef {MouseEvent & { currentTarget: HTMLButtonElement }} ButtonClick
 * @typedef {{
 *   onclick?: (event: ButtonClick) => unknown,
 *   onsubmit?: (event: SubmitEvent) => unknown,
 *   oninput?: (event: Event) => unknown,
 *   onchange?: (event: Event) => unknown,
 *   dataset?: Record<string, string>,
 *   [name: string]: unknown,
 * }} Attributes
 */

/**
 * `h('button', { type: 'button', onclick }, 'Save')`: an element with attributes, handlers and text or element children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attributes]
 * @param {...Children} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends text or element children, skipping empty ones. */
export function append(/** @type {Element} */ element, /** @type {Children[]} */ children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An element the page itself declares (index.html); its absence is a bug of the page. */
export function byId(/** @type {string} */ id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}.`);
  return element;
}

/** A table with a caption and column headers; narrow screens stack its rows (see labelCells). */
export function dataTable(/** @type {HTMLTableCaptionElement} */ caption, /** @type {string[]} */ columns, /** @type {HTMLTableSectionElement} */ body) {
  return h('table', { class: 'stack' }, caption, h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column)))), body);
}

/** A card listing `rows` under a counted caption (`3 secrets`), or saying `empty` when there are none. */
export function listCard(/** @type {HTMLTableRowElement[]} */ rows, /** @type {string} */ noun, /** @type {string} */ empty, /** @type {string[]} */ columns) {
  const count = rows.length;
  return h(
    'div',
    { class: 'card table-wrap' },
    count === 0 ? h('p', {}, empty) : dataTable(h('caption', {}, `${count} ${noun}${count === 1 ? '' : 's'}`), columns, h('tbody', {}, rows)),
  );
}

/** Gives each cell its column's name, which narrow screens show beside the value (tables become stacked rows). */
export function labelCells(/** @type {ParentNode} */ root) {
  for (const table of root.querySelectorAll('table')) {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((cell, i) => {
        if (cell instanceof HTMLElement) cell.dataset.label = headers[i] ?? '';
      });
    }
  }
}

/** A time as the operator's locale writes it, or a dash. */
export function when(/** @type {string | null | undefined} */ iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A short state word in a coloured pill: tone `ok`, `bad`, `warn` or `muted`. */
export function badge(/** @type {string} */ text, /** @type {'ok' | 'bad' | 'warn' | 'muted'} */ tone) {
  return h('span', { class: `badge ${tone}` }, text);
}

/** The tone of a delivery's status. */
export function statusTone(/** @type {string} */ status) {
  return status === 'succeeded' ? 'ok' : status === 'failed' ? 'bad' : 'warn';
}

/**
 * Runs `work` with the button marked busy (it keeps focus: aria-disabled, not disabled) and its label
 * changed, and shows an error instead of throwing.
 * @template T
 * @param {HTMLElement} button
 * @param {string} label
 * @param {() => Promise<T>} work
 * @returns {Promise<T | undefined>}
 */
export async function busy(button, label, work) {
  if (button.getAttribute('aria-disabled') === 'true') return undefined;
  const original = button.textContent;
  button.setAttribute('aria-disabled', 'true');
  button.textContent = label;
  try {
    return await work();
  } catch (error) {
    sayFailure(error);
    return undefined;
  } finally {
    button.removeAttribute('aria-disabled');
    button.textContent = original;
  }
}

/**
 * A form in a card, checked by the server rather than the browser: on submit the page stays, the
 * form's alert box `errors` is emptied, then `submit` runs.
 * @param {HTMLElement} errors
 * @param {() => Promise<void>} submit
 * @param {...Children} children
 */
export function cardForm(errors, submit, ...children) {
  return h(
    'form',
    {
      class: 'card',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        errors.replaceChildren();
        await submit();
      },
    },
    ...children,
  );
}

/** Runs a follow-up (a reload after an action) and reports its failure instead of leaving it unhandled. */
export function reportFailure(/** @type {Promise<unknown>} */ promise) {
  promise.catch(sayFailure);
}
