// @ts-check
// A secret shown once (a webhook's signing secret), in its own region, with a button that copies it.
import { h } from '../lib/dom.js';
import { say } from '../lib/messages.js';

export function oneTimeSecret(/** @type {HTMLElement} */ heading, /** @type {string} */ explanation, /** @type {string} */ secret) {
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
        // Undefined outside a secure context, whatever the DOM types say.
        const clipboard = /** @type {Clipboard | undefined} */ (globalThis.navigator.clipboard);
        if (!clipboard) return byHand();
        clipboard.writeText(secret).then(() => (copy.textContent = 'Copied'), byHand);
      },
    },
    'Copy',
  );
  return h('div', { class: 'secret-once', role: 'region', 'aria-label': 'Signing secret' }, heading, h('p', {}, explanation), h('div', { class: 'row' }, value, copy));
}
