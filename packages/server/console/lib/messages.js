// @ts-check
// The status message (the toast): it never covers the form under it, and it never outlives its view.
import { statusOf, messageOf } from './api.js';

/** @type {ReturnType<typeof setTimeout> | undefined} */
let fadeTimer;
/** Set by a message said for the view that an action navigates to: the next view change keeps it. */
let forNextView = false;

function toast() {
  const element = document.getElementById('toast');
  if (!element) throw new Error('The page has no #toast.');
  return element;
}

/**
 * A message in the status region: information fades after 6 s; an error stays until closed, replaced or
 * the view changes. While it shows, the page gets room below its content so nothing is hidden under it.
 * `next`: said just before the action moves to another view (“Saved …”), so it shows there.
 * @param {string} message
 * @param {{ error?: boolean, next?: boolean }} [options]
 */
export function say(message, { error = false, next = false } = {}) {
  clearTimeout(fadeTimer);
  const region = toast();
  const text = document.createElement('span');
  text.textContent = message;
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'link';
  dismiss.setAttribute('aria-label', 'Dismiss message');
  dismiss.textContent = '×';
  dismiss.addEventListener('click', () => unsay());
  region.replaceChildren(text, dismiss);
  region.classList.toggle('error-toast', error);
  document.body.style.paddingBottom = `${region.offsetHeight + 24}px`;
  forNextView = next;
  if (!error) fadeTimer = setTimeout(unsay, 6000);
}

export function unsay() {
  clearTimeout(fadeTimer);
  forNextView = false;
  toast().replaceChildren();
  document.body.style.paddingBottom = '';
}

/** Called on every change of view: the message of the view left goes with it. */
export function viewChanged() {
  if (forNextView) forNextView = false;
  else unsay();
}

/** Says what went wrong, unless the admin token was refused (the sign-in view says that). */
export function sayFailure(/** @type {unknown} */ error) {
  if (statusOf(error) !== 401) say(messageOf(error), { error: true });
}
