// @ts-check
// The Tessera web console's entry: signs in with the admin token and routes the address to its view (no framework, no external asset).
// Every value from the server is put on the page as text (textContent), never as HTML.
import { forgetAdminToken, onSignInNeeded } from './lib/api.js';
import { byId } from './lib/dom.js';
import { loadKinds, setKinds } from './lib/kinds.js';
import { startRouting } from './lib/router.js';
import { showDeliveries } from './views/deliveries.js';
import { showDeliveryPage } from './views/delivery-page.js';
import { showSecretForm } from './views/secret-form.js';
import { showSecrets } from './views/secrets.js';
import { showSignIn } from './views/sign-in.js';
import { hideStorageFooter, refreshStorageFooter } from './views/storage-footer.js';
import { showWebhookPage } from './views/webhook-page.js';
import { showWebhooks } from './views/webhooks.js';

onSignInNeeded(showSignIn);

byId('sign-out').addEventListener('click', () => {
  forgetAdminToken();
  setKinds([]);
  hideStorageFooter();
  // Changes the address without a hashchange, so the "Signed out." message stays.
  history.replaceState(null, '', location.pathname);
  showSignIn('Signed out.');
});

// In order: the first match wins; a path ending in '/' takes an id; the last is the default.
void startRouting(
  [
    { path: '/secrets/new', show: () => showSecretForm(undefined) },
    { path: '/secrets/', show: (id) => showSecretForm(id) },
    { path: '/webhooks', show: () => showWebhooks() },
    { path: '/webhooks/', show: (id) => showWebhookPage(id) },
    { path: '/deliveries', show: (id, query) => showDeliveries(id, query) },
    { path: '/deliveries/', show: (id) => showDeliveryPage(id) },
    { path: '/secrets', show: () => showSecrets() },
  ],
  () => showSignIn(undefined),
  // Before each view: the kinds, and the footer's storage line (not waited for).
  async () => {
    void refreshStorageFooter();
    await loadKinds();
  },
);
