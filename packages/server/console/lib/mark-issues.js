// @ts-check
// A refused form: its message in the form's alert box, and each field the refusal names marked invalid.
import { issuesOf, messageOf } from './api.js';
import { h } from './dom.js';

/**
 * The message in `errors` (with `more` after it), focused; each field an issue names (`inputOf(field)`
 * gives its input's id) marked invalid, and no other.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} errors
 * @param {unknown} error
 * @param {(field: string) => string | undefined} inputOf
 * @param {Node | string} [more]
 */
export function markIssues(form, errors, error, inputOf, more = '') {
  const summary = h('p', { tabindex: '-1' }, messageOf(error));
  errors.replaceChildren(summary, more);
  for (const element of form.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
  for (const issue of issuesOf(error)) document.getElementById(inputOf(issue.field) ?? '')?.setAttribute('aria-invalid', 'true');
  summary.focus();
}
