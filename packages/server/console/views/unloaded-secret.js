// @ts-check
// A secret whose kind no loaded plugin declares: what is known of it, and how to make it usable.
import { badge, h, when } from '../lib/dom.js';
import { setView } from '../lib/router.js';

/** @typedef {import('../api-bodies').Secret} Secret */

export function showUnloadedSecret(/** @type {Secret} */ secret) {
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
