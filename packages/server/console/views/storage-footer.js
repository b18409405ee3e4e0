// @ts-check
// The footer's storage line: the database's size, the deliveries kept and the oldest one's age (GET /api/storage), refreshed on each view.
import { api } from '../lib/api.js';
import { byId } from '../lib/dom.js';

/** @typedef {import('../api-bodies').Storage} Storage */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** `12.3 MB`, in powers of 1,024 like the CLI. */
function size(/** @type {number} */ bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `5 s`, `12 min`, `3 h`, `2 d`: the largest whole unit. */
function age(/** @type {number} */ seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** The line's words for the figures. */
export function storageLine(/** @type {Storage} */ storage) {
  const deliveries = storage.tables.find((table) => table.table === 'webhook_deliveries');
  const parts = [`Database ${size(storage.bytes)}`];
  if (storage.freeBytes) parts.push(`${size(storage.freeBytes)} free`);
  if (deliveries) {
    parts.push(`${deliveries.exact ? '' : '~'}${deliveries.rows.toLocaleString('en-US')} ${deliveries.rows === 1 ? 'delivery' : 'deliveries'} kept`);
    parts.push(deliveries.oldest ? `oldest ${age(deliveries.oldest.ageSeconds)} old` : 'none yet');
  }
  return parts.join(' · ');
}

/** Shows the figures in the footer; a failure leaves the line as it was (the view says what went wrong). */
export async function refreshStorageFooter() {
  const footer = byId('storage');
  try {
    const storage = /** @type {Storage} */ (await api('GET', '/api/storage'));
    footer.textContent = storageLine(storage);
    footer.title = `Measured ${new Date(storage.measuredAt).toLocaleTimeString()}, at most every ${storage.maxAgeSeconds} s`;
    footer.hidden = false;
  } catch {
    // Not this line's to report: the view's own call fails the same way and says so.
  }
}

export function hideStorageFooter() {
  byId('storage').hidden = true;
}
