// @ts-check
// Retry (or send now) one delivery by hand, with the same webhook-id, then redraw what shows it.
import { api, seg } from '../lib/api.js';
import { busy, reportFailure } from '../lib/dom.js';
import { say } from '../lib/messages.js';

/**
 * @param {HTMLButtonElement} button
 * @param {{ id: string, status: string }} delivery
 * @param {() => Promise<void>} reload
 */
export async function retryDelivery(button, delivery, reload) {
  const done = await busy(button, 'Retrying…', () => api('POST', `/api/deliveries/${seg(delivery.id)}/retry`));
  if (done) {
    say(delivery.status === 'pending' ? `Delivery ${delivery.id} is due now, with the same webhook-id.` : `Delivery ${delivery.id} queued again with the same webhook-id.`);
    reportFailure(reload());
  }
}
